"""The secretary opens a branch, goes to its ledger, opens the print view, and downloads the
Excel and the Word ledger; both files open with the branch's records in them."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in
from tests.fixtures_ledger import document_text, open_document, open_workbook

pytestmark = pytest.mark.browser

SEED = r"""
import datetime as dt, json
from tracker import clock, create_app
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk

app = create_app()
with app.app_context():
    today = clock.today()
    start = today.replace(month=1, day=5)
    leader, su, he = (Person(name=n, party_status="full", source="in_house", post=p)
                      for n, p in (("周组长", "审计组长"), ("苏晴", "审计员"), ("何川", "主审")))
    project = Project(code="SJ-LEDGER-01", name="邻区财政预算执行交叉审计", audited_entity="邻区财政局",
                      project_type="cross_audit", start_date=start, end_date=today + dt.timedelta(days=60),
                      status="in_progress", team_leader=leader)
    branch = Branch(name="邻区财政预算执行交叉审计临时党支部", approved_by="机关党委", approval_date=start,
                    status="active", projects=[project])
    db.session.add_all([project, branch])
    for person, role in ((leader, "secretary"), (su, "member"), (he, "member")):
        db.session.add(Membership(branch=branch, person=person, role=role, joined_on=start))
    db.session.flush()
    session = StudySession(branch_id=branch.id, session_type="theme_party_day", held_on=start + dt.timedelta(days=3),
                           start_time=dt.time(14, 30), end_time=dt.time(16, 0), place="项目驻地会议室",
                           topic="学习新修订的纪律处分条例", host="周组长", recorder="何川", status="reviewed")
    session.attendance = [Attendance(person_id=leader.id, status="present"),
                          Attendance(person_id=su.id, status="leave", reason="病假"),
                          Attendance(person_id=he.id, status="present")]
    dispatch = Dispatch(person=he, project=project, departure_date=start, return_date=project.end_date)
    talk = Talk(talk_type="pre_dispatch", dispatch=dispatch, person=he, conducted_by=leader, talk_date=start,
                place="局三楼会议室", key_points="出发前重申审计纪律", status="reviewed")
    db.session.add_all([session, dispatch, talk])
    db.session.commit()
    print(json.dumps({"branch": branch.id, "year": today.year}))
"""


@pytest.fixture(scope="module")
def ledger_branch(live_server):
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=live_server["env"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def download(page, button: str, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_secretary_exports_a_branch_ledger(page, live_server, ledger_branch, tmp_path):
    base = live_server["url"]
    sign_in(page, base, "secretary")
    page.get_by_role("link", name="Temporary branches", exact=True).click()
    page.get_by_role("link", name="邻区财政预算执行交叉审计临时党支部").click()
    page.locator("main").get_by_role("link", name="Ledger", exact=True).click()

    expect(page.get_by_label("Branch")).to_have_value(str(ledger_branch["branch"]))
    expect(page.get_by_label("Period")).to_have_value("year")
    expect(page.get_by_label("Quarter")).to_be_hidden()  # only the chosen period's fields show
    year = ledger_branch["year"]
    expect(page.get_by_role("heading", name=f"邻区财政预算执行交叉审计临时党支部 — ledger, Year {year}")).to_be_visible()

    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", name="Meeting record", exact=True)).to_be_visible()
    expect(page.locator("article.meeting")).to_contain_text("苏晴 (On leave: 病假)")
    expect(page.locator("article.talk")).to_contain_text("出发前重申审计纪律")
    page.get_by_role("link", name="Back to the ledger").click()

    xlsx = download(page, "Download Excel", tmp_path)
    assert xlsx.name == f"邻区财政预算执行交叉审计临时党支部_Year {year}_ledger.xlsx"
    wb = open_workbook(xlsx.read_bytes())
    assert wb.sheetnames == ["Roster", "Sessions", "Attendance", "Talks", "Compliance", "Withdrawn", f"Points {year}"]
    sessions = list(wb["Sessions"].iter_rows(values_only=True))
    assert sessions[1][6] == "学习新修订的纪律处分条例"
    assert ("苏晴", "On leave", "病假") in [row[4:7] for row in wb["Attendance"].iter_rows(values_only=True)]
    assert [row[7] for row in wb["Talks"].iter_rows(min_row=2, values_only=True)] == ["何川"]

    docx_file = download(page, "Download Word", tmp_path)
    assert re.fullmatch(rf"邻区财政预算执行交叉审计临时党支部_Year {year}_ledger\.docx", docx_file.name)
    text = document_text(open_document(docx_file.read_bytes()))
    assert "学习新修订的纪律处分条例" in text and "苏晴 (On leave: 病假)" in text
    assert "出发前重申审计纪律" in text

    # Both downloads are in the branch's history.
    page.goto(f"{base}/branches/{ledger_branch['branch']}")
    history = page.locator("#history-heading + table")
    expect(history.locator("tr", has_text="exported")).to_have_count(2)
