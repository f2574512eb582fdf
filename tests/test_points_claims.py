"""A member's own claim of a manual points item: claimed with a reason and evidence, reviewed
like a leader's entry, its status on the member's phone pages; who reads what of it."""
from __future__ import annotations

import io

import pytest

from tests.conftest import sign_in
from tests.fixtures_study import PDF_BYTES
from tracker.points import cards, derive
from tracker.points import scheme as schemes
from tracker.points.models import PointsEntry

REASON = "CLAIM-社区志愿服务-甲乙"


def _evidence():
    return (io.BytesIO(PDF_BYTES), "志愿服务证明.pdf")


def total(person) -> int:
    return cards.build(person, 2026, derive.Valuer(schemes.governing(2026))).total


@pytest.fixture
def team(make_person, make_project, make_branch, make_user):
    """A member with an account on a project's branch; the project's leader, another team's
    leader, a viewer and a secretary; another member of the branch with an account too."""
    leader_person, member, other_member = make_person("组长丙"), make_person("党员丁"), make_person("党员戊")
    make_branch(projects=[make_project(team_leader=leader_person)], members=[member, other_member])
    make_project(team_leader=(other_leader := make_person("外组组长")))
    return {
        "person": member,
        "member": make_user("member", person=member),
        "other_member": make_user("member", person=other_member),
        "leader": make_user("team-leader", person=leader_person),
        "other_leader": make_user("team-leader", person=other_leader),
        "viewer": make_user("viewer"),
        "secretary": make_user("secretary"),
    }


FORM = {"item_code": "volunteering", "occurred_on": "2026-06-01", "occurrences": "2", "reason": REASON}


def test_a_member_claims_the_secretary_approves_and_the_card_counts_it(client, session, team):
    member, person = team["member"], team["person"]
    sign_in(client, member)
    page = client.get("/points/mine/claim").get_data(as_text=True)
    assert 'for="item_code"' in page and "integrity_breach" not in page  # no deductions to claim
    bad = client.post("/points/mine/claim", data={**FORM, "reason": "", "evidence": _evidence()},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and 'id="reason-errors"' in bad.get_data(as_text=True)
    no_file = client.post("/points/mine/claim", data=FORM, content_type="multipart/form-data")
    assert no_file.status_code == 400 and REASON in no_file.get_data(as_text=True)  # input kept
    deduction = client.post("/points/mine/claim", data={**FORM, "item_code": "integrity_breach",
                                                         "evidence": _evidence()},
                            content_type="multipart/form-data")
    assert deduction.status_code == 400
    assert session.query(PointsEntry).count() == 0  # nothing half-written
    ok = client.post("/points/mine/claim", data={**FORM, "evidence": _evidence()},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    entry = session.query(PointsEntry).one()
    assert (entry.person_id, entry.author_id, entry.status) == (person.id, member.id, "submitted")
    assert total(person) == 80  # not reviewed yet
    mine = client.get("/points/mine").get_data(as_text=True)
    assert REASON in mine and ("Submitted" in mine or "已提交" in mine)
    assert client.get(f"/points/mine/claims/{entry.id}/edit").status_code == 403  # locked in review

    sign_in(client, team["secretary"])
    assert client.post(f"/points/entries/{entry.id}/review", data={"comment": "请附签到表", "version": entry.version}
                       ).status_code == 302
    assert entry.status == "returned"
    sign_in(client, member)
    mine = client.get("/points/mine").get_data(as_text=True)
    assert "请附签到表" in mine
    edit = client.get(f"/points/mine/claims/{entry.id}/edit").get_data(as_text=True)
    assert "请附签到表" in edit and REASON in edit
    again = client.post(f"/points/mine/claims/{entry.id}/edit",
                        data={**FORM, "occurrences": "3", "version": entry.version}, content_type="multipart/form-data")
    assert again.status_code == 302 and entry.status == "submitted" and entry.occurrences == 3

    sign_in(client, team["secretary"])
    assert client.post(f"/points/entries/{entry.id}/review", data={"approve": "1", "version": entry.version}
                       ).status_code == 302
    assert entry.status == "reviewed" and total(person) == 86
    sign_in(client, member)
    mine = client.get("/points/mine").get_data(as_text=True)
    assert "86" in mine and REASON in mine
    assert client.get(f"/points/people/{person.id}?year=2026").status_code == 200  # their own card


@pytest.mark.parametrize("role, mine, claim_page, detail, evidence", [
    # role: /points/mine, the claim form, the claim's page (shows the reason?), its evidence
    ("member", 200, 200, (200, True), 200),
    ("other_member", 200, 200, (403, False), 403),  # another member: their own pages only
    ("viewer", 403, 403, (200, True), 200),
    ("other_leader", 403, 403, (403, False), 403),
    ("leader", 403, 403, (200, True), 200),
    ("secretary", 403, 403, (200, True), 200),
])
def test_who_reads_a_members_claim(client, session, team, make_points_entry, role, mine, claim_page, detail,
                                   evidence):
    claim = make_points_entry(team["person"], reason=REASON, status="returned", author_id=team["member"].id)
    sign_in(client, team[role])
    own = client.get("/points/mine")
    assert own.status_code == mine
    assert (REASON in own.get_data(as_text=True)) == (role == "member")  # only the claimant lists it
    assert client.get("/points/mine/claim").status_code == claim_page
    page = client.get(f"/points/entries/{claim.id}")
    assert (page.status_code, REASON in page.get_data(as_text=True)) == detail
    assert client.get(f"/points/entries/{claim.id}/evidence").status_code == evidence
    editable = client.get(f"/points/mine/claims/{claim.id}/edit")
    assert editable.status_code == (200 if role == "member" else 403)
    assert client.get("/points/").status_code == (403 if role in ("member", "other_member") else 200)


def test_a_member_cannot_claim_for_someone_else(client, session, team):
    sign_in(client, team["member"])
    response = client.post("/points/mine/claim", data={**FORM, "person_id": team["leader"].person_id,
                                                       "evidence": _evidence()},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert session.query(PointsEntry).one().person_id == team["person"].id
