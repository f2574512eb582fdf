"""Members sign themselves in to a session with its code (tracker/selfsign): every refusal,
a double tap, the leader's roster and what the session page and the ledger show."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import NOW, TODAY, sign_in
from tracker import clock
from tracker.selfsign import codes
from tracker.study.models import Attendance


@pytest.fixture
def meeting(make_person, make_project, make_branch, make_session, make_user):
    """Today's 09:30–11:00 session (the clock says 10:00) of a branch with a team leader
    and two members with accounts, and someone who joined the branch only tomorrow."""
    leader_person = make_person("组长甲")
    project = make_project(team_leader=leader_person)
    a, b, late = make_person("党员甲"), make_person("党员乙"), make_person("党员丙")
    branch = make_branch(projects=[project], members=[(leader_person, "secretary"), a, b])
    from tracker.branches.models import Membership
    from tracker.extensions import db

    db.session.add(Membership(branch=branch, person=late, role="member", joined_on=TODAY + dt.timedelta(days=1)))
    session = make_session(branch, held_on=TODAY, start_time=dt.time(9, 30), end_time=dt.time(11, 0),
                           attendance=[], topic="扫码签到")
    return {
        "session": session, "branch": branch,
        "leader": make_user("team-leader", person=leader_person),
        "a": make_user("member", person=a), "b": make_user("member", person=b),
        "late": make_user("member", person=late),
    }


def scan(client, session_id, code=None):
    """Scan the session's current code: the ticket URL it leads to."""
    response = client.get(f"/s/{code or codes.make_code(session_id)}")
    assert response.status_code == 302, response.status_code
    return response.location


def test_signing_in_marks_the_member_present_with_the_time(client, meeting, session):
    sign_in(client, meeting["a"])
    ticket_url = scan(client, meeting["session"].id)
    page = client.get(ticket_url)
    assert page.status_code == 200 and "扫码签到" in page.get_data(as_text=True)
    response = client.post(ticket_url)
    assert response.status_code == 302
    row = session.query(Attendance).filter_by(session_id=meeting["session"].id,
                                              person_id=meeting["a"].person_id).one()
    assert row.status == "present" and row.self_signed_at == NOW
    done = client.get(response.location).get_data(as_text=True)
    assert "10:00" in done


def test_a_signed_out_member_signs_in_and_lands_back_on_the_ticket(client, meeting):
    ticket_url = scan(client, meeting["session"].id)
    response = client.get(ticket_url)
    assert response.status_code == 302 and "/sign-in" in response.location
    from tests.conftest import PASSWORD

    signed = client.post(response.location, data={"username": meeting["a"].username, "password": PASSWORD})
    assert signed.status_code == 302 and signed.location.endswith(ticket_url.split("tracker.test")[-1])


def test_a_forged_code_is_refused(client, meeting):
    good = codes.make_code(meeting["session"].id)
    response = client.get(f"/s/{good[:-2]}xx")
    assert response.status_code == 400
    assert "not a sign-in code" in response.get_data(as_text=True)
    # a code of another app (another secret) or a ticket passed off as a code
    assert client.get(f"/s/{codes.make_ticket(meeting['session'].id)}").status_code == 400


def test_an_old_code_is_refused_a_fresh_one_of_the_last_minute_is_not(client, meeting):
    clock.fix(NOW - dt.timedelta(seconds=150))
    old = codes.make_code(meeting["session"].id)
    clock.fix(NOW - dt.timedelta(seconds=60))
    last_minute = codes.make_code(meeting["session"].id)
    clock.fix(NOW)
    response = client.get(f"/s/{old}")
    assert response.status_code == 400 and "out of date" in response.get_data(as_text=True)
    assert client.get(f"/s/{last_minute}").status_code == 302


def test_an_old_ticket_is_refused(client, meeting):
    sign_in(client, meeting["a"])
    ticket_url = scan(client, meeting["session"].id)
    clock.fix(NOW + dt.timedelta(seconds=codes.TICKET_SECONDS + 1))
    response = client.post(ticket_url)
    assert response.status_code == 400 and "out of date" in response.get_data(as_text=True)


@pytest.mark.parametrize("moment, opens", [
    (dt.datetime(2026, 6, 15, 0, 59, tzinfo=dt.UTC), False),  # 08:59, before 09:00
    (dt.datetime(2026, 6, 15, 1, 0, tzinfo=dt.UTC), True),    # 09:00: 30 min before the start
    (dt.datetime(2026, 6, 15, 3, 30, tzinfo=dt.UTC), True),   # 11:30: 30 min after the end
    (dt.datetime(2026, 6, 15, 3, 31, tzinfo=dt.UTC), False),  # 11:31
])
def test_outside_the_window_is_refused(client, meeting, session, moment, opens):
    clock.fix(moment)
    sign_in(client, meeting["a"])
    response = client.post(scan(client, meeting["session"].id))
    signed = session.query(Attendance).filter_by(person_id=meeting["a"].person_id).count()
    if opens:
        assert response.status_code == 302 and signed == 1
    else:
        assert response.status_code == 400 and signed == 0
        assert "Signing in to this session is open from" in response.get_data(as_text=True)


def test_the_window_is_a_setting(client, meeting, app):
    clock.fix(dt.datetime(2026, 6, 15, 0, 59, tzinfo=dt.UTC))  # 08:59
    app.config["SELF_SIGN_IN_BEFORE_MINUTES"] = 60
    try:
        sign_in(client, meeting["a"])
        assert client.post(scan(client, meeting["session"].id)).status_code == 302
    finally:
        app.config["SELF_SIGN_IN_BEFORE_MINUTES"] = 30


def test_someone_not_a_member_that_day_is_refused(client, meeting, session):
    sign_in(client, meeting["late"])
    ticket_url = scan(client, meeting["session"].id)
    page = client.get(ticket_url)
    assert page.status_code == 403 and "not a member" in page.get_data(as_text=True)
    assert client.post(ticket_url).status_code == 403
    assert session.query(Attendance).filter_by(person_id=meeting["late"].person_id).count() == 0


def test_a_second_sign_in_is_refused_and_a_double_tap_counts_once(client, meeting, session):
    sign_in(client, meeting["a"])
    ticket_url = scan(client, meeting["session"].id)
    assert client.post(ticket_url).status_code == 302
    clock.fix(NOW + dt.timedelta(seconds=5))
    again = client.post(ticket_url)
    assert again.status_code == 409
    assert "already signed in to this session, at 10:00" in again.get_data(as_text=True)
    rows = session.query(Attendance).filter_by(person_id=meeting["a"].person_id).all()
    assert len(rows) == 1 and rows[0].self_signed_at == NOW
    from tracker.history.models import HistoryEntry

    assert session.query(HistoryEntry).filter_by(action="self_sign_in").count() == 1


def test_the_leaders_entry_does_not_erase_the_self_sign_in(client, meeting, session):
    study = meeting["session"]
    sign_in(client, meeting["leader"])
    opened = client.get(f"/study/{study.id}/edit")  # the leader opens the form during the meeting
    assert opened.status_code == 200
    sign_in(client, meeting["a"])
    assert client.post(scan(client, study.id)).status_code == 302
    session.refresh(study)
    assert study.version == 1  # the member's sign-in leaves the leader's open form current
    sign_in(client, meeting["leader"])
    # the form the leader opens next says who signed in themselves, beside their choice
    assert "Signed in with the code at 10:00" in client.get(f"/study/{study.id}/edit").get_data(as_text=True)
    a = meeting["a"].person_id
    people = [m.person_id for m in meeting["branch"].memberships if m.current_on(TODAY)]
    data = {"session_type": "theme_party_day", "held_on": TODAY.isoformat(), "start_time": "09:30",
            "end_time": "11:00", "place": "会议室", "topic": "扫码签到", "speaker": "", "host": "", "recorder": "",
            "content": "", "resolutions": "", "guests": "", "submit": "Save", "version": "1",
            "roster": ",".join(sorted(str(p) for p in people))}
    for p in people:
        data[f"attendance-{p}"], data[f"reason-{p}"] = "present", ""
    data[f"attendance-{a}"], data[f"reason-{a}"] = "absent", "记错了"
    assert client.post(f"/study/{study.id}/edit", data=data).status_code == 302
    row = session.query(Attendance).filter_by(session_id=study.id, person_id=a).one()
    assert row.status == "absent" and row.self_signed_at == NOW
    page = client.get(f"/study/{study.id}").get_data(as_text=True)
    assert "10:00" in page and "differs from the attendance recorded" in page


def test_a_locked_session_takes_no_sign_ins(client, meeting, session):
    meeting["session"].status = "submitted"
    session.flush()
    sign_in(client, meeting["a"])
    response = client.post(scan(client, meeting["session"].id))
    assert response.status_code == 409 and "under review" in response.get_data(as_text=True)


def test_the_leaders_roster_shows_who_signed_in(client, meeting):
    sign_in(client, meeting["a"])
    client.post(scan(client, meeting["session"].id))
    sign_in(client, meeting["leader"])
    data = client.get(f"/study/{meeting['session'].id}/sign-ins").get_json()
    assert data["expected"] == 3 and data["open"] is True
    assert data["signed"] == [{"name": "党员甲", "at": "10:00"}]
    assert sorted(r["name"] for r in data["waiting"]) == ["党员乙", "组长甲"]
    page = client.get(f"/study/{meeting['session'].id}/sign-in-code").get_data(as_text=True)
    assert "1 of 3 signed in" in page
    svg = client.get(f"/study/{meeting['session'].id}/sign-in-code.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_the_code_encodes_a_link_that_signs_in_to_this_session(client, meeting, app):
    with app.test_request_context():
        code = codes.make_code(meeting["session"].id)
        assert codes.read_code(code) == meeting["session"].id
        clock.fix(NOW + dt.timedelta(seconds=2 * codes.SLOT_SECONDS))
        with pytest.raises(codes.Stale):
            codes.read_code(code)


def test_the_ledger_sign_in_sheet_shows_self_sign_times(client, meeting, make_user, session):
    sign_in(client, meeting["a"])
    client.post(scan(client, meeting["session"].id))
    meeting["session"].status = "submitted"  # the ledger prints submitted and reviewed records
    session.flush()
    sign_in(client, make_user("secretary"))
    page = client.get("/ledger/print", query_string={
        "branch_id": meeting["branch"].id, "period": "month", "year": 2026, "month": 6}).get_data(as_text=True)
    sheet = page[page.index('<section class="sign-in"'):]
    sheet = sheet[:sheet.index("</section>")]
    assert "Signed in with the code" in sheet
    row = sheet[sheet.index("党员甲"):]
    assert "10:00" in row[:row.index("</tr>")]
    other = sheet[sheet.index("党员乙"):]
    assert "10:00" not in other[:other.index("</tr>")]


def test_the_word_ledger_carries_the_self_sign_time(client, meeting, make_user, session):
    from tests.fixtures_ledger import document_text, open_document

    sign_in(client, meeting["a"])
    client.post(scan(client, meeting["session"].id))
    meeting["session"].status = "submitted"
    session.flush()
    sign_in(client, make_user("secretary"))
    response = client.post("/ledger/word", data={"branch_id": str(meeting["branch"].id), "period": "year",
                                                 "year": "2026"})
    text = document_text(open_document(response.data))
    assert "Signed in with the code" in text and "10:00" in text


def test_the_polled_roster_costs_the_same_for_a_bigger_branch(client, meeting, make_person, session, count_queries):
    from tracker.branches.models import Membership

    sign_in(client, meeting["leader"])
    url = f"/study/{meeting['session'].id}/sign-ins"
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for n in range(12):
        session.add(Membership(branch=meeting["branch"], person=make_person(f"新成员{n}"), role="member",
                               joined_on=TODAY - dt.timedelta(days=1)))
    session.flush()
    with count_queries() as big:
        data = client.get(url).get_json()
    assert data["expected"] == 15
    assert big.count == small.count, big.statements
