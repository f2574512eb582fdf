"""The kept count of live party members (tracker/people/counting.py) after random sequences of
writes — people added with any party status, deleted softly, restored, their party status
changed, deleted for good, some expired first (not loaded when changed), bulk inserts and
updates through the session — against a count of the person table; `flask people recount`
repairs a drift. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, text, update

from tests.conftest import NOW
from tracker import clock, kept_counts
from tracker.people import counting
from tracker.people.models import Person

statuses = st.sampled_from(["full", "probationary", "none"])
n = st.integers(0, 20)
steps = st.lists(st.one_of(
    st.tuples(st.just("add"), statuses, st.booleans()),
    st.tuples(st.just("delete"), n, st.booleans()),
    st.tuples(st.just("restore"), n, st.booleans()),
    st.tuples(st.just("status"), n, statuses, st.booleans()),
    st.tuples(st.just("hard_delete"), n, st.booleans()),
    st.tuples(st.just("bulk_insert"), statuses),
    st.tuples(st.just("bulk_update"), n, statuses),
), min_size=1, max_size=15)


def _kept(session) -> int:
    return session.scalar(select(kept_counts.read_statement(counting.NAME)))


def _counted(session) -> int:
    return session.scalar(select(func.count()).select_from(Person).where(
        Person.deleted_at.is_(None), Person.party_status != "none"))


def _row(status: str) -> dict:
    now = clock.now()
    return {"name": "批量", "party_status": status, "source": "in_house", "created_at": now, "updated_at": now,
            "version": 1}


def _apply(session, step, people: list) -> None:
    what, *args = step
    if what == "add":
        person = Person(name="人员", party_status=args[0], source="in_house",
                        deleted_at=NOW if args[1] else None)
        session.add(person)
        people.append(person)
        return
    if what == "bulk_insert":
        session.execute(insert(Person), [_row(args[0]), _row(args[0])])
        return
    if not people:
        return
    person = people[args[0] % len(people)]
    if what == "bulk_update":
        session.flush()
        session.execute(update(Person).where(Person.id == person.id).values(party_status=args[1])
                        .execution_options(synchronize_session=False))
        session.expire(person)
        return
    if args[-1]:
        session.flush()
        session.expire(person)  # not loaded when changed: the value before is loaded
    if what == "delete":
        person.deleted_at = NOW
    elif what == "restore":
        person.deleted_at = None
    elif what == "status":
        person.party_status = args[1]
    elif what == "hard_delete":
        session.flush()  # a pending person is not deleted but left out
        session.delete(person)
        people.remove(person)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, flush_each=st.booleans())
def test_the_kept_count_of_party_members_follows_every_write(session, make_person, steps, flush_each):
    nested = session.begin_nested()
    try:
        people = [make_person(), make_person(party_status="none")]
        assert _kept(session) == _counted(session)
        for step in steps:
            _apply(session, step, people)
            if flush_each:
                session.flush()
                assert _kept(session) == _counted(session)
        session.flush()
        assert _kept(session) == _counted(session)
    finally:
        nested.rollback()


def test_flask_people_recount_repairs_a_drift(app, session, make_person):
    make_person()
    kept = _kept(session)
    assert kept == _counted(session)
    session.execute(text(f"UPDATE kept_count SET n = n + 5 WHERE name = '{counting.NAME}' AND shard = 3"))
    assert _kept(session) == kept + 5
    result = app.test_cli_runner().invoke(args=["people", "recount"])
    assert result.exit_code == 0, result.output
    assert f"{kept} live party members" in result.output
    assert _kept(session) == _counted(session)
