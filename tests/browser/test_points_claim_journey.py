"""A party member, in Chinese on a 390 px phone, claims points for a day of volunteering with
a reason and a photo of the certificate; the secretary finds the claim on the member's card,
approves it; the member sees it approved and the card counts it."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ROOT, sign_in
from tests.fixtures_study import PDF_BYTES

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "claim-pass-2026!"

SEED = r"""
import datetime as dt, json, sys
from tracker import clock, create_app
from tracker.auth.models import User
from tracker.branches.models import Branch, Membership
from tracker.extensions import db
from tracker.people.models import Person

app = create_app()
with app.app_context():
    today = clock.today()
    me = Person(name="申报党员丙", party_status="full", source="in_house")
    branch = Branch(name="积分申报临时党支部", approved_by="机关党委", approval_date=today.replace(month=1, day=2),
                    status="active")
    db.session.add_all([me, branch])
    db.session.flush()
    db.session.add(Membership(branch=branch, person=me, joined_on=branch.approval_date))
    user = User(username="claim-member", person=me)
    user.roles = ["member"]
    user.set_password(sys.argv[1])
    db.session.add(user)
    db.session.commit()
    print(json.dumps({"person": me.id, "day": today.isoformat()}))
"""


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "sideways scrolling"
    for target in page.locator(".member-target, .member-page .btn").all():
        if target.is_visible():
            assert target.bounding_box()["height"] >= 44, target.inner_text()


def test_member_claims_on_a_phone_secretary_approves_card_counts_it(browser, page, live_server, tmp_path):
    base = live_server["url"]
    seeded = json.loads(subprocess.run([sys.executable, "-c", SEED, PASSWORD], cwd=ROOT, env=live_server["env"],
                                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    evidence = tmp_path / "志愿服务证明.pdf"
    evidence.write_bytes(PDF_BYTES)

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    try:
        mobile = phone.new_page()
        mobile.set_default_timeout(10_000)
        mobile.goto(base + "/sign-in")
        mobile.locator("button[name=lang][value=zh]").click()
        mobile.get_by_label("用户名").fill("claim-member")
        mobile.get_by_label("密码").fill(PASSWORD)
        mobile.get_by_role("button", name="登录").click()
        mobile.get_by_role("link", name="我的积分卡和积分申报").click()
        expect(mobile.locator("#my-points-total")).to_contain_text("合计：80分")
        _fits_the_phone(mobile)
        mobile.get_by_role("link", name="申报积分").click()
        _fits_the_phone(mobile)
        mobile.get_by_label("积分项目").select_option("volunteering")
        mobile.get_by_label("次数").fill("2")
        mobile.get_by_label("原因").fill("参加社区志愿服务两天")
        mobile.get_by_role("button", name="提交审核").click()
        # without the evidence the form comes back with the message beside the field, filled
        expect(mobile.locator("#evidence-errors")).to_be_visible()
        expect(mobile.get_by_label("原因")).to_have_value("参加社区志愿服务两天")
        mobile.get_by_label("证明材料", exact=False).set_input_files(str(evidence))
        mobile.get_by_role("button", name="提交审核").click()
        expect(mobile.get_by_role("heading", level=1)).to_contain_text("申报党员丙")
        expect(mobile.get_by_role("heading", level=1)).to_contain_text("已提交")
        _fits_the_phone(mobile)
        mobile.get_by_role("link", name="我的积分").last.click()
        expect(mobile.locator("#claims")).to_contain_text("参加社区志愿服务两天")
        expect(mobile.locator("#claims")).to_contain_text("已提交")
        _fits_the_phone(mobile)

        sign_in(page, base, "secretary")
        page.get_by_role("button", name="中文").click()
        page.goto(f"{base}/points/people/{seeded['person']}")
        page.get_by_role("link", name="参加社区志愿服务两天").click()
        page.get_by_role("link", name="审核", exact=True).click()
        page.get_by_role("button", name="审核通过").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("已审核")
        page.goto(f"{base}/points/people/{seeded['person']}")
        expect(page.locator("#points-total")).to_contain_text("合计：84分")
        volunteering = page.locator('tr.points-item[data-code="volunteering"]')
        expect(volunteering).to_contain_text("参加社区志愿服务两天 ×2")
        expect(volunteering).to_contain_text("+4")

        mobile.reload()
        expect(mobile.locator("#claims")).to_contain_text("已审核")
        expect(mobile.locator("#my-points-total")).to_contain_text("合计：84分")
        _fits_the_phone(mobile)
        ARTIFACTS.mkdir(exist_ok=True)
        mobile.screenshot(path=str(ARTIFACTS / "points_claims_phone.png"), full_page=True)
    finally:
        phone.close()
