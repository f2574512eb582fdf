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
