"""Interaction counts of the two commonest jobs, counted as the person works (every click,
every field typed in, every file chooser): logging this month's theme party day with 8
members and 2 photos (goal ≤ 10), and a pre-dispatch talk with the full checklist (goal ≤ 8)."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in
from tests.fixtures_study import png_bytes

pytestmark = pytest.mark.browser

SEED = r"""
import datetime as dt, json
from tracker import clock, create_app
from tracker.auth.models import User
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from werkzeug.security import generate_password_hash

app = create_app()
with app.app_context():
    today = clock.today()
    names = ("赵组长", "钱一", "孙二", "李三", "周四", "吴五", "郑六", "王七")
    people = [Person(name=n, party_status="full", source="in_house") for n in names]
    project = Project(code="SJ-CLICK-01", name="点击计数审计", audited_entity="某局",
                      project_type="field_audit", start_date=today - dt.timedelta(days=60),
                      end_date=today + dt.timedelta(days=60), status="in_progress", team_leader=people[0])
    start = today - dt.timedelta(days=50)
    branch = Branch(name="点击计数临时党支部", approved_by="机关党委", approval_date=start,
                    status="active", projects=[project])
    db.session.add_all([project, branch, *people])
    for n, person in enumerate(people):
        db.session.add(Membership(branch=branch, person=person, role="secretary" if n == 0 else "member",
                                  joined_on=start))
    newcomer = Person(name="冯新", party_status="full", source="in_house")
    dispatch = Dispatch(person=newcomer, project=project, departure_date=today + dt.timedelta(days=3),
                        return_date=today + dt.timedelta(days=40))
    db.session.add_all([newcomer, dispatch])
    user = User(username="leader8", display_name="赵组长", person=people[0],
                password_hash=generate_password_hash("browser-pass-123"))
    user.roles = ["team-leader"]
    db.session.add(user)
    db.session.commit()
    print(json.dumps({"branch": branch.id, "dispatch": dispatch.id}))
"""


class Counter:
    """Counts what the person does: clicks, fields typed in, files chosen."""

    def __init__(self):
        self.n = 0

    def click(self, locator):
        self.n += 1
        locator.click()

    def fill(self, locator, text):
        self.n += 1
        locator.fill(text)

    def files(self, locator, files):
        self.n += 1
        locator.set_input_files(files)


@pytest.fixture(scope="module")
def click_site(live_server):
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=live_server["env"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_log_this_months_theme_party_day_in_at_most_10(page, live_server, click_site):
    base = live_server["url"]
    sign_in(page, base, "leader8")
    do = Counter()
    do.click(page.get_by_role("link", name="Temporary branches", exact=True))
    do.click(page.get_by_role("link", name="点击计数临时党支部"))
    do.click(page.get_by_role("link", name="Log a study session"))
    expect(page.get_by_label("Session type")).to_have_value("theme_party_day")  # the one owed now
    expect(page.locator("#attendance tbody tr")).to_have_count(8)
    do.fill(page.get_by_label("Start time"), "14:30")
    do.fill(page.get_by_label("End time"), "16:00")
    do.fill(page.get_by_label("Place"), "项目驻地会议室")
    do.fill(page.get_by_label("Topic"), "八项规定精神主题党日（少点几下）")
    do.files(page.get_by_label("Photos and documents"), [
        {"name": "合影1.png", "mimeType": "image/png", "buffer": png_bytes((1200, 900))},
        {"name": "合影2.png", "mimeType": "image/png", "buffer": png_bytes((1200, 900), (30, 30, 200))}])
    do.click(page.get_by_role("button", name="Submit for review"))
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    expect(page.get_by_text("Expected: 8 · Present: 8")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("合影"))).to_have_count(2)
    print(f"theme party day: {do.n} interactions")
    assert do.n <= 10


def test_record_a_pre_dispatch_talk_with_the_full_checklist_in_at_most_8(page, live_server, click_site):
    base = live_server["url"]
    sign_in(page, base, "leader8")
    page.goto(f"{base}/dispatches/{click_site['dispatch']}")  # where "Talks due" links to
    do = Counter()
    do.click(page.get_by_role("link", name="Record pre-dispatch talk"))
    do.fill(page.get_by_label("Place"), "项目驻地会议室")
    do.fill(page.get_by_label("Key points"), "出发前重申审计纪律")
    do.click(page.get_by_label("All items covered"))
    boxes = page.locator("input[name=integrity_item_ids]")
    assert boxes.count() > 0
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    do.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", name=re.compile("Pre-dispatch talk: 冯新"))).to_be_visible()
    expect(page.get_by_text("not covered")).to_have_count(0)
    do.click(page.get_by_role("button", name="Submit for review"))
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    print(f"pre-dispatch talk: {do.n} interactions")
    assert do.n <= 8


def test_the_checklist_toggle_leaves_exceptions_unticked_and_works_without_script(browser, live_server,
                                                                                   click_site):
    base = live_server["url"]
    for script in (True, False):
        context = browser.new_context(locale="en-US", java_script_enabled=script)
        page = context.new_page()
        sign_in(page, base, "leader8")
        page.goto(f"{base}/talks/new?dispatch_id={click_site['dispatch']}&talk_type=pre_dispatch")
        boxes = page.locator("input[name=integrity_item_ids]")
        if script:
            page.get_by_label("All items covered").check()
            boxes.first.uncheck()
            assert page.locator("#all-items").evaluate("e => e.indeterminate")
            assert sum(boxes.nth(i).is_checked() for i in range(boxes.count())) == boxes.count() - 1
        else:
            expect(page.locator("#all-items-box")).to_be_hidden()  # no toggle that cannot work
            boxes.first.check()
            assert boxes.first.is_checked()
        context.close()
