"""Party members on their phones: the secretary prints the branch's activation sheet, a member
opens their link on a 390×844 screen, sets a password, signs in and reads their own page, in
English and in Chinese — no sideways scrolling, tap targets of 44 px, the language switch
within reach."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

SEED = """
import datetime as dt
from tracker import clock, create_app
from tracker.branches.models import Branch, Membership
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.study.models import Attendance, StudySession

app = create_app()
with app.app_context():
    today = clock.today()
    me = Person(name="手机党员甲", party_status="full", source="in_house")
    other = Person(name="同支部乙", party_status="full", source="in_house")
    project = Project(code="SJ-PHONE-01", name="手机测试审计", audited_entity="某局", project_type="field_audit",
                      start_date=today - dt.timedelta(days=40), end_date=today + dt.timedelta(days=30))
    branch = Branch(name="手机测试临时党支部", approved_by="机关党委", approval_date=today - dt.timedelta(days=30),
                    status="active", projects=[project])
    db.session.add_all([me, other, project, branch])
    db.session.flush()
    for person in (me, other):
        db.session.add(Membership(branch=branch, person=person, joined_on=branch.approval_date))
    session = StudySession(branch_id=branch.id, session_type="theme_party_day", held_on=today - dt.timedelta(days=3),
                           start_time=dt.time(14, 30), end_time=dt.time(16), place="驻地会议室",
                           topic="学习党章一个很长很长的主题名称用来检验手机上的换行是否正常工作")
    db.session.add(session)
    db.session.flush()
    db.session.add_all([Attendance(session_id=session.id, person_id=me.id, status="present"),
                        Attendance(session_id=session.id, person_id=other.id, status="on_leave", reason="乙的请假理由")])
    db.session.commit()
    print(branch.id)
"""


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "sideways scrolling"
    for target in page.locator(".member-target, .navbar .btn").all():
        if target.is_visible():
            box = target.bounding_box()
            assert box["height"] >= 44, (target.inner_text(), box)
    expect(page.locator("button[name=lang][value=zh]")).to_be_visible()
    expect(page.locator("button[name=lang][value=en]")).to_be_visible()


def test_member_activates_on_a_phone_and_reads_their_own_page(browser, page, live_server):
    base = live_server["url"]
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=live_server["env"], check=True,
                         capture_output=True, text=True).stdout
    branch_id = int(out.strip().splitlines()[-1])

    sign_in(page, base, "secretary")
    page.goto(f"{base}/branches/{branch_id}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Member accounts").click()
    slip = page.locator(".activation-slip", has_text="手机党员甲")
    expect(slip).to_be_visible()
    username = slip.locator(".slip-username").inner_text()
    link = slip.locator(".slip-link").inner_text()
    assert re.search(r"/me/activate/[\w-]+$", link)

    phone = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    try:
        mobile = phone.new_page()
        mobile.set_default_timeout(10_000)
        mobile.goto(link)
        _fits_the_phone(mobile)
        mobile.get_by_label("New password", exact=True).fill("phone-pass-2026!")
        mobile.get_by_label("Repeat new password").fill("phone-pass-2026!")
        mobile.get_by_role("button", name="Set my password").click()
        mobile.wait_for_url(re.compile(r"/sign-in"))
        sign_in(mobile, base, username, "phone-pass-2026!")

        expect(mobile.get_by_role("heading", name="My sessions")).to_be_visible()
        expect(mobile.get_by_text("学习党章一个很长")).to_be_visible()
        assert "同支部乙" not in mobile.content()
        _fits_the_phone(mobile)
        mobile.locator(".member-target", has_text="学习党章").click()
        expect(mobile.locator(".my-attendance")).to_have_text(re.compile("Present"))
        assert "乙的请假理由" not in mobile.content()
        _fits_the_phone(mobile)

        mobile.locator("button[name=lang][value=zh]").click()
        expect(mobile.locator(".my-attendance")).to_have_text(re.compile("出席"))
        _fits_the_phone(mobile)
        mobile.get_by_role("link", name="我的主页").first.click()
        expect(mobile.get_by_role("heading", name="我的组织生活")).to_be_visible()
        _fits_the_phone(mobile)
        # the link already used is refused with a clear message
        mobile.goto(link)
        expect(mobile.get_by_role("alert")).to_contain_text("激活链接无效")
    finally:
        phone.close()
