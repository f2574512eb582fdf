"""A record that submitted or reviewed records depend on is not deleted by a team leader; the
office deletes it with a reason, and the ledger lists what was withdrawn instead of dropping
it silently."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.fixtures_ledger import document_text, open_document, open_workbook
from tracker.history.models import HistoryEntry

REASON = "外派取消，人员调回"


@pytest.fixture
def team(make_person, make_project, make_branch, make_dispatch, make_user, make_talk, make_session):
    leader, member = make_person("王磊"), make_person("林芳")
    project = make_project(team_leader=leader)
    branch = make_branch(projects=[project], members=[(leader, "secretary"), member])
    dispatch = make_dispatch(member, project)
    talk = make_talk(member, leader, dispatch=dispatch, status="reviewed", key_points="要点")
    study = make_session(branch, status="reviewed")
    return {"leader": make_user("team-leader", person=leader), "secretary": make_user("secretary"),
            "project": project, "branch": branch, "dispatch": dispatch, "talk": talk, "session": study,
            "membership": next(m for m in branch.memberships if m.person_id == member.id), "member": member}


def test_a_team_leader_cannot_delete_a_dispatch_with_an_approved_talk(client, team):
    sign_in(client, team["leader"])
    d = team["dispatch"]
    page = client.get(f"/dispatches/{d.id}").get_data(as_text=True)
    assert f"/dispatches/{d.id}/delete" not in page
    assert client.post(f"/dispatches/{d.id}/delete").status_code == 403
    assert client.post(f"/dispatches/{d.id}/delete", data={"reason": REASON}).status_code == 403
    assert d.deleted_at is None


def test_a_team_leader_may_delete_a_dispatch_with_only_drafts(client, team, make_dispatch, make_talk, make_person):
    other = make_dispatch(make_person(), team["project"])
    make_talk(other.person, team["leader"].person, dispatch=other)  # a draft
    sign_in(client, team["leader"])
    assert client.post(f"/dispatches/{other.id}/delete").status_code == 302
    assert other.deleted_at is not None


def test_a_team_leader_cannot_remove_a_member_with_attendance(client, team):
    sign_in(client, team["leader"])
    assert client.post(f"/branches/members/{team['membership'].id}/delete").status_code == 403
    assert team["membership"].deleted_at is None


@pytest.mark.parametrize(("kind", "url"), [
    ("dispatch", "/dispatches/{dispatch.id}/delete"),
    ("person", "/people/{member.id}/delete"),
    ("branch", "/branches/{branch.id}/delete"),
    ("project", "/projects/{project.id}/delete"),
    ("membership", "/branches/members/{membership.id}/delete"),
])
def test_the_office_deletes_with_a_reason_recorded(client, team, session, kind, url):
    url = url.format(**team)
    record = team[{"person": "member"}.get(kind, kind)]
    sign_in(client, team["secretary"])
    asked = client.post(url)
    assert asked.status_code == 200 and 'name="reason"' in asked.get_data(as_text=True)
    assert record.deleted_at is None
    refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 400
    assert "Give the reason for withdrawing these records." in refused.get_data(as_text=True)
    assert record.deleted_at is None
    assert client.post(url, data={"reason": REASON}).status_code == 302
    assert record.deleted_at is not None
    entry = session.scalar(select(HistoryEntry).where(
        HistoryEntry.record_type == kind, HistoryEntry.record_id == record.id, HistoryEntry.action == "delete"))
    assert entry.changes["reason"] == [None, REASON]
    assert entry.changes["withdrawn"][1]


def test_the_ledger_lists_the_withdrawn_talk_and_member(client, team):
    sign_in(client, team["secretary"])
    for url in (f"/dispatches/{team['dispatch'].id}/delete", f"/branches/members/{team['membership'].id}/delete"):
        assert client.post(url, data={"reason": REASON}).status_code == 302
    b = team["branch"].id
    page = client.get(f"/ledger/print?branch_id={b}").get_data(as_text=True)
    sheet = open_workbook(client.post("/ledger/excel", data={"branch_id": b}).data)["Withdrawn"]
    rows = [" ".join(str(c) for c in row) for row in sheet.iter_rows(values_only=True)][1:]
    word = document_text(open_document(client.post("/ledger/word", data={"branch_id": b}).data))
    for text in (page, "\n".join(rows), word):
        assert "Talk record: Pre-dispatch talk, 林芳" in text
        assert "Branch member: 林芳" in text
        assert text.count(REASON) == 2
    assert len(rows) == 2


def test_a_ledger_with_nothing_withdrawn_says_so(client, team):
    sign_in(client, team["secretary"])
    page = client.get(f"/ledger/print?branch_id={team['branch'].id}").get_data(as_text=True)
    assert "Nothing was withdrawn." in page


def test_the_branch_page_hides_remove_for_a_member_with_attendance(client, team, make_person, session):
    from tracker.branches.models import Membership

    newcomer = Membership(branch=team["branch"], person=make_person("新成员"), role="member",
                          joined_on=team["branch"].approval_date)
    session.add(newcomer)
    session.flush()
    sign_in(client, team["leader"])
    page = client.get(f"/branches/{team['branch'].id}").get_data(as_text=True)
    assert f"/branches/members/{team['membership'].id}/delete" not in page
    assert f"/branches/members/{newcomer.id}/delete" in page


@pytest.mark.parametrize("who", ["leader", "secretary", "viewer", "other leader"])
def test_the_branch_pages_removals_are_can_delete_member_of_each(team, who, make_user, make_person):
    """perm.deletable_members (the branch page's rows) answers as can_delete_member does for
    each membership record."""
    from tracker import permissions as perm

    user = {"viewer": lambda: make_user("viewer"),
            "other leader": lambda: make_user("team-leader", person=make_person())}.get(who, lambda: team[who])()
    branch = team["branch"]
    records = list(branch.memberships)
    allowed = perm.deletable_members(user, branch, {m.id for m in records})
    assert allowed == {m.id for m in records if perm.can_delete_member(user, m)}
    assert (team["membership"].id in allowed) == (who == "secretary")
