"""Every meeting a branch must hold, on the pages: the dashboard's figures per session type
against answers worked out by hand, the branch page and the ledger's compliance tables for
every type, and marking a type as not applicable on the branch form (today is 2026-06-15)."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.fixtures_ledger import document_text, open_document, open_workbook
from tests.test_ledger import by_header, export
from tracker.dashboard import figures
from tracker.history.models import HistoryEntry
from tracker.periods import Period

D = dt.date
Q2 = Period("quarter", D(2026, 4, 1), D(2026, 6, 30))
JUNE = Period("month", D(2026, 6, 1), D(2026, 6, 30))
TYPES = ["branch_meeting", "committee_meeting", "party_group_meeting", "party_lesson", "theme_party_day"]


@pytest.fixture
def world(make_person, make_project, make_branch, make_session, make_user):
    """
    B1 (approved 04-01): branch meeting 05-05, committee meetings 04-10 and 05-12 (submitted),
      party group meeting 04-15, theme days 04-10, 05-09, 06-08; no party lesson (Q2's is
      due 06-30, not yet). Missing in Q2: the May party group meeting.
    B2 (approved 05-20, no party groups: not applicable): theme day 05-25, a DRAFT committee
      meeting 05-28. Missing: the May committee meeting, the June theme day (due 06-10).
    B3 (approved 01-10, dissolved 04-05): nothing held in April. Missing in Q2: every type,
      each due by 04-05 (its last active day).
    B4 proposed: owes nothing.
    """
    leader = make_person("组长")
    b1 = make_branch(name="B1支部", projects=[make_project(team_leader=leader)],
                     members=[(leader, "secretary"), make_person("甲")], approval_date=D(2026, 4, 1))
    b2 = make_branch(name="B2支部", projects=[make_project()], members=[make_person("乙")],
                     approval_date=D(2026, 5, 20), not_applicable="party_group_meeting")
    b3 = make_branch(name="B3支部", projects=[make_project()], approval_date=D(2026, 1, 10),
                     status="dissolved", dissolved_on=D(2026, 4, 5))
    make_branch(name="B4支部", projects=[make_project()], approval_date=D(2026, 4, 1), status="proposed")
    for kind, day, status in [
        ("branch_meeting", D(2026, 5, 5), "reviewed"), ("committee_meeting", D(2026, 4, 10), "reviewed"),
        ("committee_meeting", D(2026, 5, 12), "submitted"), ("party_group_meeting", D(2026, 4, 15), "reviewed"),
        ("theme_party_day", D(2026, 4, 10), "reviewed"), ("theme_party_day", D(2026, 5, 9), "reviewed"),
        ("theme_party_day", D(2026, 6, 8), "reviewed"),
    ]:
        make_session(b1, session_type=kind, held_on=day, status=status)
    make_session(b2, session_type="theme_party_day", held_on=D(2026, 5, 25), status="submitted")
    make_session(b2, session_type="committee_meeting", held_on=D(2026, 5, 28), status="draft")
    return SimpleNamespace(b1=b1, b2=b2, b3=b3, leader=leader, secretary=make_user("secretary"),
                           leader_user=make_user("team-leader", person=leader), viewer=make_user("viewer"))


def names(per_type):
    return {kind: [g.name for g in rows] for kind, rows in per_type.items()}


# Dashboard ---------------------------------------------------------------------------
def test_branches_missing_each_type_in_the_quarter(world):
    gaps = figures.study_gaps(figures.Scope(world.secretary, True), Q2)
    assert names(figures.missing_per_type(gaps)) == {
        "branch_meeting": ["B3支部"],
        "committee_meeting": ["B2支部", "B3支部"],  # B2's draft does not count
        "party_group_meeting": ["B1支部", "B3支部"],  # B2 has no party groups
        "party_lesson": ["B3支部"],
        "theme_party_day": ["B2支部", "B3支部"],
    }
    by_name = {g.name: g for g in gaps}
    assert [d.name for d in by_name["B1支部"].missing["party_group_meeting"]] == ["2026-05"]
    assert {k: [(d.name, d.due) for d in v] for k, v in by_name["B3支部"].missing.items()} == {
        "branch_meeting": [("2026 Q2", D(2026, 4, 5))], "committee_meeting": [("2026-04", D(2026, 4, 5))],
        "party_group_meeting": [("2026-04", D(2026, 4, 5))], "party_lesson": [("2026 Q2", D(2026, 4, 5))],
        "theme_party_day": [("2026-04", D(2026, 4, 5))],
    }


def test_branches_missing_each_type_in_june_and_for_a_team_leader(world):
    june = figures.missing_per_type(figures.study_gaps(figures.Scope(world.secretary, True), JUNE))
    assert names(june) == {kind: (["B2支部"] if kind == "theme_party_day" else []) for kind in TYPES}
    mine = figures.missing_per_type(figures.study_gaps(figures.Scope(world.leader_user, False), Q2))
    assert names(mine) == {kind: (["B1支部"] if kind == "party_group_meeting" else []) for kind in TYPES}


def figure_text(page, kind):
    return re.sub(r"\s+", " ", re.search(rf'id="fig-missing-{kind}"[^>]*>([^<]*)</a>', page).group(1)).strip()


def drill_down(page, kind):
    block = re.search(rf'<details[^>]*id="missing-{kind}".*?</details>', page, re.S)
    return block.group(0) if block else ""


def test_dashboard_page_shows_a_figure_and_a_list_per_type(client, world):
    sign_in(client, world.secretary)
    page = client.get("/?period=quarter").get_data(as_text=True)
    assert [figure_text(page, kind) for kind in TYPES] == [
        "1 branch missing", "2 branches missing", "2 branches missing", "1 branch missing", "2 branches missing"]
    committee = drill_down(page, "committee_meeting")
    assert "B2支部" in committee and "B3支部" in committee and "B1支部" not in committee
    link = re.search(rf'href="(/study/\?[^"]*branch_id={world.b2.id}[^"]*)"', committee).group(1).replace("&amp;", "&")
    assert "session_type=committee_meeting" in link and "held_from=2026-05-01" in link and "held_to=2026-05-31" in link
    listed = client.get(link).get_data(as_text=True)
    # the list behind it holds B2's one committee meeting of May: the draft, which does not count
    assert listed.count("<tr") - 1 == 1 and "Draft" in listed and "May 28, 2026" in listed
    client.post("/language", data={"lang": "zh"})
    page = client.get("/?period=quarter").get_data(as_text=True)
    assert figure_text(page, "committee_meeting") == "2个支部未开展"
    assert "支委会" in drill_down(page, "committee_meeting") and "三会一课和主题党日" in page
    assert ">2026年5月</a>" in drill_down(page, "committee_meeting")
    assert ">2026年第二季度</a>" in drill_down(page, "branch_meeting")


def test_each_list_shows_the_first_branches_and_links_to_all(client, world, monkeypatch):
    """A list longer than the dashboard's limit shows its first branches and links to the
    dashboard with every branch; its figure counts them all."""
    monkeypatch.setattr(figures, "LIST_LIMIT", 1)
    sign_in(client, world.secretary)
    page = client.get("/?period=quarter").get_data(as_text=True)
    assert figure_text(page, "committee_meeting") == "2 branches missing"
    committee = drill_down(page, "committee_meeting")
    assert committee.count('class="dash-gap-row"') == 1 and "B2支部" in committee and "B3支部" not in committee
    link = re.search(r'<a class="dash-gaps-all" href="([^"]+)">All 2 branches</a>', committee)
    assert link and "gaps=all" in link.group(1) and "period=quarter" in link.group(1)
    assert "dash-gaps-all" not in drill_down(page, "branch_meeting")  # one branch: no link
    every = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    committee = drill_down(every, "committee_meeting")
    assert committee.count('class="dash-gap-row"') == 2 and "B3支部" in committee and "dash-gaps-all" not in committee


def test_the_dashboard_costs_the_same_with_more_branches(client, world, make_branch, make_project, count_queries):
    sign_in(client, world.secretary)

    def cost():
        with count_queries() as counter:
            assert client.get("/?period=quarter").status_code == 200
        return counter.count

    few = cost()
    for _ in range(6):
        make_branch(projects=[make_project()], approval_date=D(2026, 4, 1), not_applicable="committee_meeting")
    assert cost() == few


# Branch page -------------------------------------------------------------------------
def test_branch_page_has_a_table_per_type(client, world):
    sign_in(client, world.secretary)
    page = client.get(f"/branches/{world.b1.id}").get_data(as_text=True)
    for kind in TYPES:
        assert f'id="rule-{kind}"' in page, kind
    group = re.search(r'id="rule-party_group_meeting".*?</table>', page, re.S).group(0)
    assert "Party group meeting, every month" in group
    assert re.search(r'data-period="2026-05">(?:(?!</tr>).)*Overdue<', group, re.S)
    assert re.search(r'data-period="2026-04">(?:(?!</tr>).)*Done<', group, re.S)
    assert 'id="rules-not-applicable"' not in page

    page = client.get(f"/branches/{world.b2.id}").get_data(as_text=True)
    assert 'id="rule-party_group_meeting"' not in page and 'id="rule-committee_meeting"' in page
    client.post("/language", data={"lang": "zh"})
    page = client.get(f"/branches/{world.b2.id}").get_data(as_text=True)
    assert re.search(r'id="rules-not-applicable">本支部不适用：.*?党小组会', page, re.S)
    assert "支委会，每月一次" in page and "支部党员大会，每季度一次" in page
    assert re.search(r'data-period="2026 Q2">\s*<td>2026年第二季度</td>', page)
    assert re.search(r'data-period="2026-05">\s*<td>2026年5月</td>', page)


# Ledger ------------------------------------------------------------------------------
def test_ledger_compliance_covers_every_type(client, world):
    sign_in(client, world.secretary)
    wb = open_workbook(export(client, "excel", branch_id=world.b2.id).data)
    rows = by_header(wb["Compliance"])
    per_rule = {}
    for r in rows:
        per_rule.setdefault(r["Rule"], []).append((r["Month, quarter or person"], r["State"]))
    assert per_rule["Branch meeting"] == [("2026 Q2 (0/1)", "Not yet due")]
    assert per_rule["Committee meeting"] == [("2026-05", "Overdue"), ("2026-06", "Not yet due")]
    assert per_rule["Party group meeting"] == [("Not applicable to this branch", None)]
    assert per_rule["Party lesson"] == [("2026 Q2 (0/1)", "Not yet due")]
    assert per_rule["Theme party day"] == [("2026-05", "Done"), ("2026-06", "Overdue")]

    page = client.get(f"/ledger/print?branch_id={world.b2.id}").get_data(as_text=True)
    for caption in ("Branch meeting, every quarter", "Committee meeting, every month",
                    "Party group meeting: not applicable to this branch", "Party lesson, every quarter",
                    "Theme party day, every month"):
        assert caption in page, caption
    client.post("/language", data={"lang": "zh"})
    text = document_text(open_document(export(client, "word", branch_id=world.b2.id).data))
    for caption in ("支部党员大会，每季度一次", "支委会，每月一次", "党小组会：本支部不适用", "党课，每季度一次",
                    "主题党日，每月一次"):
        assert caption in text, caption
    assert "2026年第二季度" in text and "2026年5月" in text


# Marking a type as not applicable -------------------------------------------------------
def branch_form(branch, **changes):
    data = {"name": branch.name, "approved_by": branch.approved_by,
            "approval_date": branch.approval_date.isoformat(), "secretary_id": "",
            "project_ids": [str(p.id) for p in branch.projects], "version": str(branch.version)}
    return {**data, **changes}


def test_whoever_may_edit_the_branch_marks_a_type_not_applicable(client, world, session):
    b1 = world.b1
    sign_in(client, world.leader_user)  # leads B1's project
    form = client.get(f"/branches/{b1.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="not_applicable_types"[^>]*value="party_group_meeting"', form)
    response = client.post(f"/branches/{b1.id}/edit",
                           data=branch_form(b1, not_applicable_types=["party_group_meeting", "branch_meeting"]))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert b1.not_applicable == "branch_meeting party_group_meeting"  # in the table's order
    entry = session.scalars(select(HistoryEntry).where(
        HistoryEntry.record_type == "branch", HistoryEntry.record_id == b1.id).order_by(HistoryEntry.id.desc())).first()
    assert entry.changes["not_applicable"] == ["", "branch_meeting party_group_meeting"]
    gaps = figures.study_gaps(figures.Scope(world.secretary, True), Q2)
    assert "B1支部" not in [g.name for g in gaps]  # its only gap was the party group meeting
    # The form opens with the marks, and clearing them brings the rule back.
    form = client.get(f"/branches/{b1.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="party_group_meeting"', form)
    assert client.post(f"/branches/{b1.id}/edit", data=branch_form(b1)).status_code == 302
    assert b1.not_applicable == ""


def test_a_bad_choice_comes_back_and_others_may_not(client, world, make_user):
    b1 = world.b1
    sign_in(client, world.secretary)
    response = client.post(f"/branches/{b1.id}/edit", data=branch_form(b1, not_applicable_types=["picnic"]))
    assert response.status_code == 400 and "not a valid choice" in response.get_data(as_text=True).lower()
    assert b1.not_applicable == ""
    sign_in(client, world.viewer)
    response = client.post(f"/branches/{b1.id}/edit", data=branch_form(b1, not_applicable_types=["branch_meeting"]))
    assert response.status_code == 403 and b1.not_applicable == ""
