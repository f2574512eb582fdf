"""In Chinese, on a laptop (1366×768) and a phone (390 px): a team leader's dashboard headline
counts his team's overdue talks though none fell due this month, his to-do box shows the
study session the secretary returned with her comment, and the navigation carries the count;
the secretary's box lists what waits for her review."""
from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.browser

PASSWORD = "browser-pass-123"
SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}

SEED = """
import datetime as dt
from sqlalchemy import select
from tracker import clock, create_app
from tracker.auth.models import User
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.study.models import StudySession

app = create_app()
with app.app_context():
    if db.session.scalar(select(User).where(User.username == "todo-leader")) is None:
        today = clock.today()
        leader = Person(name="待办组长", party_status="full", source="in_house")
        team = [Person(name=n, party_status="full", source="in_house") for n in ("待办甲", "待办乙", "待办丙")]
        db.session.add_all([leader, *team])
        db.session.flush()
        user = User(username="todo-leader", display_name="待办组长", person=leader)
        user.roles = ["team-leader"]
        user.set_password("browser-pass-123")  # PASSWORD
        db.session.add(user)
        start = today - dt.timedelta(days=40)  # always before this month's first day
        project = Project(code="SJ-TODO-01", name="待办测试审计", audited_entity="某局", project_type="field_audit",
                          start_date=start, end_date=today + dt.timedelta(days=60), team_leader=leader)
        branch = Branch(name="待办测试临时党支部", approved_by="机关党委", approval_date=start, status="active",
                        projects=[project])
        db.session.add_all([project, branch])
        db.session.flush()
        db.session.add(Membership(branch=branch, person=leader, role="secretary", joined_on=start))
        for person in team:  # left 40 days ago, no pre-dispatch talk: overdue, due last month
            db.session.add(Dispatch(person=person, project=project, departure_date=start,
                                    return_date=today + dt.timedelta(days=60)))
        db.session.add(StudySession(
            branch_id=branch.id, session_type="group_study", held_on=today - dt.timedelta(days=3),
            start_time=dt.time(14, 30), end_time=dt.time(16, 0), place="驻地会议室", topic="待办退回的学习",
            status="returned", review_comment="请补充会议照片", author_id=user.id,
            submitted_at=clock.now() - dt.timedelta(days=2), reviewed_at=clock.now() - dt.timedelta(days=1)))
        db.session.add(StudySession(
            branch_id=branch.id, session_type="group_study", held_on=today - dt.timedelta(days=5),
            start_time=dt.time(14, 30), end_time=dt.time(16, 0), place="驻地会议室", topic="待办等待审核的学习",
            status="submitted", author_id=user.id, submitted_at=clock.now() - dt.timedelta(days=4)))
        db.session.commit()
"""


@pytest.fixture
def seeded(live_server):
    subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=live_server["env"], check=True, capture_output=True)
    return live_server["url"]


def _chinese(browser, size: str):
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN", is_mobile=size == "phone",
                                  has_touch=size == "phone")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


#: the box's entries the navigation's count leaves out (tracker/todo/registry.NOT_IN_BADGE)
NOT_IN_BADGE = ["todo-overdue_talks", "todo-overdue_checkpoints", "todo-team_talks_due",
                "todo-branches_missing_sessions", "todo-talks_unconfirmed"]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), \
        "sideways scrolling"


def _open_menu_on_a_phone(page, size: str) -> None:
    if size == "phone":
        page.locator(".navbar-toggler").click()
        page.locator("#nav-todo").wait_for(state="visible")


@pytest.mark.parametrize("size", SIZES)
def test_team_leader_sees_overdue_talks_and_the_returned_session(browser, seeded, size):
    base = seeded
    context, page = _chinese(browser, size)
    _sign_in(page, base, "todo-leader")
    overdue = page.locator("#fig-talks-overdue")
    expect(overdue).to_contain_text("逾期")
    expect(overdue.locator(".fs-3")).to_have_text("3")  # none of them fell due this month
    expect(overdue).to_contain_text("最久已逾期 40 天")
    expect(page.locator("#fig-completion-overdue")).to_have_text("0")  # the month's own
    expect(page.locator("#figures-note")).to_contain_text("统计期间")

    box = page.locator("#todo")
    expect(box.get_by_role("heading", name="我的待办")).to_be_visible()
    returned = box.locator("#todo-sessions_returned")
    expect(returned).to_contain_text("退回给您修改的组织生活")
    expect(returned).to_contain_text("请补充会议照片")
    expect(box.locator("#todo-team_talks_due .todo-count")).to_have_text("3")
    _fits(page)

    # the navigation counts what waits for the leader's own hand (here the returned session),
    # not the due items the box also lists
    total = page.evaluate("""() => [...document.querySelectorAll('#todo li.todo-entry')]
        .filter(li => !NOT_IN_BADGE.includes(li.id))
        .reduce((n, li) => n + Number(li.querySelector('.todo-count').textContent), 0)"""
                          .replace("NOT_IN_BADGE", str(NOT_IN_BADGE)))
    assert total >= 1
    if size == "phone":  # beside the collapsed menu, one tap from the box
        expect(page.locator("#nav-todo-phone")).to_have_text(str(total))
    _open_menu_on_a_phone(page, size)
    expect(page.locator("#nav-todo-count")).to_have_text(str(total))
    expect(page.locator("#nav-todo")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"todo-leader-{size}.png"), full_page=True)

    returned.get_by_role("link", name="待办退回的学习", exact=False).click()
    expect(page.locator("main")).to_contain_text("请补充会议照片")
    _fits(page)
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_secretary_sees_what_waits_for_review_in_the_box(browser, seeded, size):
    base = seeded
    context, page = _chinese(browser, size)
    _sign_in(page, base, "secretary")
    waiting = page.locator("#todo-sessions_waiting")
    expect(waiting).to_contain_text("待您审核的组织生活")
    expect(waiting).to_contain_text("待办等待审核的学习")
    expect(waiting).to_contain_text("已等待")
    expect(page.locator("#todo-overdue_talks")).to_contain_text("逾期")
    # the headline equals the list it links to
    shown = page.locator("#fig-talks-overdue .fs-3").inner_text()
    _fits(page)
    page.locator("#fig-talks-overdue").click()
    expect(page.locator("a", has_text="已逾期").locator("strong").first).to_have_text(shown)
    context.close()
