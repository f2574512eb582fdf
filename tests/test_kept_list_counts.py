"""Every count kept by the writes (tracker.kept_counts.declared(): live sessions, talks,
dispatches, people, projects, party members; sessions and talks waiting for review) after
random sequences of writes — records added in any status, deleted softly, restored, their
status changed, deleted for good, some expired first (not loaded when changed), bulk UPDATEs
through the session that set a counted column or another one — against a count of each
table; the pages read them; `flask recount-all` repairs a drift. SQLite and, with
TEST_DATABASE_URL, PostgreSQL."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from tests.conftest import NOW, TODAY
from tracker import kept_counts
from tracker.dispatches.models import Dispatch
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.study.models import StudySession
from tracker.talks.models import Talk

KINDS = ("session", "talk", "dispatch", "project", "person")
#: kind -> (model, a column no count watches, for a bulk UPDATE that must not change a count)
MODELS = {"session": (StudySession, "topic"), "talk": (Talk, "key_points"), "dispatch": (Dispatch, "note"),
          "project": (Project, "audited_entity"), "person": (Person, "post")}
#: kinds with a review status, and the statuses
REVIEWED = ("session", "talk")
statuses = st.sampled_from(["draft", "submitted", "returned", "reviewed"])
i = st.integers(0, 20)
kinds = st.sampled_from(KINDS)
steps = st.lists(st.one_of(
    st.tuples(st.just("add"), kinds, statuses, st.booleans()),
    st.tuples(st.just("delete"), kinds, i, st.booleans()),
    st.tuples(st.just("restore"), kinds, i, st.booleans()),
    st.tuples(st.just("status"), st.sampled_from(REVIEWED), i, statuses, st.booleans()),
    st.tuples(st.just("hard_delete"), st.sampled_from(REVIEWED), i, st.booleans()),
    st.tuples(st.just("bulk_status"), st.sampled_from(REVIEWED), i, statuses),
    st.tuples(st.just("bulk_deleted"), kinds, i, st.booleans()),
    st.tuples(st.just("bulk_other"), kinds, i),
), min_size=1, max_size=15)


def assert_counts_kept(session) -> None:
    for rows in kept_counts.declared():
        kept = session.scalar(select(kept_counts.read_statement(rows.name)))
        assert kept == session.scalar(rows.counted()), rows.name


class World:
    """The records the steps act on, and what a new one is made of."""

    def __init__(self, session, make_person, make_project, make_branch, make_dispatch):
        self.session, self.make_person, self.make_project, self.make_dispatch = (
            session, make_person, make_project, make_dispatch)
        self.person, self.project = make_person(), make_project()
        self.branch = make_branch(projects=[self.project])
        self.records: dict[str, list] = {kind: [] for kind in KINDS}

    def add(self, kind: str, status: str, deleted: bool):
        deleted_at = NOW if deleted else None
        if kind == "session":
            record = StudySession(branch_id=self.branch.id, session_type="party_lesson", held_on=TODAY,
                                  start_time=dt.time(9), end_time=dt.time(10), place="会议室", topic="学习",
                                  status=status, deleted_at=deleted_at)
        elif kind == "talk":
            record = Talk(talk_type="other", person=self.person, conducted_by=self.person, talk_date=TODAY,
                          status=status, deleted_at=deleted_at)
        elif kind == "dispatch":
            record = self.make_dispatch(self.person, self.project)
            record.deleted_at = deleted_at
        elif kind == "project":
            record = self.make_project()
            record.deleted_at = deleted_at
        else:
            record = self.make_person(deleted_at=deleted_at)
        self.session.add(record)
        self.records[kind].append(record)

    def apply(self, step) -> None:
        what, kind, *args = step
        if what == "add":
            self.add(kind, *args)
            return
        if not self.records[kind]:
            return
        record = self.records[kind][args[0] % len(self.records[kind])]
        model, other = MODELS[kind]
        session = self.session
        if what.startswith("bulk"):
            session.flush()
            values = {"status": args[1]} if what == "bulk_status" else (
                {"deleted_at": NOW if args[1] else None} if what == "bulk_deleted" else {other: "批量"})
            session.execute(update(model).where(model.id == record.id).values(**values)
                            .execution_options(synchronize_session=False))
            session.expire(record)
            return
        if args[-1]:
            session.flush()
            session.expire(record)  # not loaded when changed: the value before is loaded
        if what == "delete":
            record.deleted_at = NOW
        elif what == "restore":
            record.deleted_at = None
        elif what == "status":
            record.status = args[1]
        elif what == "hard_delete":
            session.flush()  # a pending record is not deleted but left out
            session.delete(record)
            self.records[kind].remove(record)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, flush_each=st.booleans())
def test_every_kept_count_follows_every_write(session, make_person, make_project, make_branch, make_dispatch,
                                              steps, flush_each):
    nested = session.begin_nested()
    try:
        world = World(session, make_person, make_project, make_branch, make_dispatch)
        session.flush()
        assert_counts_kept(session)
        for step in steps:
            world.apply(step)
            if flush_each:
                session.flush()
                assert_counts_kept(session)
        session.flush()
        assert_counts_kept(session)
    finally:
        nested.rollback()


def _drift(session, name: str, by: int) -> None:
    session.execute(text(f"UPDATE kept_count SET n = n + {by} WHERE name = '{name}' AND shard = 3"))


def _kept(session, name: str) -> int:
    return session.scalar(select(kept_counts.read_statement(name)))


def test_a_bulk_update_of_other_columns_counts_nothing_again(session, make_person):
    person = make_person()
    talk = Talk(talk_type="other", person=person, conducted_by=person, talk_date=TODAY, status="submitted")
    session.add(talk)
    session.flush()
    before = _kept(session, "talk_waiting")
    _drift(session, "talk_waiting", 5)  # so that a recount would show
    # the confirmation's guarded UPDATE sets no counted column: the count is not made again
    session.execute(update(Talk).where(Talk.id == talk.id).values(confirmation="agreed")
                    .execution_options(synchronize_session=False))
    assert _kept(session, "talk_waiting") == before + 5
    # one that sets the status is counted again
    session.execute(update(Talk).where(Talk.id == talk.id).values(status="reviewed")
                    .execution_options(synchronize_session=False))
    assert _kept(session, "talk_waiting") == before - 1
    assert_counts_kept(session)


def test_flask_recount_all_repairs_every_drift(app, session, make_person):
    make_person()
    for rows in kept_counts.declared():
        _drift(session, rows.name, 7)
    session.commit()
    result = app.test_cli_runner().invoke(args=["recount-all"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert_counts_kept(session)
    for rows in kept_counts.declared():
        assert f"{rows.name}: {session.scalar(rows.counted())}" in result.output


def test_the_lists_and_the_to_do_box_read_the_kept_counts(session, client, signed_in, make_branch, make_person,
                                                          make_project, make_dispatch):
    """A drift shows on the pages: they read the kept count, not the table (and the table once
    the count is not kept)."""
    signed_in("secretary")
    person, project = make_person(), make_project()
    make_dispatch(person, project)
    branch = make_branch(projects=[project])
    session.add(StudySession(branch_id=branch.id, session_type="party_lesson", held_on=TODAY,
                             start_time=dt.time(9), end_time=dt.time(10), place="会议室", topic="学习",
                             status="submitted"))
    session.flush()
    for path, name in (("/study/", "study_session"), ("/dispatches/", "dispatch"), ("/projects/", "project"),
                       ("/people/", "person"), ("/talks/", "talk")):
        n = _kept(session, name)
        assert f"{n} records" in client.get(path).get_data(as_text=True), path
        _drift(session, name, 1000)
        assert f"{n + 1000} records" in client.get(path).get_data(as_text=True), path
        session.execute(text(f"DELETE FROM kept_count WHERE name = '{name}' AND shard = 5"))  # not kept
        assert f"{n} records" in client.get(path).get_data(as_text=True), path
    waiting = _kept(session, "study_session_waiting")
    assert waiting >= 1
    _drift(session, "study_session_waiting", 1000)
    box = client.get("/").get_data(as_text=True)
    assert f">{waiting + 1000}<" in box
