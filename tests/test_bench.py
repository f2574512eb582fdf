"""The benchmark's data filler at a small scale, its pages, and that the product has none of it."""
from __future__ import annotations

from sqlalchemy import func, select

from benchmarks.fill import Params, fill
from tests.conftest import NOW, PASSWORD, TODAY
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.people.models import Person
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk


def test_fill_makes_what_it_is_asked_for(session):
    filled = fill(Params(branches=6, people=40, dispatches=90, sessions=30, attendance=200, talks=50))
    assert session.scalar(select(func.count(Person.id))) == 40
    assert session.scalar(select(func.count(Branch.id))) == 6
    assert session.scalar(select(func.count(Dispatch.id))) == 90
    assert session.scalar(select(func.count(Membership.id))) == filled.counts["memberships"] > 6
    # Every dispatch lies within its project's dates and every branch serves one project.
    for _, _, project_id, departure, return_ in filled.dispatches[:10]:
        assert any(p == project_id and s == departure and e == return_ for p, s, e in filled.projects)


def test_fill_adds_sessions_with_attendance_and_talks(session):
    filled = fill(Params(branches=6, people=40, dispatches=90, sessions=30, attendance=200, talks=50))
    assert session.scalar(select(func.count(StudySession.id))) == filled.counts["sessions"] == 30
    assert session.scalar(select(func.count(Attendance.id))) == filled.counts["attendance"] == 200
    assert session.scalar(select(func.count(Talk.id))) == filled.counts["talks"] == 50
    windows = {b: (start, end) for b, start, end in filled.branches}
    members = {b: {p for p, _, _ in rows} for b, rows in filled.members.items()}
    for s in session.scalars(select(StudySession)):
        start, end = windows[s.branch_id]
        assert start <= s.held_on <= min(end or TODAY, TODAY)  # held while the branch was active
        assert {a.person_id for a in s.attendance} <= members[s.branch_id]  # by its own members
        assert (s.submitted_at is None) == (s.status in ("draft", "returned"))
    dispatches = {d[0]: d for d in filled.dispatches}
    for t in session.scalars(select(Talk)):
        assert t.talk_date <= TODAY and t.person_id == dispatches[t.dispatch_id][1]
    # the theme party days the study rules look for are there
    assert session.scalar(select(func.count(StudySession.id)).where(StudySession.session_type == "theme_party_day"))


def test_the_product_has_no_benchmark_pages_or_commands(app):
    assert not [rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/bench")]
    assert "bench" not in app.cli.commands


def test_reference_and_bare_pages_show_fifty_live_rows(tmp_path):
    from benchmarks.app import make_app
    from tracker.auth.models import User
    from tracker.extensions import db

    bench = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite3'}",
                      "SECRET_KEY": "bench-test", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with bench.app_context():
        db.create_all()
        people = [Person(name=f"人员{n}", party_status="full", source="in_house") for n in range(60)]
        people[0].deleted_at = NOW
        db.session.add_all(people)
        user = User(username="bench-viewer", roles=["viewer"])
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = bench.test_client()
    bare = client.get("/bench/bare").get_data(as_text=True)
    assert bare.count("<tr>") == 51 and "人员0<" not in bare and "人员50<" in bare  # header + 50 live
    assert "<nav" not in bare
    assert client.get("/bench/reference").status_code == 302  # signed in only
    client.post("/sign-in", data={"username": "bench-viewer", "password": PASSWORD})
    reference = client.get("/bench/reference").get_data(as_text=True)
    assert reference.count("<tr>") == 51 and "人员0<" not in reference
    assert "<nav" in reference
