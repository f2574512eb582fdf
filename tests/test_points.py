"""The points scheme (loading, versions across a year boundary), caps, the threshold, manual
items through review, the tables with their filters and export, and the ledger's section."""
from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from docx import Document

from tests.conftest import sign_in
from tests.fixtures_study import PDF_BYTES
from tracker.points import cards, derive
from tracker.points import scheme as schemes
from tracker.points.models import PointsEntry, PointsScheme

DEFAULT = json.loads(schemes.DEFAULT_FILE.read_text(encoding="utf-8"))


def scheme_file(tmp_path, **changes):
    data = json.loads(json.dumps(DEFAULT))
    data.update(changes)
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def card(person, year=2026):
    governing = schemes.governing(year)
    return cards.build(person, year, derive.Valuer(governing) if governing else None)


def test_the_migration_seeds_the_shipped_default(session):
    seeded = schemes.governing(2026)
    assert (seeded.label, seeded.base_score, seeded.threshold) == (DEFAULT["label"], 80, 95)
    assert seeded.effective_from.isoformat() == DEFAULT["effective_from"]
    shipped = [(c["code"], i["code"], i["points"], i.get("yearly_cap"), i["source"],
                " ".join(i.get("record_types") or [])) for c in DEFAULT["categories"] for i in c["items"]]
    assert [(i.category.code, i.code, i.points, i.yearly_cap, i.source, i.record_types)
            for i in seeded.items] == shipped
    assert [c.name_zh for c in seeded.categories] == ["政治学习", "组织生活", "作用发挥", "廉洁自律", "业务工作"]


@pytest.mark.parametrize(("change", "message"), [
    ({"base_score": "eighty"}, "base_score: give a whole number"),
    ({"effective_from": "2027-13-01"}, "effective_from: a date"),
    ({"label": DEFAULT["label"]}, "exists already"),
    ({"categories": []}, "categories: a list of at least one category"),
])
def test_load_scheme_refuses_bad_files_with_the_place(app, tmp_path, change, message):
    change.setdefault("label", "2027")
    result = app.test_cli_runner().invoke(args=["points", "load-scheme", str(scheme_file(tmp_path, **change))])
    assert result.exit_code != 0 and message in result.output


def test_load_scheme_refuses_an_item_counting_twice_and_unknown_types(app, tmp_path):
    data = json.loads(json.dumps(DEFAULT))
    data["label"] = "2027"
    data["categories"][1]["items"][0]["record_types"].append("party_lesson")  # already study_present's
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["points", "load-scheme", str(path)])
    assert "categories[1].items[0].record_types: 'party_lesson' already counts for item 'study_present'" in result.output
    data["categories"][1]["items"][0]["record_types"] = ["tea_party"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "record_types: a list of some of" in app.test_cli_runner().invoke(
        args=["points", "load-scheme", str(path)]).output
    path.write_text("{not json", encoding="utf-8")
    assert "not valid JSON" in app.test_cli_runner().invoke(args=["points", "load-scheme", str(path)]).output


def test_a_new_version_governs_from_the_first_year_it_covers(app, session, tmp_path, make_person, make_branch,
                                                             make_session):
    member = make_person("党员甲")
    branch = make_branch(members=[member], approval_date=dt.date(2025, 12, 1))
    make_session(branch, held_on=dt.date(2025, 12, 20), status="reviewed")
    make_session(branch, held_on=dt.date(2026, 1, 5), status="reviewed")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["points", "load-scheme", str(scheme_file(
        tmp_path, label="2026", effective_from="2026-01-01", base_score=60, threshold=90))])
    assert result.exit_code == 0, result.output
    assert "governs the cards of 2026 onwards" in result.output
    # mid-year: governs the next year only, so 2026's cards do not change under members' feet
    result = runner.invoke(args=["points", "load-scheme", str(scheme_file(
        tmp_path, label="2026b", effective_from="2026-07-01", base_score=70))])
    assert "governs the cards of 2027 onwards" in result.output
    assert schemes.governing(2025).label == DEFAULT["label"]
    assert schemes.governing(2026).label == "2026"
    assert schemes.governing(2027).label == "2026b"
    old, new = card(member, 2025), card(member, 2026)
    assert (old.total, old.scheme.threshold) == (80 + 1, 95)   # December's session, old base
    assert (new.total, new.scheme.threshold) == (60 + 1, 90)   # January's session, new base
    assert schemes.governing(2019) is None and card(member, 2019).total == 0


def test_caps_and_threshold(session, make_person, make_branch, make_session, make_points_entry):
    member, other = make_person("党员乙"), make_person("党员丙")
    branch = make_branch(members=[member, other])
    for day in range(1, 7):  # absent six times: −2 each, capped at −10
        make_session(branch, held_on=dt.date(2026, 6, day), status="reviewed", session_type="branch_meeting",
                     attendance=[(member, "absent", "无故"), (other, "leave", "病假")])
    c = card(member)
    row = next(r for cat in c.categories for r in cat.items if r.item.code == "absent_without_leave")
    assert (row.count, row.raw, row.points, row.capped) == (6, -12, -10, True)
    assert c.total == 70 and not c.vanguard
    assert card(other).total == 80  # on leave is not absent without leave
    for n in range(3):  # awards: +5 each, capped at +10
        make_points_entry(member, "award", status="reviewed", occurred_on=dt.date(2026, 3, n + 1))
    make_points_entry(member, "volunteering", status="reviewed", occurrences=3)   # +6, the cap
    make_points_entry(member, "volunteering", status="submitted")                 # not counted yet
    c = card(member)
    assert c.total == 80 - 10 + 10 + 6 == 86 and not c.vanguard
    assert [e.status for e in c.pending] == ["submitted"]
    for n in range(3):  # lessons given: +3 each, cap 9 → 95, exactly the threshold
        make_session(branch, held_on=dt.date(2026, 5, 20 + n), status="reviewed", session_type="party_lesson",
                     speaker=member.name, attendance=[(member, "present", ""), (other, "present", "")])
    c = card(member)
    # the lessons also count as attendance (+1 each) for both
    assert c.total == 86 + 9 + 3 == 98 and c.vanguard
    assert card(other).total == 80 + 3


def test_points_in_two_branches_count_on_one_card(session, make_person, make_branch, make_session):
    member = make_person("两支部党员")
    first, second = make_branch(members=[member]), make_branch(members=[member])
    make_session(first, status="reviewed")
    make_session(second, status="reviewed")
    make_session(second, status="draft")
    assert card(member).total == 82


def _evidence():
    return (io.BytesIO(PDF_BYTES), "证明材料.pdf")


def test_manual_item_goes_through_review(client, session, make_user, make_person, make_branch, make_project):
    leader_person, member = make_person("组长"), make_person("组员甲")
    make_branch(projects=[make_project(team_leader=leader_person)], members=[member])
    leader, secretary = make_user("team-leader", person=leader_person), make_user("secretary")
    sign_in(client, leader)
    form = {"person_id": member.id, "item_code": "volunteering", "occurred_on": "2026-06-01",
            "occurrences": "2", "reason": "社区志愿服务两天"}
    bad = client.post("/points/entries/new", data=form, content_type="multipart/form-data")
    assert bad.status_code == 400 and "社区志愿服务两天" in bad.get_data(as_text=True)  # input kept
    assert "Attach the evidence" in bad.get_data(as_text=True)
    future = client.post("/points/entries/new", data={**form, "occurred_on": "2026-07-01", "evidence": _evidence()},
                         content_type="multipart/form-data")
    assert future.status_code == 400 and "cannot be in the future" in future.get_data(as_text=True)
    fake = client.post("/points/entries/new", data={**form, "evidence": (io.BytesIO(b"MZ\x90"), "x.pdf")},
                       content_type="multipart/form-data")
    assert fake.status_code == 400 and "is not a JPEG or PNG photo" in fake.get_data(as_text=True)
    ok = client.post("/points/entries/new", data={**form, "evidence": _evidence()}, content_type="multipart/form-data")
    assert ok.status_code == 302
    entry = session.query(PointsEntry).one()
    assert (entry.evidence_name, entry.evidence_type, entry.status) == ("证明材料.pdf", "application/pdf", "draft")
    assert client.get(f"/points/entries/{entry.id}/evidence").data == PDF_BYTES
    assert card(member).total == 80
    assert client.post(f"/points/entries/{entry.id}/submit").status_code == 302
    assert card(member).total == 80  # submitted is not reviewed
    sign_in(client, secretary)
    assert client.post(f"/points/entries/{entry.id}/review", data={"approve": "1", "version": entry.version}
                       ).status_code == 302
    assert entry.status == "reviewed" and card(member).total == 84
    page = client.get(f"/points/people/{member.id}?year=2026").get_data(as_text=True)
    assert f'href="/points/entries/{entry.id}"' in page and "社区志愿服务两天" in page
    client.post(f"/points/entries/{entry.id}/reopen", data={"comment": "日期有误", "version": entry.version})
    assert entry.status == "returned" and card(member).total == 80


def test_leader_enters_and_sees_only_their_people(client, session, make_user, make_person, make_branch,
                                                   make_project):
    leader_person, mine, stranger = make_person("组长乙"), make_person("本组党员"), make_person("外组党员")
    make_branch(projects=[make_project(team_leader=leader_person)], members=[mine])
    make_branch(members=[stranger])
    sign_in(client, make_user("team-leader", person=leader_person))
    table = client.get("/points/?year=2026").get_data(as_text=True)
    assert "本组党员" in table and "外组党员" not in table
    assert client.get(f"/points/people/{stranger.id}").status_code == 403
    assert client.get(f"/points/entries/new?person_id={stranger.id}").status_code == 403
    form = {"person_id": stranger.id, "item_code": "award", "occurred_on": "2026-06-01", "occurrences": "1",
            "reason": "x", "evidence": _evidence()}
    assert client.post("/points/entries/new", data=form, content_type="multipart/form-data").status_code in (400, 403)
    assert session.query(PointsEntry).count() == 0


def test_statements_built_for_the_bureau_do_not_serve_a_narrower_reader(client, session, make_user, make_person,
                                                                        make_branch, make_project):
    # The bureau's ranking statements are built once per process: a team leader signing in
    # after the secretary must still get their own team's table, and the secretary the whole.
    leader_person, mine, stranger = make_person("组长丙"), make_person("本组成员丙"), make_person("外组成员丙")
    make_branch(projects=[make_project(team_leader=leader_person)], members=[mine])
    make_branch(members=[stranger])
    sign_in(client, make_user("secretary"))
    for _ in range(2):
        whole = client.get("/points/?year=2026").get_data(as_text=True)
        assert "本组成员丙" in whole and "外组成员丙" in whole
    sign_in(client, make_user("team-leader", person=leader_person))
    team = client.get("/points/?year=2026").get_data(as_text=True)
    assert "本组成员丙" in team and "外组成员丙" not in team


def test_table_ranks_filters_and_exports(client, session, make_user, make_person, make_branch, make_session,
                                         make_points_entry):
    top, second, third = make_person("第一名"), make_person("第二名"), make_person("第三名")
    branch = make_branch(members=[top, second], name="搜索支部")
    other = make_branch(members=[third])
    make_points_entry(top, "award", status="reviewed", occurrences=2)          # +10 → 90
    make_points_entry(top, "volunteering", status="reviewed", occurrences=3)   # +6 → 96
    make_session(branch, status="reviewed", attendance=[(top, "present", ""), (second, "present", "")])
    make_session(other, status="reviewed", attendance=[(third, "absent", "无故")])
    sign_in(client, make_user("viewer"))
    page = client.get("/points/?year=2026").get_data(as_text=True)
    assert page.index("第一名") < page.index("第二名") < page.index("第三名")
    vanguard = page[page.index('id="vanguard-names"'):].split("</p>")[0]
    assert "第一名" in vanguard and "第二名" not in vanguard
    filtered = client.get(f"/points/?year=2026&branch_id={other.id}").get_data(as_text=True)
    assert "第三名" in filtered and "第一名" not in filtered
    assert f"{other.name}</span>" in filtered  # the branch a link filters by, named
    # the branch filter searches names, as on the other lists, and its links keep the search
    searched = client.get("/points/?year=2026&branch=%E6%90%9C%E7%B4%A2").get_data(as_text=True)  # 搜索
    assert "第一名" in searched and "第三名" not in searched and "branch=%E6%90%9C%E7%B4%A2" in searched
    nothing = client.get("/points/?year=2026&branch=none-such").get_data(as_text=True)
    assert "第一名" not in nothing and "第三名" not in nothing
    by_category = client.get("/points/?year=2026&category=political_study").get_data(as_text=True)
    assert 'class="table-active">政治学习' in by_category or "table-active" in by_category
    response = client.get(f"/points/export.xlsx?year=2026&branch_id={branch.id}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Rank", "Name") or rows[0][:2] == ("排名", "姓名")
    assert [r[1] for r in rows[1:]] == ["第一名", "第二名"]
    assert rows[1][0] == 1 and rows[1][-2] == 97 and rows[1][-1] and not rows[2][-1]


def test_table_costs_the_same_queries_for_more_data(client, session, make_user, make_person, make_branch,
                                                   make_session, make_points_entry, count_queries):
    people = [make_person() for _ in range(3)]
    branch = make_branch(members=people)
    make_session(branch, status="reviewed")
    sign_in(client, make_user("secretary"))
    client.get("/points/?year=2026")
    with count_queries() as few:
        assert client.get("/points/?year=2026").status_code == 200
    more = [make_person() for _ in range(20)]
    big = make_branch(members=more)
    for day in range(1, 10):
        make_session(big, held_on=dt.date(2026, 6, day), status="reviewed", session_type="party_lesson",
                     speaker=more[day].name)
    for p in more:
        make_points_entry(p, "award", status="reviewed")
    with count_queries() as many:
        assert client.get("/points/?year=2026").status_code == 200
    assert many.count == few.count


def test_ledger_exports_have_a_points_section(client, session, make_user, make_person, make_branch,
                                             make_session):
    member = make_person("台账党员")
    branch = make_branch(members=[member])
    make_session(branch, status="reviewed")
    sign_in(client, make_user("secretary"))
    form = {"branch_id": branch.id, "period": "year", "year": "2026"}
    xlsx = client.post("/ledger/excel", data=form)
    assert xlsx.status_code == 200, xlsx.status_code
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    sheet = book[book.sheetnames[-1]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == branch.name and rows[1][1] == "台账党员" and rows[1][-2] == 81
    docx = client.post("/ledger/word", data=form)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    cells = [c.text for t in Document(io.BytesIO(docx.data)).tables for row in t.rows for c in row.cells]
    assert "2026" in text and "台账党员" in cells and "81" in cells


def test_scheme_page_shows_every_version(client, session, make_user):
    sign_in(client, make_user("viewer"))
    page = client.get("/points/scheme").get_data(as_text=True)
    assert "无故缺席组织生活" in page or "Absent from a session without leave" in page
    assert session.query(PointsScheme).count() == 1
