"""Random sequences of writes to people, for the tests of what the writes keep (the kept count
of party members, tests/test_people_counting.py; the index of the characters of names,
tests/test_name_index.py): people added with any party status and name, deleted softly,
restored, renamed, their party status changed, deleted for good, some expired first (not
loaded when changed), bulk inserts, updates and deletes through the session."""
from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st
from sqlalchemy import delete, insert, update

from tests.conftest import NOW
from tracker import clock
from tracker.people.models import Person

statuses = st.sampled_from(["full", "probationary", "none"])
#: names of a few characters, so that random names and searches often meet: Chinese, ASCII
#: letters in both cases (SQLite's LIKE folds their case), LIKE's wildcards and its escape, a
#: space, the Kelvin sign (its lower case is ASCII), an ideographic space, a letter with an accent
ALPHABET = "王芳李伟aAw_%\\ \u212a\u3000é"
names = st.text(ALPHABET, min_size=1, max_size=6)
n = st.integers(0, 20)
steps = st.lists(st.one_of(
    st.tuples(st.just("add"), statuses, names, st.booleans()),
    st.tuples(st.just("delete"), n, st.booleans()),
    st.tuples(st.just("restore"), n, st.booleans()),
    st.tuples(st.just("status"), n, statuses, st.booleans()),
    st.tuples(st.just("rename"), n, names, st.booleans()),
    st.tuples(st.just("hard_delete"), n, st.booleans()),
    st.tuples(st.just("bulk_insert"), statuses, names),
    st.tuples(st.just("bulk_status"), n, statuses),
    st.tuples(st.just("bulk_rename"), n, names),
    st.tuples(st.just("bulk_delete"), n),
), min_size=1, max_size=15)


def _row(status: str, name: str) -> dict:
    now = clock.now()
    return {"name": name, "party_status": status, "source": "in_house", "created_at": now, "updated_at": now,
            "version": 1}


def _bulk(session, what: str, person: Person, args, people: list) -> None:
    session.flush()
    if what == "bulk_delete":
        session.execute(delete(Person).where(Person.id == person.id).execution_options(synchronize_session=False))
        session.expunge(person)
        people.remove(person)
        return
    values = {"party_status": args[1]} if what == "bulk_status" else {"name": args[1]}
    session.execute(update(Person).where(Person.id == person.id).values(**values)
                    .execution_options(synchronize_session=False))
    session.expire(person)


def apply(session, step, people: list) -> None:
    what, *args = step
    if what == "add":
        person = Person(name=args[1], party_status=args[0], source="in_house", deleted_at=NOW if args[2] else None)
        session.add(person)
        people.append(person)
        return
    if what == "bulk_insert":
        session.execute(insert(Person), [_row(args[0], args[1]), _row(args[0], args[1] + "王")])
        return
    if not people:
        return
    person = people[args[0] % len(people)]
    if what.startswith("bulk_"):
        _bulk(session, what, person, args, people)
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
    elif what == "rename":
        person.name = args[1]
    elif what == "hard_delete":
        session.flush()  # a pending person is not deleted but left out
        session.delete(person)
        people.remove(person)


def follow(session, people: list, steps_: list, flush_each: bool, holds: Callable[[], None]) -> None:
    """Apply the steps to `people` in a nested transaction, rolled back at the end; `holds()`
    checks what the writes keep at the start, after each step's flush (`flush_each`) and at
    the end."""
    nested = session.begin_nested()
    try:
        session.add_all(people)
        session.flush()
        holds()
        for step in steps_:
            apply(session, step, people)
            if flush_each:
                session.flush()
                holds()
        session.flush()
        holds()
    finally:
        nested.rollback()
