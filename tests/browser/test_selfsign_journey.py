"""Signing in to a session with its code, and confirming a talk, the way it happens: the
secretary makes the branch's accounts, two members set their passwords on their phones, the
team leader shows the code, both members scan and tap while a third (not a member that day)
and a stale code are refused, the leader's page counts 2 of 3 by itself, and the ledger's
sign-in sheet shows their times. Then a member confirms a talk and another disagrees.

Phone pages are checked at 390×844 in English and Chinese: no sideways scrolling, tap
targets of 44 px, the language switch in reach, and axe-core finds nothing serious."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ROOT, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
AXE = Path(os.environ.get("TRACKER_TEST_TOOLS", ROOT / ".tools" / "node_modules")) / "axe-core" / "axe.min.js"

SEED = """
import datetime as dt
from zoneinfo import ZoneInfo
from tracker import clock, create_app
from tracker.auth.models import User
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.study.models import StudySession
from tracker.talks.models import Talk

app = create_app()
with app.app_context():
    local = clock.now().astimezone(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
    start = local - dt.timedelta(minutes=10)
    today = start.date()
    people = {name: Person(name=name, party_status="full", source="in_house")
              for name in ("扫码组长", "扫码党员甲", "扫码党员乙", "扫码党员丙", "扫码党员丁", "扫码书记")}
    project = Project(code="SJ-QR-01", name="扫码审计", audited_entity="某局", project_type="field_audit",
                      start_date=today - dt.timedelta(days=40), end_date=today + dt.timedelta(days=30),
                      team_leader=people["扫码组长"])
    branch = Branch(name="扫码临时党支部", approved_by="机关党委", approval_date=today - dt.timedelta(days=30),
                    status="active", projects=[project])
    db.session.add_all([*people.values(), project, branch])
    db.session.flush()
    for name in ("扫码党员甲", "扫码党员乙", "扫码党员丙"):
        db.session.add(Membership(branch=branch, person=people[name], joined_on=branch.approval_date))
    # 丁 joins tomorrow: not a member on the day of the session
    db.session.add(Membership(branch=branch, person=people["扫码党员丁"], joined_on=today + dt.timedelta(days=1)))
    leader = User(username="qr-leader", person=people["扫码组长"])
    leader.roles = ["team-leader"]
    leader.set_password("browser-pass-123")
    ding = User(username="qr-ding", person=people["扫码党员丁"])
    ding.roles = ["member"]
    ding.set_password("browser-pass-123")
    db.session.add_all([leader, ding])
    session = StudySession(branch_id=branch.id, session_type="theme_party_day", held_on=today,
                           start_time=start.time().replace(second=0, microsecond=0),
                           end_time=(start + dt.timedelta(minutes=70)).time().replace(second=0, microsecond=0),
                           place="驻地会议室", topic="扫码签到的主题党日")
    db.session.add(session)
    for name in ("扫码党员甲", "扫码党员乙"):
        dispatch = Dispatch(person=people[name], project=project, departure_date=project.start_date,
                            return_date=project.end_date)
        db.session.add(dispatch)
        db.session.flush()
        db.session.add(Talk(talk_type="pre_dispatch", dispatch_id=dispatch.id, person_id=people[name].id,
                            talk_date=project.start_date, conducted_by_id=people["扫码书记"].id,
                            key_points="讲清八不准" + name, status="submitted"))
    db.session.commit()
    print(branch.id, session.id)
"""

#: the code the server draws now, and its SVG, from the same secret (or an old one)
CODE = """
import datetime as dt, sys
from tracker import clock, create_app
from tracker.selfsign import codes
app = create_app()
session_id, base, minutes = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with app.test_request_context(base_url=base):
    clock.fix(clock.now() - dt.timedelta(minutes=minutes))
    from flask import url_for
    url = url_for("selfsign.scan", code=codes.make_code(session_id), _external=True)
    print(url)
    print(codes.qr_svg(url, "Sign-in code"))
"""


def _run(live_server, script: str, *args: str) -> str:
    return subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=live_server["env"], check=True,
                          capture_output=True, text=True).stdout


def _phone_checks(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "sideways scrolling"
    for target in page.locator(".member-target, .navbar .btn, main .btn").all():
        if target.is_visible():
            box = target.bounding_box()
            assert box["height"] >= 44, (target.inner_text(), box)
    expect(page.locator("button[name=lang][value=zh]")).to_be_visible()
    expect(page.locator("button[name=lang][value=en]")).to_be_visible()
    if AXE.exists():
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], [n["target"] for n in v["nodes"][:2]]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert not serious, (page.url, serious)
    elif os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{AXE} missing: .ci/run installs it with npm")


def _phone(browser, lang="en-US"):
    # bypass_csp only so that axe can be injected; the app's CSP is tested elsewhere
    context = browser.new_context(viewport=PHONE, locale=lang, is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _activate(browser, link: str, username: str, base: str, lang: str):
    context, phone = _phone(browser, lang)
    phone.goto(link)
    phone.locator("#new").fill("phone-pass-2026!")
    phone.locator("#repeat").fill("phone-pass-2026!")
    phone.locator("form button[type=submit], form input[type=submit]").click()
    phone.wait_for_url(re.compile(r"/sign-in"))
    phone.locator("#username").fill(username)
    phone.locator("#password").fill("phone-pass-2026!")
    phone.locator("form button[type=submit], form input[type=submit]").last.click()
    phone.wait_for_url(base + "/")
    return context, phone


def test_members_sign_in_with_the_code_and_confirm_their_talks(browser, page, live_server):
    base = live_server["url"]
    branch_id, session_id = map(int, _run(live_server, SEED).split())

    # the secretary makes the branch's accounts
    sign_in(page, base, "secretary")
    page.goto(f"{base}/branches/{branch_id}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Member accounts").click()
    slips = {}
    for name in ("扫码党员甲", "扫码党员乙", "扫码党员丙"):
        slip = page.locator(".activation-slip", has_text=name)
        slips[name] = (slip.locator(".slip-username").inner_text(), slip.locator(".slip-link").inner_text())
    assert page.locator(".activation-slip", has_text="扫码党员丁").count() == 0  # not yet a member

    # two members set their passwords, one phone in English, one in Chinese
    jia, jia_phone = _activate(browser, slips["扫码党员甲"][1], slips["扫码党员甲"][0], base, "en-US")
    yi, yi_phone = _activate(browser, slips["扫码党员乙"][1], slips["扫码党员乙"][0], base, "zh-CN")
    ding, ding_phone = _phone(browser)
    try:
        ding_phone.goto(base + "/sign-in")
        ding_phone.locator("#username").fill("qr-ding")
        ding_phone.locator("#password").fill("browser-pass-123")
        ding_phone.locator("form button[type=submit], form input[type=submit]").last.click()
        ding_phone.wait_for_url(base + "/")

        # the team leader opens the session and its code
        leader = page.context.browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
        board = leader.new_page()
        board.set_default_timeout(10_000)
        sign_in(board, base, "qr-leader")
        board.goto(f"{base}/study/{session_id}")
        board.get_by_role("link", name="Sign-in code").click()
        expect(board.locator("#sign-in-count")).to_have_text("0 of 3 signed in")
        qr = board.locator("img.sign-in-qr")
        expect(qr).to_be_visible()
        assert qr.bounding_box()["width"] >= 300  # big enough to scan from a few metres
        # what the QR code holds: the link the server signs this minute (drawn twice, compared)
        for _ in range(2):
            url, svg = _run(live_server, CODE, str(session_id), base, "0").split("\n", 1)
            shown = board.context.request.get(f"{base}/study/{session_id}/sign-in-code.svg").text()
            if shown.strip() == svg.strip():
                break
        else:
            pytest.fail("the code on the page is not the link the server signs")
        assert re.fullmatch(rf"{re.escape(base)}/s/[\w.-]+", url)

        # 甲 scans and taps, on an English phone
        jia_phone.goto(url)
        expect(jia_phone.get_by_role("heading", name=re.compile("扫码签到的主题党日"))).to_be_visible()
        _phone_checks(jia_phone)
        jia_phone.get_by_role("button", name="Sign me in").click()
        expect(jia_phone.locator(".self-signed")).to_contain_text("You signed in to this session at")
        _phone_checks(jia_phone)

        # 乙 scans and taps, on a Chinese phone; a second sign-in is refused
        yi_phone.goto(url)
        _phone_checks(yi_phone)
        yi_phone.get_by_role("button", name="我要签到").click()
        expect(yi_phone.locator(".self-signed")).to_contain_text("您已于")
        yi_phone.goto(url)  # scanning again: refused, saying when
        expect(yi_phone.get_by_role("alert")).to_contain_text("无需重复签到")
        _phone_checks(yi_phone)

        # 丁 was not a member that day
        ding_phone.goto(url)
        expect(ding_phone.get_by_role("alert")).to_contain_text("you cannot sign in")
        _phone_checks(ding_phone)

        # a code photographed five minutes ago is refused
        stale = _run(live_server, CODE, str(session_id), base, "5").split("\n", 1)[0]
        yi_phone.goto(stale)
        expect(yi_phone.get_by_role("alert")).to_contain_text("签到码已过期")
        _phone_checks(yi_phone)

        # the leader's page counted them by itself, without a reload
        expect(board.locator("#sign-in-count")).to_have_text("2 of 3 signed in", timeout=15_000)
        expect(board.locator("#signed-list")).to_contain_text("扫码党员甲")
        expect(board.locator("#waiting-list")).to_have_text("扫码党员丙")
        ARTIFACTS.mkdir(exist_ok=True)
        board.screenshot(path=str(ARTIFACTS / "selfsign-code-page.png"))
        jia_phone.screenshot(path=str(ARTIFACTS / "selfsign-phone-signed.png"))

        # the leader submits the record; the ledger's sign-in sheet shows the times
        board.goto(f"{base}/study/{session_id}")
        board.get_by_role("button", name="Submit for review").click()
        page.goto(f"{base}/ledger/print?branch_id={branch_id}&period=year")
        sheet = page.locator("section.sign-in").first
        for name in ("扫码党员甲", "扫码党员乙"):
            expect(sheet.locator("tr", has_text=name)).to_contain_text(re.compile(r"\d\d:\d\d"))
        assert not re.search(r"\d\d:\d\d", sheet.locator("tr", has_text="扫码党员丙").inner_text())
        leader.close()

        # 甲 confirms the talk on the phone
        jia_phone.goto(base + "/")
        expect(jia_phone.locator(".badge", has_text="Please confirm")).to_be_visible()
        _phone_checks(jia_phone)
        jia_phone.locator(".member-target", has_text="Pre-dispatch talk").click()
        _phone_checks(jia_phone)
        jia_phone.get_by_label("Your comment").fill("记录属实")
        jia_phone.get_by_role("button", name="Confirm").click()
        expect(jia_phone.locator(".my-answer")).to_contain_text("You confirmed this record")
        _phone_checks(jia_phone)

        # 乙 disagrees, on the Chinese phone: a comment is asked for first
        yi_phone.goto(base + "/")
        _phone_checks(yi_phone)
        yi_phone.locator(".member-target", has_text="事前谈话").click()
        yi_phone.get_by_role("button", name="有异议").click()
        expect(yi_phone.locator(".invalid-feedback")).to_contain_text("请说明记录中哪里不准确")
        _phone_checks(yi_phone)
        yi_phone.get_by_label("您的意见").fill("没有谈到四严禁")
        yi_phone.get_by_role("button", name="有异议").click()
        expect(yi_phone.locator(".my-answer")).to_contain_text("提出异议")
        _phone_checks(yi_phone)

        # the secretary sees the disagreement, and the confirmation on the ledger's talk record
        page.goto(f"{base}/talks/?confirmation=disagreed")
        page.get_by_role("link", name="扫码党员乙").first.wait_for()
        assert page.locator("main tbody tr").count() == 1
        page.locator("button[name=lang][value=zh]").click()
        page.goto(f"{base}/ledger/print?branch_id={branch_id}&period=year")
        record = page.locator("section", has_text="讲清八不准扫码党员甲").last
        expect(record).to_contain_text(re.compile(r"谈话对象确认\s*\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d"))
    finally:
        for context in (jia, yi, ding):
            context.close()
