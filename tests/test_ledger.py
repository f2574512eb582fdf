"""The ledger: the files are opened again with openpyxl and python-docx and read back; the
print view; which records and periods; history of exports; file names; query counts."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from sqlalchemy import select

from tests.conftest import sign_in
from tests.fixtures_ledger import document_text, open_document, open_workbook
from tracker.due import DueFilters, due_items
from tracker.history.models import HistoryEntry
from tracker.study import rules

SHEETS = ["Roster", "Sessions", "Attendance", "Talks", "Compliance", "Withdrawn"]


@pytest.fixture
def secretary(client, make_user):
    user = make_user("secretary")
    sign_in(client, user)
    return user


def export(client, fmt: str, **params):
    response = client.post(f"/ledger/{fmt}", data={k: str(v) for k, v in params.items()})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def by_header(sheet) -> list[dict]:
    head, *body = rows(sheet)
    return [dict(zip(head, row, strict=True)) for row in body]


# Excel --------------------------------------------------------------------------------
def test_workbook_sheets_rows_and_values(client, ledger_site, secretary):
    b = ledger_site["branch"]
    response = export(client, "excel", branch_id=b.id)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = open_workbook(response.data)
    assert wb.sheetnames == [*SHEETS, "Points 2026"]  # the points sheet: tests/test_points.py
    for sheet in wb:
        assert sheet.freeze_panes == "B2"
        assert all(cell.font.b for cell in sheet[1]), sheet.title
        assert sheet.column_dimensions["A"].width == 30

    roster = by_header(wb["Roster"])
    assert [(r["Name"], r["Role in branch"], r["Post"]) for r in roster] == [
        ("王磊", "Secretary", "审计组长"), ("林芳", "Member", "审计员"), ("郑浩", "Member", "主审")]
    assert roster[0]["Temporary branch"] == "邻区财政预算执行交叉审计临时党支部"
    assert roster[0]["Joined on"] == dt.datetime(2026, 2, 1)  # a real date, not text
    joined = [c.value for c in wb["Roster"][1]].index("Joined on") + 1
    assert wb["Roster"].cell(2, joined).number_format == "yyyy-mm-dd"

    sessions = by_header(wb["Sessions"])
    assert [(s["No."], s["Topic"], s["Status"]) for s in sessions] == [
        (1, "审计人员的初心使命", "Submitted, not yet reviewed"),
        (2, "学习新修订的纪律处分条例", "Reviewed"),
    ]  # oldest first; the draft, the returned one and last year's are left out
    theme = sessions[1]
    assert theme["Date"] == dt.datetime(2026, 6, 5)
    assert theme["Start time"] == dt.time(14, 30)
    assert (theme["Expected attendance"], theme["Actual attendance"]) == (3, 2)
    assert theme["Content and minutes"] == "一、传达学习\n二、交流发言"
    assert theme["Guests"] == "机关党委 张书记（指导）"

    attendance = by_header(wb["Attendance"])
    assert len(attendance) == 6
    lin = [a for a in attendance if a["Topic"] == "学习新修订的纪律处分条例" and a["Name"] == "林芳"]
    assert [(a["Attendance"], a["Reason"]) for a in lin] == [("On leave", "病假")]

    talks = by_header(wb["Talks"])
    assert [(t["Talk type"], t["Talked with"]) for t in talks] == [
        ("Pre-dispatch talk", "郑浩"), ("Integrity reminder", "林芳")]
    pre = talks[0]
    assert pre["Key points"] == "讲清八不准和四严禁的要求"
    assert (pre["Conducted by"], pre["Concerns raised"], pre["Recorder"]) == ("王磊", "家中老人需要照顾", "林芳")
    assert pre["Dispatch"].startswith("SJ-2026-07 邻区财政预算执行交叉审计")


def test_compliance_sheet_repeats_the_rules_and_the_due_engine(client, ledger_site, secretary, app):
    b = ledger_site["branch"]
    wb = open_workbook(export(client, "excel", branch_id=b.id).data)
    compliance = by_header(wb["Compliance"])
    theme = {r["Month, quarter or person"]: r["State"] for r in compliance if r["Rule"] == "Theme party day"}
    expected = rules.for_branches([b.id])[b.id]
    assert theme == {f"{d.year}-{d.month:02d}": str(vocab_state(d.state)) for d in expected.of("theme_party_day")}
    assert theme["2026-06"] == "Done" and theme["2026-03"] == "Overdue"
    lessons = [r for r in compliance if r["Rule"] == "Party lesson"]
    assert [(r["Month, quarter or person"], r["State"]) for r in lessons] == [
        ("2026 Q1 (0/1)", "Overdue"), ("2026 Q2 (1/1)", "Done")]  # the submitted lesson counts
    talk_rows = {(r["Rule"], r["Month, quarter or person"]): r for r in compliance if r["Rule"].endswith("talk")}
    items = [i for i in due_items(DueFilters(branch_id=b.id)) if i.is_talk]
    assert {(i.label, i.person_name) for i in items} == set(talk_rows)
    pre = talk_rows[("Pre-dispatch talk", "郑浩")]
    assert pre["State"] == "Done · Reviewed" and pre["Done on"] == dt.datetime(2026, 2, 1)
    assert talk_rows[("Pre-dispatch talk", "林芳")]["State"] == "Done · Draft"
    assert talk_rows[("Post-dispatch talk", "郑浩")]["Due"] == dt.datetime(2026, 9, 10)
    checkpoints = [r for r in compliance if r["Rule"] == "Disclosure posted on arrival"]
    assert [(r["Project"], r["State"]) for r in checkpoints] == [("SJ-2026-07", "Overdue")]


def vocab_state(code):
    from tracker import vocab

    return vocab.DUE_STATES[code]


def test_text_that_looks_like_a_formula_stays_text(client, ledger_site, secretary, make_session):
    make_session(ledger_site["branch"], status="reviewed", held_on=dt.date(2026, 6, 1),
                 topic='=HYPERLINK("http://example.invalid","x")')
    wb = open_workbook(export(client, "excel", branch_id=ledger_site["branch"].id).data)
    cell = next(row[6] for row in wb["Sessions"].iter_rows(min_row=2) if "HYPERLINK" in str(row[6].value))
    assert cell.data_type == "s"


# Word ---------------------------------------------------------------------------------
def test_word_document_has_the_paper_forms(client, ledger_site, secretary):
    b = ledger_site["branch"]
    response = export(client, "word", branch_id=b.id)
    assert response.mimetype.endswith("wordprocessingml.document")
    document = open_document(response.data)
    text = document_text(document)
    assert "邻区财政预算执行交叉审计临时党支部" in [p.text for p in document.paragraphs]
    assert "Ledger (台账), Year 2026" in text
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert titles.count("Meeting record") == 2 and titles.count("Talk record") == 2
    assert "学习新修订的纪律处分条例" in text and "林芳 (On leave: 病假)" in text
    assert "讲清八不准和四严禁的要求" in text and "家中老人需要照顾" in text
    assert "Host (signature):" in text and "Talked with (signature):" in text
    assert "草稿中的会议" not in text and "被退回的会议" not in text and "草稿谈话" not in text
    assert "Submitted, not yet reviewed" in text  # the party lesson waits for review

    # A meeting record is a bordered table of label cells and value cells.
    meeting = next(t for t in document.tables if t.cell(0, 0).text == "Session type"
                   and t.cell(0, 1).text == "Theme party day")
    assert meeting.style.name == "Table Grid"
    cells = {row.cells[0].text: row.cells[1].text for row in meeting.rows}
    assert cells["Topic"] == "学习新修订的纪律处分条例"
    assert cells["Absentees and reasons"] == "林芳 (On leave: 病假)"
    assert cells["Present"] == "王磊, 郑浩"
    assert meeting.rows[cells_index(meeting, "Topic")].cells[1] is not None
    assert meeting.cell(3, 2).text == "Recorder" and meeting.cell(3, 3).text == "郑浩"

    talk = next(t for t in document.tables if t.cell(0, 1).text == "Pre-dispatch talk")
    talk_cells = {row.cells[0].text: row.cells[1].text for row in talk.rows}
    assert talk_cells["Key points"] == "讲清八不准和四严禁的要求"
    assert talk_cells["Talked with"] == "郑浩" and talk.cell(3, 3).text == "主审"

    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.1) and abs(section.page_height - Cm(29.7)) < Cm(0.1)


def cells_index(table, label) -> int:
    return next(n for n, row in enumerate(table.rows) if row.cells[0].text == label)


def test_word_styles_carry_an_east_asian_font(client, ledger_site, secretary):
    document = open_document(export(client, "word", branch_id=ledger_site["branch"].id).data)
    for name, font in (("Normal", "宋体"), ("Ledger Title", "黑体"), ("Heading 1", "黑体"), ("Heading 2", "黑体")):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name  # a theme font would win over it


# Print view ---------------------------------------------------------------------------
def test_print_view(client, ledger_site, secretary, app):
    b = ledger_site["branch"]
    page = client.get(f"/ledger/print?branch_id={b.id}").get_data(as_text=True)
    assert re.search(r'href="/static/ledger\.[0-9a-f]{12}\.css"', page)  # hashed: cached for good
    # a document, not an app page: its only navigation is its contents (目录)
    assert re.findall(r"<nav[^>]*>", page) == ['<nav class="toc" aria-labelledby="toc-heading">']
    for text in ("邻区财政预算执行交叉审计临时党支部", "Roster", "审计组长", "Meeting record",
                 "学习新修订的纪律处分条例", "林芳 (On leave: 病假)", "Talk record", "讲清八不准和四严禁的要求",
                 "Compliance summary", "Theme party day, every month", "Host (signature):"):
        assert text in page, text
    assert "草稿中的会议" not in page and "去年的会议" not in page
    assert page.count('class="record meeting"') == 2 and page.count('class="record talk"') == 2
    css = (Path(app.static_folder) / "ledger.css").read_text()
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)
    assert re.search(r"\.record[^{]*{[^}]*break-before:\s*page", css)


def test_empty_period_says_so(client, ledger_site, secretary):
    page = client.get(f"/ledger/print?branch_id={ledger_site['branch'].id}&period=year&year=2027")
    text = page.get_data(as_text=True)
    assert "No study sessions in this period." in text and "No talks in this period." in text


# Which records, which period ---------------------------------------------------------
def topics(client, **params) -> list[str]:
    wb = open_workbook(export(client, "excel", **params).data)
    return [s["Topic"] for s in by_header(wb["Sessions"])]


def talk_people(client, **params) -> list[str]:
    wb = open_workbook(export(client, "excel", **params).data)
    return [t["Talked with"] for t in by_header(wb["Talks"])]


def test_reviewed_only_leaves_submitted_records_out(client, ledger_site, secretary):
    assert topics(client, branch_id=ledger_site["branch"].id, reviewed_only="y") == ["学习新修订的纪律处分条例"]


@pytest.mark.parametrize(("params", "sessions", "talks"), [
    ({"period": "quarter", "year": 2026, "quarter": 2}, ["审计人员的初心使命", "学习新修订的纪律处分条例"], []),
    ({"period": "quarter", "year": 2026, "quarter": 1}, [], ["郑浩", "林芳"]),
    ({"period": "month", "year": 2026, "month": 3}, [], ["林芳"]),
    ({"period": "month", "year": 2026, "month": 6}, ["学习新修订的纪律处分条例"], []),
    ({"period": "custom", "date_from": "2025-12-01", "date_to": "2026-02-01"}, ["去年的会议"], ["郑浩"]),
    ({"period": "year", "year": 2025}, ["去年的会议"], []),
])
def test_periods(client, ledger_site, secretary, params, sessions, talks):
    b = ledger_site["branch"].id
    assert topics(client, branch_id=b, **params) == sessions
    assert talk_people(client, branch_id=b, **params) == talks


@pytest.mark.parametrize("params", [
    {"period": "custom", "date_from": "2026-05-01"},
    {"period": "custom", "date_from": "2026-05-01", "date_to": "2026-04-01"},
    {"period": "year", "year": "1900"},
    {"period": "month", "month": "13"},
    {"period": "fortnight"},
])
def test_bad_periods_come_back_with_a_message(client, ledger_site, secretary, params):
    b = ledger_site["branch"].id
    response = client.get("/ledger/print", query_string={"branch_id": b, **params})
    assert response.status_code == 400
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert client.post("/ledger/excel", data={"branch_id": b, **params}).status_code == 400


def test_a_talk_without_dispatch_belongs_to_the_branches_its_person_was_in(
        client, ledger_site, secretary, make_talk, make_person):
    outsider = make_person("外单位人员")
    make_talk(outsider, ledger_site["wang"], talk_type="other", talk_date=dt.date(2026, 3, 4),
              status="reviewed", key_points="与支部无关")
    assert talk_people(client, branch_id=ledger_site["branch"].id) == ["郑浩", "林芳"]


# History, file names, language --------------------------------------------------------
def test_each_export_is_recorded_against_the_branch(client, ledger_site, secretary, session):
    b = ledger_site["branch"]
    export(client, "excel", branch_id=b.id)
    export(client, "word", branch_id=b.id, period="quarter", year=2026, quarter=2, reviewed_only="y")
    client.get(f"/ledger/print?branch_id={b.id}")  # reading: not recorded
    entries = session.scalars(select(HistoryEntry).where(
        HistoryEntry.record_type == "branch", HistoryEntry.record_id == b.id, HistoryEntry.action == "export",
    ).order_by(HistoryEntry.id)).all()
    assert [(e.user_id, e.changes) for e in entries] == [
        (secretary.id, {"ledger": [None, "Excel"], "period": [None, "2026-01-01 – 2026-12-31"],
                        "records": [None, "submitted+reviewed"]}),
        (secretary.id, {"ledger": [None, "Word"], "period": [None, "2026-04-01 – 2026-06-30"],
                        "records": [None, "reviewed"]}),
    ]
    page = client.get(f"/branches/{b.id}").get_data(as_text=True)
    assert "Temporary branch · exported" in page


def test_all_branches_export_is_recorded_against_the_account(client, ledger_site, secretary, session):
    export(client, "excel")
    entry = session.scalar(select(HistoryEntry).where(HistoryEntry.action == "export"))
    assert (entry.record_type, entry.record_id, entry.user_id) == ("user", secretary.id, secretary.id)
    assert entry.changes["branches"] == [None, "all (1)"]


def test_file_name_in_the_users_language_with_an_ascii_fallback(client, ledger_site, secretary):
    b = ledger_site["branch"]
    client.post("/language", data={"lang": "zh"})
    response = export(client, "excel", branch_id=b.id)
    disposition = response.headers["Content-Disposition"]
    assert f'filename="ledger_branch-{b.id}_2026.xlsx"' in disposition
    name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert name.startswith("邻区财政预算执行交叉审计临时党支部_") and name.endswith(".xlsx") and "2026" in name
    disposition.encode("latin-1")  # a header must be Latin-1: the Chinese name is percent-encoded
    # Values come in the user's language too (the roster's, translated since the foundation).
    roster = rows(open_workbook(response.data).worksheets[0])
    header = roster[0]
    assert [roster[1][header.index(h)] for h in ("支部职务", "政治面貌", "人员来源")] == ["书记", "正式党员", "本局"]
    text = document_text(open_document(export(client, "word", branch_id=b.id).data))
    assert "书记" in text and "正式党员" in text


def test_all_branches_file_name(client, ledger_site, secretary):
    response = export(client, "word", period="month", year=2026, month=6)
    assert 'filename="ledger_all-branches_2026-06.docx"' in response.headers["Content-Disposition"]


# Who sees which branches -------------------------------------------------------------
def test_all_branches_means_those_the_user_may_read(client, ledger_site, make_branch, make_project,
                                                     make_person, make_user):
    other = make_branch(name="另一个临时党支部", projects=[make_project(team_leader=make_person())],
                        approval_date=dt.date(2026, 1, 1))
    make_branch(name="待批准的支部", status="proposed")
    make_branch(name="去年撤销的支部", approval_date=dt.date(2025, 1, 1), status="dissolved",
                dissolved_on=dt.date(2025, 12, 1))

    def branches_in(user, **params):
        sign_in(client, user)
        wb = open_workbook(export(client, "excel", **params).data)
        return {r[0] for r in rows(wb["Compliance"])[1:]}

    everything = {"邻区财政预算执行交叉审计临时党支部", other.name}
    assert branches_in(make_user("viewer")) == everything
    assert branches_in(ledger_site["leader"]) == {"邻区财政预算执行交叉审计临时党支部"}
    assert branches_in(make_user("team-leader", person=make_person())) == set()
    assert branches_in(make_user("admin"), period="year", year=2025) == {"去年撤销的支部"}


def test_the_branch_page_links_to_its_ledger(client, ledger_site, make_user, make_person):
    b = ledger_site["branch"]
    link = f'href="/ledger/?branch_id={b.id}"'
    sign_in(client, ledger_site["leader"])
    assert link in client.get(f"/branches/{b.id}").get_data(as_text=True)
    sign_in(client, make_user("team-leader", person=make_person()))
    assert link not in client.get(f"/branches/{b.id}").get_data(as_text=True)


def test_ledger_page_offers_print_and_downloads(client, ledger_site, secretary):
    b = ledger_site["branch"]
    page = client.get(f"/ledger/?branch_id={b.id}&period=quarter&year=2026&quarter=2").get_data(as_text=True)
    assert "邻区财政预算执行交叉审计临时党支部 — ledger, 2026 Q2" in page
    assert f"/ledger/print?period=quarter&amp;year=2026&amp;branch_id={b.id}&amp;quarter=2" in page
    for action in ("/ledger/excel", "/ledger/word"):
        form = re.search(rf'<form method="post" action="{action}">(.*?)</form>', page, re.S).group(1)
        assert 'name="csrf_token"' in form and f'name="branch_id" value="{b.id}"' in form
        assert 'name="quarter" value="2"' in form


# Query counts -------------------------------------------------------------------------
@pytest.fixture
def grow_ledger(ledger_site, make_person, make_project, make_branch, make_dispatch, make_session, make_talk,
                session):
    """More of everything: members, sessions with attendance, talks, and another branch."""
    from tracker.branches.models import Membership

    branch, project, wang = ledger_site["branch"], ledger_site["project"], ledger_site["wang"]

    def add(n):
        for k in range(n):
            person = make_person(post="审计员")
            session.add(Membership(branch=branch, person=person, joined_on=branch.approval_date))
            session.flush()
            make_session(branch, status="reviewed", held_on=dt.date(2026, 3, 1 + k), topic=f"学习{k}")
            make_talk(person, wang, dispatch=make_dispatch(person, project), status="reviewed")
            other_project = make_project(team_leader=wang)
            other = make_branch(projects=[other_project], members=[person], approval_date=dt.date(2026, 2, 1))
            make_session(other, status="submitted", held_on=dt.date(2026, 4, 1))
            make_talk(person, wang, dispatch=make_dispatch(person, other_project), status="reviewed")
    return add


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/ledger/print?branch_id={b}"),
    ("POST", "/ledger/excel?branch_id={b}"),
    ("POST", "/ledger/word?branch_id={b}"),
    ("POST", "/ledger/pdf?branch_id={b}"),
    ("GET", "/ledger/print"),
    ("POST", "/ledger/excel"),
    ("POST", "/ledger/word"),
    ("POST", "/ledger/pdf"),
])
def test_ledger_query_count_does_not_grow_with_data(client, ledger_site, secretary, grow_ledger, count_queries,
                                                    method, url):
    url = url.format(b=ledger_site["branch"].id)
    client.fetch_csrf()  # outside the count

    def cost():
        with count_queries() as counter:
            response = client.get(url) if method == "GET" else client.post(url, data={})
            assert response.status_code == 200
        return counter

    grow_ledger(1)
    few = cost()
    grow_ledger(6)
    many = cost()
    assert many.count == few.count, many.statements
    assert few.count <= 30  # sign-in, branch, roster, sessions, attachments, talks, dues, withdrawn, points


@pytest.mark.parametrize("url", ["/ledger/", "/ledger/print"])
def test_everyone_may_open_the_all_branches_ledger(client, ledger_site, make_user, make_person, url):
    sign_in(client, make_user("team-leader", person=make_person()))
    response = client.get(url)
    assert response.status_code == 200
    assert "邻区财政预算执行交叉审计临时党支部" not in response.get_data(as_text=True)
    assert client.post("/ledger/excel").status_code == 200


def test_a_deleted_branch_has_no_ledger(client, ledger_site, secretary):
    from tracker import clock

    ledger_site["branch"].deleted_at = clock.now()
    assert client.get(f"/ledger/print?branch_id={ledger_site['branch'].id}").status_code == 404


def test_an_all_branches_ledger_too_big_for_one_request_is_refused(client, ledger_site, secretary, app,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "LEDGER_MAX_RECORDS", 3)  # the site has 2 sessions and 1 dispatch talk
    assert client.post("/ledger/excel").status_code == 200
    monkeypatch.setitem(app.config, "LEDGER_MAX_RECORDS", 2)
    for response in (client.post("/ledger/word"), client.get("/ledger/print")):
        assert response.status_code == 400
        assert "too many for one file" in response.get_data(as_text=True)
    assert client.post("/ledger/word", data={"branch_id": ledger_site["branch"].id}).status_code == 200


@pytest.mark.parametrize("branch_id", ["99999999999999999999", "-3", "2147483648"])
def test_a_branch_id_no_record_can_have_is_refused(client, secretary, branch_id):
    # In the query string the app-wide guard answers first (400: not an id at all);
    # posted, the ledger's own check finds no such branch (404). Never a 500.
    assert client.get(f"/ledger/print?branch_id={branch_id}").status_code in (400, 404)
    assert client.post("/ledger/excel", data={"branch_id": branch_id}).status_code == 404
