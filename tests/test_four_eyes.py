"""Four eyes: nobody approves a record they wrote, conducted, recorded or are the subject of;
REVIEW_ALLOW_SELF_APPROVAL lets a one-secretary bureau do so, and marks each such approval."""
from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.fixtures_ledger import document_text, open_document, open_workbook

APPROVE = {"comment": "", "approve": "Approve"}
PARTY_NOTE = "Approved by a party to the record"


@pytest.fixture
def bureau(make_person, make_project, make_branch, make_dispatch, make_user):
    secretary_person, member, leader = make_person("陈静"), make_person("林芳"), make_person("王磊")
    project = make_project(team_leader=leader)
    branch = make_branch(projects=[project], members=[(leader, "secretary"), member])
    return {
        "secretary": make_user("secretary", person=secretary_person),
        "other_secretary": make_user("secretary"),
        "secretary_person": secretary_person, "member": member, "branch": branch,
        "dispatch": make_dispatch(member, project),
    }


def _talk(bureau, make_talk, party: str):
    """A submitted talk to which the bureau's secretary is party in the given way."""
    d, me = bureau["dispatch"], bureau["secretary"]
    kwargs = {"status": "submitted"}
    conductor, person = bureau["member"], d.person
    if party == "wrote":
        kwargs["author_id"] = me.id
    elif party == "conducted":
        conductor = bureau["secretary_person"]
    elif party == "recorded":
        kwargs["recorder_id"] = me.person_id
    elif party == "subject":
        person = bureau["secretary_person"]
    return make_talk(person, conductor, dispatch=d, **kwargs)


@pytest.mark.parametrize("party", ["wrote", "conducted", "recorded", "subject"])
def test_a_party_to_a_talk_cannot_approve_it(client, bureau, make_talk, party):
    talk = _talk(bureau, make_talk, party)
    sign_in(client, bureau["secretary"])
    page = client.get(f"/talks/{talk.id}/review").get_data(as_text=True)
    assert 'name="approve"' not in page and 'name="return"' in page and 'id="four-eyes"' in page
    response = client.post(f"/talks/{talk.id}/review", data={**APPROVE, "version": str(talk.version)})
    assert response.status_code == 403
    assert talk.status == "submitted"
    # returning it is still the reviewer's to do
    response = client.post(f"/talks/{talk.id}/review",
                           data={"comment": "请补充", "return": "Return", "version": str(talk.version)})
    assert response.status_code == 302 and talk.status == "returned"


def test_another_secretary_approves_without_a_mark(client, bureau, make_talk):
    talk = _talk(bureau, make_talk, "conducted")
    sign_in(client, bureau["other_secretary"])
    assert 'name="approve"' in client.get(f"/talks/{talk.id}/review").get_data(as_text=True)
    response = client.post(f"/talks/{talk.id}/review", data={**APPROVE, "version": str(talk.version)})
    assert response.status_code == 302 and talk.status == "reviewed" and not talk.self_approved


def test_a_party_to_a_study_session_cannot_approve_it(client, bureau, make_session):
    study = make_session(bureau["branch"], status="submitted", author_id=bureau["secretary"].id)
    sign_in(client, bureau["secretary"])
    assert 'name="approve"' not in client.get(f"/study/{study.id}/review").get_data(as_text=True)
    response = client.post(f"/study/{study.id}/review", data={**APPROVE, "version": str(study.version)})
    assert response.status_code == 403 and study.status == "submitted"


@pytest.fixture
def self_approval(app):
    app.config["REVIEW_ALLOW_SELF_APPROVAL"] = True
    yield
    app.config["REVIEW_ALLOW_SELF_APPROVAL"] = False


def test_the_setting_allows_self_approval_and_the_record_and_ledger_say_so(
        client, bureau, make_talk, make_session, self_approval):
    talk = _talk(bureau, make_talk, "conducted")
    study = make_session(bureau["branch"], status="submitted", author_id=bureau["secretary"].id)
    sign_in(client, bureau["secretary"])
    for url, record in ((f"/talks/{talk.id}", talk), (f"/study/{study.id}", study)):
        response = client.post(f"{url}/review", data={**APPROVE, "version": str(record.version)})
        assert response.status_code == 302 and record.status == "reviewed" and record.self_approved
        assert PARTY_NOTE in client.get(url).get_data(as_text=True)
    b = bureau["branch"].id
    page = client.get(f"/ledger/print?branch_id={b}").get_data(as_text=True)
    assert page.count("Reviewed (approved by a party to the record)") == 2
    cells = [c for ws in open_workbook(client.post("/ledger/excel", data={"branch_id": b}).data)
             for row in ws.iter_rows(values_only=True) for c in row]
    assert cells.count("Reviewed (approved by a party to the record)") == 2
    word = document_text(open_document(client.post("/ledger/word", data={"branch_id": b}).data))
    assert "Reviewed (approved by a party to the record)" in word


def test_the_history_records_a_self_approval(client, bureau, make_talk, session, self_approval):
    from sqlalchemy import select

    from tracker.history.models import HistoryEntry

    talk = _talk(bureau, make_talk, "wrote")
    sign_in(client, bureau["secretary"])
    client.post(f"/talks/{talk.id}/review", data={**APPROVE, "version": str(talk.version)})
    entry = session.scalar(select(HistoryEntry).where(
        HistoryEntry.record_type == "talk", HistoryEntry.record_id == talk.id, HistoryEntry.action == "approve"))
    assert entry.changes["self_approved"] == [False, True]
