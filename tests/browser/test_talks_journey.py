"""A secretary works through "Talks due": finds an overdue pre-dispatch talk, records it
from the dispatch (first with a date after the departure, which is refused), and sees
it leave the overdue list."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in

pytestmark = pytest.mark.browser

SEED = """
import datetime as dt
from sqlalchemy import select
from tracker import clock, create_app
from tracker.auth.models import User
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project

app = create_app()
with app.app_context():
    today = clock.today()
    secretary = Person(name="陈书记", party_status="full", source="in_house")
    member = Person(name="许诺", party_status="full", source="in_house")
    project = Project(code="SJ-TALK-01", name="谈话测试审计", audited_entity="某局", project_type="field_audit",
                      start_date=today - dt.timedelta(days=5), end_date=today + dt.timedelta(days=30))
    db.session.add_all([secretary, member, project])
    db.session.flush()
    db.session.scalar(select(User).where(User.username == "secretary")).person_id = secretary.id
    departure = today - dt.timedelta(days=5)
    db.session.add(Dispatch(person=member, project=project, departure_date=departure,
                            return_date=today + dt.timedelta(days=30)))
    db.session.commit()
    print(departure.isoformat())
"""


def seed(env) -> dt.date:
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return dt.date.fromisoformat(out.strip().splitlines()[-1])


def overdue_rows(page, base):
    page.goto(base + "/")
    page.get_by_role("link", name="Talks due", exact=True).click()
    page.get_by_label("State").select_option(label="Overdue")
    page.get_by_role("button", name="Filter").click()
    return page.locator("tr.due-row", has_text="SJ-TALK-01")


def test_secretary_records_an_overdue_pre_dispatch_talk(page, live_server):
    base = live_server["url"]
    departure = seed(live_server["env"])
    sign_in(page, base, "secretary")

    rows = overdue_rows(page, base)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Pre-dispatch talk")
    expect(rows.first).to_contain_text("许诺")
    rows.first.get_by_role("link", name="Dispatch").click()

    expect(page.get_by_role("heading", name=re.compile("许诺"))).to_be_visible()
    page.get_by_role("link", name="Record pre-dispatch talk").click()
    expect(page.get_by_label("Talk type")).to_have_value("pre_dispatch")
    expect(page.get_by_label("Talked with")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Place").fill("局三楼会议室")
    page.get_by_label("Key points").fill("出发前重申审计纪律，提醒注意安全")
    page.get_by_label("No expenses paid or subsidised by the audited entity.").check()
    page.get_by_label("No leaking of audit secrets.").check()
    # The date is pre-filled with today, after the departure: a late talk is recorded, with
    # the reason it was late asked for next to the field the form shows for it.
    expect(page.get_by_label("Why the talk was late")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#late_reason-errors")).to_contain_text("Say why it was late.")
    expect(page.get_by_label("Key points")).to_have_value("出发前重申审计纪律，提醒注意安全")
    expect(page.get_by_label("No leaking of audit secrets.")).to_be_checked()
    page.get_by_label("Why the talk was late").fill("出发当日临时召集，返回后补谈")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Pre-dispatch talk: 许诺"))).to_be_visible()
    expect(page.get_by_text("No leaking of audit secrets.")).to_be_visible()
    expect(page.get_by_text("出发当日临时召集，返回后补谈", exact=True)).to_be_visible()
    # Editing it later works; an in-time date needs no reason and the field goes away.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Date", exact=True).fill((departure - dt.timedelta(days=1)).isoformat())
    expect(page.get_by_label("Why the talk was late")).to_be_visible()  # it still holds the reason
    page.get_by_label("Date", exact=True).fill((departure + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Place").fill("局四楼会议室")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("局四楼会议室", exact=True)).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()

    # Back on the list: it has left the overdue talks, and the dispatch shows it done.
    expect(overdue_rows(page, base)).to_have_count(0)
    page.get_by_label("State").select_option(label="Done late")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tr.due-row", has_text="SJ-TALK-01")).to_contain_text("Pre-dispatch talk")
