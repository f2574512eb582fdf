"""Who reads what (tracker/access.py): the predicate and the query filter of each record type
give the same answer; talk contents are sealed in the ledger's files as on the pages."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.fixtures_ledger import document_text, open_document, open_workbook
from tracker import access, clock
from tracker.extensions import db
from tracker.study.models import StudySession
from tracker.talks.models import Talk

SECRET = "私密要点-XYZ"


@pytest.fixture
def town(make_person, make_project, make_branch, make_dispatch, make_user, make_talk, make_session):
    """Two teams, each with a branch, a dispatched member, a talk and a session; a user per role."""
    lead_a, lead_b, conductor = make_person("组长甲"), make_person("组长乙"), make_person("书记丙")
    member_a, member_b = make_person("组员甲"), make_person("组员乙")
    a, b = make_project(team_leader=lead_a), make_project(team_leader=lead_b)
    branch_a = make_branch(projects=[a], members=[(lead_a, "secretary"), member_a])
    branch_b = make_branch(projects=[b], members=[(lead_b, "secretary"), member_b])
    d_a, d_b = make_dispatch(member_a, a), make_dispatch(member_b, b)
    users = {
        "viewer": make_user("viewer"),
        "leader_a": make_user("team-leader", person=lead_a),
        "leader_b": make_user("team-leader", person=lead_b),
        "conducting_viewer": make_user("viewer", person=conductor),
        "secretary": make_user("secretary"),
        "nobody": make_user(),
    }
    talks = [
        make_talk(member_a, conductor, dispatch=d_a, status="reviewed", key_points=SECRET),
        make_talk(member_b, conductor, dispatch=d_b, status="reviewed", key_points=SECRET),
        # no dispatch: the team rule still reaches it, the person is dispatched to project a
        make_talk(member_a, lead_b, talk_type="other", talk_date=d_a.departure_date, status="submitted"),
        make_talk(member_b, lead_b, talk_type="other", talk_date=d_b.departure_date),
    ]
    sessions = [make_session(branch_a), make_session(branch_b)]
    return {"users": users, "talks": talks, "sessions": sessions, "branches": (branch_a, branch_b),
            "dispatches": (d_a, d_b)}


def test_talk_contents_predicate_and_filter_agree(town, app):
    expected = {
        "viewer": set(),
        "leader_a": {0, 2},
        "leader_b": {1, 2, 3},  # project b's member; and the two talks leader b conducted
        "conducting_viewer": {0, 1},
        "secretary": {0, 1, 2, 3},
        "nobody": set(),
    }
    talks = town["talks"]
    with app.test_request_context():
        for name, user in town["users"].items():
            by_predicate = {i for i, t in enumerate(talks) if access.can_read_talk_contents(user, t)}
            by_filter = {i for i, t in enumerate(talks)
                         if t.id in access.talks_with_contents(user, [t.id for t in talks])}
            in_sql = set(db.session.scalars(select(Talk.id).where(access.talk_contents(user))))
            assert by_predicate == by_filter == expected[name], name
            assert {i for i, t in enumerate(talks) if t.id in in_sql} == expected[name], name


def test_session_predicate_and_filter_agree(town, app):
    with app.test_request_context():
        for name, user in town["users"].items():
            listed = set(db.session.scalars(access.readable_sessions(user, select(StudySession.id))))
            for s in town["sessions"]:
                assert access.can_read_session(user, s) == (s.id in listed), (name, s.id)
        assert len(set(db.session.scalars(
            access.readable_sessions(town["users"]["leader_a"], select(StudySession.id))))) == 1


def test_a_deleted_dispatch_no_longer_opens_its_persons_talks_to_the_team_leader(town, app, session):
    town["dispatches"][0].deleted_at = clock.now()
    session.flush()
    with app.test_request_context():
        assert not access.can_read_talk_contents(town["users"]["leader_a"], town["talks"][0])


def test_the_team_rule_in_python_and_sql_agree(town, app, session, make_project):
    from tracker.projects.models import Project

    deleted = make_project(team_leader=town["users"]["leader_a"].person)
    deleted.deleted_at = clock.now()
    session.flush()
    projects = session.scalars(select(Project)).all()
    with app.test_request_context():
        for user in town["users"].values():
            led = set(session.scalars(access.led_projects(user)))
            assert {p.id for p in projects if access.leads(user, p)} == led


@pytest.mark.parametrize(("role", "sees"), [("viewer", False), ("leader_a", True), ("secretary", True)])
def test_the_ledger_files_seal_talk_contents(client, town, role, sees):
    sign_in(client, town["users"][role])
    branch = town["branches"][0]
    page = client.get(f"/ledger/print?branch_id={branch.id}").get_data(as_text=True)
    xlsx = client.post("/ledger/excel", data={"branch_id": str(branch.id)})
    docx = client.post("/ledger/word", data={"branch_id": str(branch.id)})
    assert xlsx.status_code == docx.status_code == 200
    cells = [str(c) for row in open_workbook(xlsx.data)["Talks"].iter_rows(values_only=True) for c in row]
    word = document_text(open_document(docx.data))
    for text in (page, " ".join(cells), word):
        assert (SECRET in text) == sees
        # the talk is still there: who conducted it
        assert "书记丙" in text
        assert ("Not shown: the contents of a talk are personal." in text) != sees


def test_the_all_branches_ledger_seals_per_talk(client, town):
    """Leader a's all-branches ledger: their own team's talk in full, nothing of team b."""
    sign_in(client, town["users"]["leader_a"])
    cells = list(itertools.chain.from_iterable(
        open_workbook(client.post("/ledger/excel").data)["Talks"].iter_rows(values_only=True)))
    assert "组员甲" in cells and "组员乙" not in cells
    assert SECRET in cells


def test_search_does_not_match_hidden_contents(client, town):
    for role, found in (("viewer", 0), ("leader_b", 1), ("secretary", 2)):
        sign_in(client, town["users"][role])
        html = client.get("/talks/", query_string={"q": SECRET}).get_data(as_text=True)
        hits = sum(f'href="/talks/{t.id}"' in html for t in town["talks"][:2])
        assert hits == found, role


def test_a_viewer_who_also_leads_a_team_reads_that_teams_talks(town, app, make_user):
    both = make_user("viewer", "team-leader", person=town["users"]["leader_a"].person)
    with app.test_request_context():
        assert [access.can_read_talk_contents(both, t) for t in town["talks"]] == [True, False, True, False]
