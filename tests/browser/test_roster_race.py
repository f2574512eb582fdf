"""The session form's member list on a slow link: answers that arrive out of order never
show (or save) the roster of a date no longer on the form, and a save made before the new
list arrived is refused with the right list shown to check."""
from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_study_journey import fill_session, study_site  # noqa: F401

pytestmark = pytest.mark.browser


def names(page) -> set[str]:
    return set(page.locator("#attendance tbody th").all_inner_texts())


def hold_rosters(page) -> list:
    """Hold every roster request until the test lets it go, so answers can come in any order."""
    held: list = []
    page.route(re.compile(r"/study/roster\?"), lambda route: held.append(route))
    return held


def release(route) -> None:
    # the page may have aborted it already: a stale request is meant to die
    with contextlib.suppress(PlaywrightError):
        route.fulfill(response=route.fetch())


def test_stale_roster_answers_are_ignored(page, live_server, study_site):  # noqa: F811
    base, today = live_server["url"], study_site["today"]
    sign_in(page, base, "leader")
    page.goto(f"{base}/study/new?branch_id={study_site['branch']}")
    expect(page.locator("#refresh-roster")).to_be_visible()  # the button stays, with the script
    held = hold_rosters(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/study/roster" in r.url else None)

    date = page.get_by_label("Date", exact=True)
    # Typing a date key by key asks once, after the typing stops.
    date.click()
    date.press_sequentially((today - dt.timedelta(days=1)).strftime("%m%d%Y"), delay=60)
    page.wait_for_timeout(900)
    assert len(requests) == 1, requests
    # Then a date before 陈晨 joined; its answer comes back first, the older one last.
    date.fill((today - dt.timedelta(days=10)).isoformat())
    page.wait_for_timeout(900)
    assert len(held) == 2
    release(held[1])
    expect(page.locator("#attendance")).not_to_have_attribute("aria-busy", "true")
    release(held[0])
    page.wait_for_timeout(300)
    assert names(page) == {"王组长", "林芳", "郑浩"}
    expect(page.get_by_text("陈晨 joined on")).to_be_visible()  # named, and why

    # The visible button asks again (and is answered).
    page.unroute(re.compile(r"/study/roster\?"))
    page.get_by_role("button", name="Refresh member list").click()
    expect(page.locator("#attendance")).not_to_have_attribute("aria-busy", "true")
    assert names(page) == {"王组长", "林芳", "郑浩"}


def test_a_save_before_the_new_roster_arrives_is_refused(page, live_server, study_site):  # noqa: F811
    base, today = live_server["url"], study_site["today"]
    sign_in(page, base, "leader")
    page.goto(f"{base}/study/new?branch_id={study_site['branch']}")
    fill_session(page, today - dt.timedelta(days=10), "名单未到就保存")
    page.get_by_role("button", name="Refresh member list").click()
    expect(page.locator("#attendance tbody tr")).to_have_count(3)
    held = hold_rosters(page)
    page.get_by_label("Date", exact=True).fill(today.isoformat())  # 陈晨 is a member by then
    page.wait_for_timeout(600)
    assert held  # the new list has not arrived
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The member list shown was not the list for this date.")).to_be_visible()
    assert names(page) == {"王组长", "林芳", "郑浩", "陈晨"}
    expect(page.get_by_label("Topic")).to_have_value("名单未到就保存")
    page.unroute(re.compile(r"/study/roster\?"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_text("Expected: 4 · Present: 4")).to_be_visible()
