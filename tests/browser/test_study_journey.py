"""A theme party day at the audit site: the team leader logs it with one member on leave and
a photo, the secretary returns it, the leader fixes and resubmits, the secretary approves,
the record is locked and the branch's month shows as held. And a form that survives a lost
sign-in."""
from __future__ import annotations

import datetime as dt
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
import datetime as dt, json, sys
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
    if (user := db.session.query(User).filter_by(username="leader").first()) is None:
        leader, lin, zheng, chen = (Person(name=n, party_status="full", source="in_house")
                                    for n in ("王组长", "林芳", "郑浩", "陈晨"))
        project = Project(code="SJ-STUDY-01", name="专项资金审计", audited_entity="某县财政局",
                          project_type="field_audit", start_date=today - dt.timedelta(days=90),
                          end_date=today + dt.timedelta(days=60), status="in_progress", team_leader=leader)
        start = today - dt.timedelta(days=80)
        branch = Branch(name="专项资金审计临时党支部", approved_by="机关党委", approval_date=start,
                        status="active", projects=[project])
        db.session.add_all([project, branch])
        for person, role, joined in ((leader, "secretary", start), (lin, "member", start),
                                     (zheng, "member", start), (chen, "member", today - dt.timedelta(days=3))):
            db.session.add(Membership(branch=branch, person=person, role=role, joined_on=joined))
        user = User(username="leader", display_name="王组长", person=leader,
                    password_hash=generate_password_hash("browser-pass-123"))
        user.roles = ["team-leader"]
        db.session.add(user)
        db.session.commit()
    branch = db.session.query(Branch).filter_by(name="专项资金审计临时党支部").one()
    print(json.dumps({"branch": branch.id, "today": today.isoformat()}))
"""


@pytest.fixture(scope="module")
def study_site(live_server):
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=live_server["env"],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    data["today"] = dt.date.fromisoformat(data["today"])
    return data


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def fill_session(page, day: dt.date, topic: str):
    page.get_by_label("Session type").select_option(label="Theme party day")
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start time").fill("14:30")
    page.get_by_label("End time").fill("16:00")
    page.get_by_label("Place").fill("项目驻地会议室")
    page.get_by_label("Topic").fill(topic)
    page.get_by_label("Host").fill("王组长")
    page.get_by_label("Recorder").fill("郑浩")
    page.get_by_label("Content", exact=True).fill("一、学习《中国共产党纪律处分条例》\n二、交流发言")


def test_theme_party_day_from_logging_to_approval(page, live_server, study_site):
    base, today = live_server["url"], study_site["today"]
    held_on = today.replace(day=10) if today.day >= 10 else today  # on time: by the 10th
    month = held_on.strftime("%Y-%m")

    sign_in(page, base, "leader")
    page.get_by_role("link", name="Temporary branches", exact=True).click()
    page.get_by_role("link", name="专项资金审计临时党支部").click()
    expect(page.locator(f'#rule-theme_party_day tr[data-period="{month}"]')).not_to_contain_text("Done")
    page.get_by_role("link", name="Log a study session").click()
    fill_session(page, held_on, "学习纪律处分条例主题党日")
    lin = page.get_by_role("row", name=re.compile("林芳"))
    lin.get_by_label("On leave").check()
    expect(page.get_by_text("Expected: 3 · Present: 2")).to_be_visible()
    page.get_by_label("Reason (林芳)").fill("病假")
    page.get_by_label("Photos and documents").set_input_files(
        [{"name": "合影.png", "mimeType": "image/png", "buffer": png_bytes((1600, 1200))}])
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    expect(page.get_by_text("Expected: 3 · Present: 2")).to_be_visible()
    thumbnail = page.get_by_role("img", name="合影.png")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.naturalWidth") == 320
    session_url = page.url
    sign_out(page)

    sign_in(page, base, "secretary")
    page.get_by_role("link", name="Study sessions", exact=True).click()
    page.get_by_label("Status").select_option(label="Submitted")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="学习纪律处分条例主题党日").click()
    page.get_by_role("link", name="Review").click()
    page.get_by_label("Comment").fill("请补充会议形成的决议和后续安排。")
    page.get_by_role("button", name="Return").click()
    expect(page.get_by_text("Returned to the author with your comment.")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "leader")
    page.goto(session_url)
    expect(page.get_by_role("status")).to_contain_text("Returned with this comment: 请补充会议形成的决议和后续安排。")
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Reason (林芳)")).to_have_value("病假")
    page.get_by_label("Resolutions and follow-ups").fill("各成员于下周五前提交学习心得，由林芳汇总。")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "secretary")
    page.goto(session_url)
    page.get_by_role("link", name="Review").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved. The record is now locked.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    sign_out(page)

    sign_in(page, base, "leader")
    page.goto(session_url)
    expect(page.get_by_text("The record is locked")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    assert page.request.get(session_url + "/edit").status == 403
    page.get_by_role("link", name="专项资金审计临时党支部").click()
    expect(page.locator(f'#rule-theme_party_day tr[data-period="{month}"]')).to_contain_text("Done")
    expect(page.locator(f'#rule-theme_party_day tr[data-period="{month}"]')).to_contain_text(held_on.strftime("%b"))


def idle_since(live_server, username: str, minutes: int) -> None:
    """Make the user's sign-ins look idle for `minutes` (the server's clock is the real one)."""
    from sqlalchemy import create_engine, select, update

    from tracker.auth.models import SignIn, User

    engine = create_engine(live_server["env"]["DATABASE_URL"])
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    with engine.begin() as conn:
        user_id = conn.execute(select(User.id).where(User.username == username)).scalar_one()
        conn.execute(update(SignIn).where(SignIn.user_id == user_id).values(last_seen_at=past))
    engine.dispose()


def test_form_survives_a_lost_sign_in(page, live_server, study_site):
    base, today = live_server["url"], study_site["today"]
    sign_in(page, base, "leader")
    page.goto(f"{base}/study/new?branch_id={study_site['branch']}")
    fill_session(page, today, "签到丢失后仍保留的主题")
    # The roster follows the date: 陈晨 joined three days ago.
    chen = page.get_by_role("row", name=re.compile("陈晨"))
    expect(chen).to_be_visible()
    page.get_by_role("row", name=re.compile("郑浩")).get_by_label("Absent").check()
    page.get_by_label("Reason (郑浩)").fill("外出取证")
    page.get_by_label("Date", exact=True).fill((today - dt.timedelta(days=10)).isoformat())
    page.get_by_label("Date", exact=True).dispatch_event("change")
    expect(chen).to_have_count(0)
    expect(page.get_by_label("Reason (郑浩)")).to_have_value("外出取证")  # kept across the re-list
    page.get_by_label("Date", exact=True).fill(today.isoformat())
    page.get_by_label("Date", exact=True).dispatch_event("change")
    expect(chen).to_be_visible()

    # Leave the date field now, so its change (and the roster it fetches) happens while signed
    # in, not in a race with the save below.
    page.get_by_label("Topic").click()
    page.wait_for_load_state("networkidle")
    idle_since(live_server, "leader", minutes=45)  # a long time at the site: the sign-in ran out
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your sign-in had ended, so nothing was saved yet.")).to_be_visible()
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill("browser-pass-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("attach them again")).to_be_visible()
    expect(page.get_by_label("Topic")).to_have_value("签到丢失后仍保留的主题")
    expect(page.get_by_label("Content", exact=True)).to_have_value("一、学习《中国共产党纪律处分条例》\n二、交流发言")
    expect(page.get_by_role("row", name=re.compile("郑浩")).get_by_label("Absent")).to_be_checked()
    expect(page.get_by_label("Reason (郑浩)")).to_have_value("外出取证")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="签到丢失后仍保留的主题")).to_be_visible()
