"""The secretary signs in, sees on the dashboard how many talks are overdue (now, whenever
due; the month's own in the completion table), follows the number to the "Talks due" list
and finds exactly as many there, these among them."""
from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in

pytestmark = pytest.mark.browser

SEED = """
import datetime as dt
from tracker import clock, create_app
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project

app = create_app()
with app.app_context():
    today = clock.today()
    first = today.replace(day=1)
    project = Project(code="SJ-DASH-01", name="看板测试审计", audited_entity="某局", project_type="field_audit",
                      start_date=first, end_date=first + dt.timedelta(days=90))
    db.session.add(project)
    late = [Person(name=n, party_status="full", source="in_house") for n in ("逾期甲", "逾期乙")]
    later = Person(name="下月走", party_status="full", source="in_house")
    db.session.add_all([*late, later])
    db.session.flush()
    # left on the first of this month without a pre-dispatch talk: overdue from the 2nd on
    for person in late:
        db.session.add(Dispatch(person=person, project=project, departure_date=first,
                                return_date=first + dt.timedelta(days=90)))
    db.session.add(Dispatch(person=later, project=project, departure_date=first + dt.timedelta(days=45),
                            return_date=first + dt.timedelta(days=90)))
    db.session.commit()
    print(today.day)
"""


def seed(env) -> int:
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1])


def test_the_secretary_follows_the_overdue_count_to_the_talks(page, live_server):
    base = live_server["url"]
    day = seed(live_server["env"])
    if day == 1:
        pytest.skip("on the 1st of a month nothing that left today is overdue yet")
    sign_in(page, base, "secretary")

    expect(page.get_by_role("heading", name="Review dashboard")).to_be_visible()
    overdue = page.locator("#fig-talks-overdue")
    expect(overdue).to_contain_text("Overdue talks")
    # other journeys share the server: at least this seed's two are open and overdue
    shown = int(overdue.locator(".fs-3").inner_text())
    assert shown >= 2
    # the period's figures sit apart, in the completion table
    expect(page.locator("#fig-completion-overdue")).to_be_visible()

    overdue.click()
    expect(page.get_by_role("heading", name="Talks due")).to_be_visible()
    expect(page.get_by_label("State")).to_have_value("overdue")
    expect(page.locator("a", has_text="Overdue:").locator("strong")).to_have_text(str(shown))
    rows = page.locator("tr.due-row")
    expect(rows.filter(has_text="逾期甲")).to_contain_text("Overdue")
    expect(rows.filter(has_text="逾期乙")).to_contain_text("Pre-dispatch talk")
    expect(page.locator("tr.due-row", has_text="下月走")).to_have_count(0)


BRANCH_SEED = """
import datetime as dt
from sqlalchemy import select
from tracker import clock, create_app
from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.projects.models import Project

app = create_app()
with app.app_context():
    if db.session.scalar(select(Branch).where(Branch.name == "看板搜索临时党支部")) is None:
        start = clock.today() - dt.timedelta(days=30)
        project = Project(code="SJ-DASH-02", name="看板搜索审计", audited_entity="某局", project_type="field_audit",
                          start_date=start, end_date=start + dt.timedelta(days=90))
        db.session.add(Branch(name="看板搜索临时党支部", approved_by="机关党委", approval_date=start,
                              status="active", projects=[project]))
        db.session.commit()
"""


def test_the_secretary_narrows_the_dashboard_to_a_branch_by_typing_its_name(page, live_server):
    base = live_server["url"]
    subprocess.run([sys.executable, "-c", BRANCH_SEED], cwd=ROOT, env=live_server["env"], check=True)
    sign_in(page, base, "secretary")

    field = page.get_by_role("searchbox", name="Temporary branch")
    field.fill("看板搜索")
    field.press("Enter")  # the keyboard submits the form
    page.wait_for_url("**/?period=month&branch_id=*")
    expect(page.locator("h1 + p")).to_contain_text("看板搜索临时党支部")
    expect(page.get_by_text("Temporary branch: 看板搜索临时党支部")).to_be_visible()

    field = page.get_by_role("searchbox", name="Temporary branch")
    field.fill("没有这个支部")
    field.press("Enter")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-branch-error")).to_have_text("No temporary branch’s name contains “没有这个支部”.")
