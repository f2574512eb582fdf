"""The 三会一课 in a browser: the team leader logs this month's committee meeting and sees the
month held on the branch page (in English and in Chinese); the secretary, in Chinese, marks
party group meetings as not applicable to a branch without party groups, and the branch
page and the dashboard stop asking for them."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in

pytestmark = pytest.mark.browser

SEED = r"""
import datetime as dt, json
from tracker import clock, create_app
from tracker.auth.models import User
from tracker.branches.models import Branch, Membership
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from werkzeug.security import generate_password_hash

app = create_app()
with app.app_context():
    today = clock.today()
    if (user := db.session.query(User).filter_by(username="meetings-leader").first()) is None:
        leader, lin, zheng = (Person(name=n, party_status="full", source="in_house")
                              for n in ("赵组长", "钱组织", "孙宣传"))
        project = Project(code="SJ-MEET-01", name="三会一课专项审计", audited_entity="某区住建局",
                          project_type="field_audit", start_date=today - dt.timedelta(days=100),
                          end_date=today + dt.timedelta(days=60), status="in_progress", team_leader=leader)
        start = today - dt.timedelta(days=90)
        branch = Branch(name="三会一课专项审计临时党支部", approved_by="机关党委", approval_date=start,
                        status="active", projects=[project])
        db.session.add_all([project, branch])
        for person, role in ((leader, "secretary"), (lin, "organising_member"), (zheng, "publicity_member")):
            db.session.add(Membership(branch=branch, person=person, role=role, joined_on=start))
        user = User(username="meetings-leader", display_name="赵组长", person=leader,
                    password_hash=generate_password_hash("browser-pass-123"))
        user.roles = ["team-leader"]
        db.session.add(user)
        db.session.commit()
    branch = db.session.query(Branch).filter_by(name="三会一课专项审计临时党支部").one()
    print(json.dumps({"branch": branch.id, "today": today.isoformat()}))
"""


@pytest.fixture(scope="module")
def site(live_server):
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=live_server["env"],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    data["today"] = dt.date.fromisoformat(data["today"])
    return data


def test_logging_a_committee_meeting_marks_the_month_held(page, live_server, site):
    base, today = live_server["url"], site["today"]
    month = today.strftime("%Y-%m")
    row = page.locator(f'#rule-committee_meeting tr[data-period="{month}"]')
    sign_in(page, base, "meetings-leader")
    page.goto(f"{base}/branches/{site['branch']}")
    expect(page.locator("#rule-committee_meeting caption")).to_have_text("Committee meeting, every month")
    expect(row).not_to_contain_text("Done")
    page.get_by_role("link", name="Log a study session").click()
    page.get_by_label("Session type").select_option(label="Committee meeting")
    page.get_by_label("Date", exact=True).fill(today.isoformat())
    page.get_by_label("Date", exact=True).dispatch_event("change")
    page.get_by_label("Start time").fill("19:00")
    page.get_by_label("End time").fill("20:00")
    page.get_by_label("Place").fill("项目驻地会议室")
    page.get_by_label("Topic").fill("研究本月组织生活安排")
    page.get_by_label("Host").fill("赵组长")
    page.get_by_label("Recorder").fill("钱组织")
    page.get_by_label("Content", exact=True).fill("一、通报审计进度\n二、研究主题党日安排")
    expect(page.get_by_text("Expected: 3 · Present: 3")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()

    page.goto(f"{base}/branches/{site['branch']}")
    expect(row).to_contain_text("Done")
    expect(row).to_contain_text("1 / 1")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("#rule-committee_meeting caption")).to_have_text("支委会，每月一次")
    expect(row).to_contain_text("已完成")
    expect(page.locator("#rule-branch_meeting caption")).to_have_text("支部党员大会，每季度一次")
    expect(page.get_by_text("组织委员")).to_be_visible()


def test_the_secretary_marks_party_group_meetings_not_applicable(page, live_server, site):
    base, branch = live_server["url"], site["branch"]
    dashboard = f"{base}/?period=year&branch_id={branch}"
    sign_in(page, base, "secretary")
    page.get_by_role("button", name="中文").click()
    page.goto(dashboard)
    # three months and more without a party group meeting: the branch is missing them
    expect(page.locator("#fig-missing-party_group_meeting")).to_have_text("1个支部未开展")
    expect(page.locator("#missing-party_group_meeting")).to_contain_text("三会一课专项审计临时党支部")

    page.goto(f"{base}/branches/{branch}")
    expect(page.locator("#rule-party_group_meeting")).to_be_visible()
    page.get_by_role("link", name="编辑").first.click()
    page.get_by_label("党小组会").check()
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(rf"/branches/{branch}$"))
    expect(page.locator("#rules-not-applicable")).to_contain_text("本支部不适用：")
    expect(page.locator("#rules-not-applicable")).to_contain_text("党小组会")
    expect(page.locator("#rule-party_group_meeting")).to_have_count(0)
    expect(page.locator("#rule-committee_meeting")).to_be_visible()
    history = page.locator("section[aria-labelledby=history-heading]")
    expect(history.get_by_text(re.compile("不适用：.*党小组会"))).to_be_visible()  # in the history, in words

    page.goto(dashboard)
    expect(page.locator("#fig-missing-party_group_meeting")).to_have_text("0个支部未开展")
    expect(page.locator("#missing-party_group_meeting")).to_have_count(0)
    # and the form opens with the mark, to take it back
    page.goto(f"{base}/branches/{branch}/edit")
    expect(page.get_by_label("党小组会")).to_be_checked()
