"""The person talked with confirms the record of their talk, or disagrees (tracker/talks/
confirmation.py): the member's page, history, the ledger's talk record, the overdue query."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import NOW, TODAY, sign_in
from tracker.extensions import db
from tracker.history.models import HistoryEntry
from tracker.talks import confirmation
from tracker.talks.models import Talk


@pytest.fixture
def talked(make_person, make_project, make_dispatch, make_talk, make_user):
    leader = make_person("组长戊")
    project = make_project(team_leader=leader)
    member = make_person("党员戊")
    dispatch = make_dispatch(member, project)
    talk = make_talk(member, make_person("书记戊"), dispatch=dispatch, status="submitted",
                     talk_date=TODAY - dt.timedelta(days=8), key_points="讲清八不准")
    return {"talk": talk, "member": make_user("member", person=member), "leader": make_user("team-leader", person=leader),
            "project": project, "member_person": member}


def test_the_member_confirms_with_a_comment(client, talked, session):
    sign_in(client, talked["member"])
    talk = talked["talk"]
    page = client.get(f"/me/talks/{talk.id}").get_data(as_text=True)
    assert "Confirm" in page and "I disagree" in page
    response = client.post(f"/me/talks/{talk.id}/answer", data={"comment": "属实", "confirm": "Confirm"})
    assert response.status_code == 302
    session.refresh(talk)
    assert (talk.confirmation, talk.confirmed_at, talk.confirmation_comment) == ("confirmed", NOW, "属实")
    assert talk.version == 1  # bookkeeping beside the record: the secretary's open form stays current
    entry = session.query(HistoryEntry).filter_by(record_type="talk", record_id=talk.id, action="confirm").one()
    assert entry.user_id == talked["member"].id and entry.changes["confirmation"] == [None, "confirmed"]
    page = client.get(f"/me/talks/{talk.id}").get_data(as_text=True)
    assert "You confirmed this record" in page and "I disagree" not in page


def test_a_disagreement_needs_a_comment_and_the_secretary_sees_it(client, talked, session, make_user):
    sign_in(client, talked["member"])
    talk = talked["talk"]
    response = client.post(f"/me/talks/{talk.id}/answer", data={"comment": " ", "disagree": "I disagree"})
    assert response.status_code == 400
    assert "Say what is not right" in response.get_data(as_text=True)
    session.refresh(talk)
    assert talk.confirmation is None
    client.post(f"/me/talks/{talk.id}/answer", data={"comment": "第二条没有谈到", "disagree": "I disagree"})
    session.refresh(talk)
    assert talk.confirmation == "disagreed"
    sign_in(client, make_user("secretary"))
    detail = client.get(f"/talks/{talk.id}").get_data(as_text=True)
    assert "第二条没有谈到" in detail and "Disagreed" in detail
    listed = client.get("/talks/", query_string={"confirmation": "disagreed"}).get_data(as_text=True)
    assert f"/talks/{talk.id}" in listed


def test_answering_twice_keeps_the_first_answer(client, talked, session):
    sign_in(client, talked["member"])
    talk = talked["talk"]
    client.post(f"/me/talks/{talk.id}/answer", data={"confirm": "Confirm"})
    client.post(f"/me/talks/{talk.id}/answer", data={"comment": "改主意", "disagree": "I disagree"})
    session.refresh(talk)
    assert talk.confirmation == "confirmed"
    assert session.query(HistoryEntry).filter(HistoryEntry.record_id == talk.id,
                                              HistoryEntry.action.in_(("confirm", "disagree"))).count() == 1


def test_a_draft_cannot_be_answered_nor_someone_elses_talk(client, talked, session, make_talk, make_person):
    talk = talked["talk"]
    talk.status = "draft"
    session.flush()
    sign_in(client, talked["member"])
    client.post(f"/me/talks/{talk.id}/answer", data={"confirm": "Confirm"})
    session.refresh(talk)
    assert talk.confirmation is None
    other = make_talk(make_person("别人"), make_person("书记己"), talk_date=TODAY, status="submitted")
    assert client.post(f"/me/talks/{other.id}/answer", data={"confirm": "Confirm"}).status_code == 403


def test_the_ledger_talk_record_carries_the_confirmation(client, talked, session, make_user, make_branch):
    talk = talked["talk"]
    talk.confirmation, talk.confirmed_at = "confirmed", dt.datetime(2026, 6, 14, 6, 30, tzinfo=dt.UTC)
    branch = make_branch(projects=[talked["project"]], members=[talked["member_person"]])
    session.flush()
    sign_in(client, make_user("secretary"))
    client.post("/language", data={"lang": "zh", "next": "/"})
    page = client.get("/ledger/print", query_string={"branch_id": branch.id, "period": "year", "year": 2026})
    text = page.get_data(as_text=True)
    assert "谈话对象确认" in text and "2026年6月14日 14:30" in text


def test_unconfirmed_after_the_set_days_for_a_user(app, talked, make_talk, make_person, make_user, session):
    talk = talked["talk"]  # held 8 days ago, its subject has an account
    recent = make_talk(talked["member_person"], make_person(), talk_date=TODAY - dt.timedelta(days=3), status="submitted")
    no_account = make_talk(make_person("无账号"), make_person(), talk_date=TODAY - dt.timedelta(days=30), status="reviewed")
    answered = make_talk(talked["member_person"], make_person(), talk_date=TODAY - dt.timedelta(days=30),
                         status="reviewed", confirmation="confirmed", confirmed_at=NOW)
    secretary = make_user("secretary")
    found = set(db.session.scalars(confirmation.unconfirmed(secretary)))
    assert talk in found and not {recent, no_account, answered} & found
    assert recent in set(db.session.scalars(confirmation.unconfirmed(secretary, after_days=3)))
    app.config["TALK_CONFIRMATION_DAYS"] = 9
    try:
        assert talk not in set(db.session.scalars(confirmation.unconfirmed(secretary)))
    finally:
        app.config["TALK_CONFIRMATION_DAYS"] = 7
    # cut by tracker.access: a member sees only their own, a signed-out visitor none
    other_member = make_user("member", person=make_person("另一党员"))
    assert list(db.session.scalars(confirmation.unconfirmed(other_member))) == []
    assert set(db.session.scalars(confirmation.unconfirmed(talked["member"]))) == {talk}


def test_the_talks_list_filters_overdue_confirmations(client, talked, make_user, make_talk, make_person):
    fresh = make_talk(talked["member_person"], make_person(), talk_date=TODAY, status="submitted")
    sign_in(client, make_user("secretary"))
    page = client.get("/talks/", query_string={"confirmation": "overdue"}).get_data(as_text=True)
    assert f'/talks/{talked["talk"].id}"' in page and f'/talks/{fresh.id}"' not in page
    assert "Not confirmed after 7 days" in page
    assert Talk  # the list reads the same query as confirmation.unconfirmed


def test_the_secretarys_to_do_lists_unconfirmed_then_disagreed_talks(client, talked, session, make_user):
    """The talk was held 8 days ago (over the 7 set days) and its subject has an account:
    it waits in the secretary's box until answered; a disagreement takes its place."""
    from tests.test_todo import entry

    secretary = make_user("secretary")
    sign_in(client, secretary)
    page = client.get("/").get_data(as_text=True)
    waiting = entry(page, "talks_unconfirmed")
    assert waiting is not None and "党员戊" in waiting and 'href="/talks/?confirmation=overdue"' in waiting
    assert entry(page, "talks_disagreed") is None

    sign_in(client, talked["member"])
    client.post(f"/me/talks/{talked['talk'].id}/answer", data={"comment": "第二条没有谈到", "disagree": "I disagree"})
    sign_in(client, secretary)
    page = client.get("/").get_data(as_text=True)
    assert entry(page, "talks_unconfirmed") is None
    disagreed = entry(page, "talks_disagreed")
    assert disagreed is not None and 'href="/talks/?confirmation=disagreed"' in disagreed
