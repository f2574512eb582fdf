"""The secretary, in Chinese, opens the bureau's points table, finds the member who reached the
vanguard post, opens her card and sees each item with the record it comes from; the table's
Excel export downloads and opens."""
from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ROOT, sign_in

pytestmark = pytest.mark.browser

SEED = r"""
import datetime as dt, json
from tracker import clock, create_app
from tracker.branches.models import Branch, Membership
from tracker.extensions import db
from tracker.people.models import Person
from tracker.points.models import PointsEntry
from tracker.study.models import Attendance, StudySession

app = create_app()
with app.app_context():
    today = clock.today()
    start = today.replace(month=1, day=2)
    lin, ma = (Person(name=n, party_status="full", source="in_house") for n in ("林积分", "马积分"))
    branch = Branch(name="积分测试临时党支部", approved_by="机关党委", approval_date=start, status="active")
    db.session.add(branch)
    for person in (lin, ma):
        db.session.add(Membership(branch=branch, person=person, role="member", joined_on=start))
    db.session.flush()
    for n in range(3):
        s = StudySession(branch_id=branch.id, session_type="party_lesson", held_on=start + dt.timedelta(days=n),
                         start_time=dt.time(9), end_time=dt.time(10), place="会议室", topic=f"党课{n + 1}",
                         speaker="林积分", status="reviewed")
        s.attendance = [Attendance(person_id=lin.id, status="present"),
                        Attendance(person_id=ma.id, status="absent", reason="无故")]
        db.session.add(s)
    db.session.add(PointsEntry(person=lin, item_code="award", occurred_on=start, occurrences=1,
                               reason="获评优秀审计项目", status="reviewed"))
    db.session.commit()
    print(json.dumps({"lin": lin.id, "branch": branch.id, "year": today.year}))
"""


@pytest.fixture(scope="module")
def points_people(live_server):
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=live_server["env"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_secretary_reads_the_table_and_a_card_in_chinese(page, live_server, points_people, tmp_path):
    base = live_server["url"]
    sign_in(page, base, "secretary")
    page.get_by_role("button", name="中文").click()
    page.get_by_role("link", name="党员积分卡", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("党员积分卡")
    # other journeys' people are in the bureau's table too: filter by the branch
    page.get_by_label("临时党支部").fill("积分测试临时党支部")
    page.get_by_role("button", name="显示").click()
    # 80 + 3 lessons (+3 each, cap 9) + 3 attendances (+1) + award (+5) = 97
    expect(page.locator("#vanguard-names")).to_contain_text("林积分（97）")
    expect(page.locator("#vanguard-names")).not_to_contain_text("马积分")
    rows = page.locator("#points-table tbody tr")
    expect(rows.first).to_contain_text("林积分")
    expect(rows.nth(1)).to_contain_text("马积分")
    expect(rows).to_have_count(2)
    with page.expect_download() as info:
        page.get_by_role("link", name="导出Excel").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "排名" and values[1][1] == "林积分" and values[1][-2] == 97
    page.get_by_role("link", name="林积分").first.click()
    expect(page.locator("#points-total")).to_contain_text("合计：97分")
    expect(page.locator("#vanguard")).to_have_text("党员先锋岗")
    expect(page.get_by_role("heading", name="作用发挥")).to_be_visible()
    lesson = page.locator('tr.points-item[data-code="lesson_speaker"]')
    expect(lesson).to_contain_text("讲党课、微型党课")
    expect(lesson).to_contain_text("+9")
    # printed: the card alone, without navigation, buttons or the year form
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#year")).to_be_hidden()
    expect(page.locator("#points-total")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "points_card_print.png"), full_page=True)
    page.emulate_media(media="screen")
    lesson.get_by_role("link", name="党课1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("党课1")


def test_the_card_prints_in_english_too(page, live_server, points_people):
    base = live_server["url"]
    sign_in(page, base, "secretary")
    page.get_by_role("button", name="English").click()
    page.goto(f"{base}/points/people/{points_people['lin']}?year={points_people['year']}")
    expect(page.locator("#points-total")).to_contain_text("Total: 97 points")
    expect(page.locator("#vanguard")).to_have_text("Vanguard post")
    expect(page.get_by_role("heading", name="Playing one's part")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#year")).to_be_hidden()
    expect(page.locator("#points-total")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "points_card_print_en.png"), full_page=True)
