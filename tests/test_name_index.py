"""The index of the characters of names (tracker/people/name_index.py): a name search narrowed
by it finds exactly what LIKE alone finds, for random names and searches (Chinese characters,
ASCII letters in either case, LIKE's wildcards and its escape); its rows follow every write
that sets a name (added, renamed before or after being loaded, deleted softly, restored,
deleted for good, bulk inserts and updates through the session); `flask people index-names`
repairs them; the people search reads it. Runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update
from werkzeug.datastructures import MultiDict

from tests.conftest import NOW
from tracker import clock
from tracker.people import name_index, queries
from tracker.people.models import NameCharacter, Person
from tracker.web import count_of

# a few characters, so that random names and searches often meet: Chinese, ASCII letters in
# both cases (SQLite's LIKE folds their case), LIKE's wildcards and escape, a space, a letter
# outside ASCII whose lower case is ASCII (the Kelvin sign), an ideographic space
ALPHABET = "王芳李伟aAw_%\\ \u212a\u3000é"
names = st.text(ALPHABET, min_size=1, max_size=6)
searches = st.text(ALPHABET, min_size=1, max_size=4)


def _plain(q: str):
    """The search as it was: LIKE alone, without the index."""
    narrowing, name_index.holding = name_index.holding, lambda text: None
    try:
        return queries.name_matches(q)
    finally:
        name_index.holding = narrowing


def _found(session, condition) -> set[int]:
    return set(session.scalars(select(Person.id).where(condition)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(st.tuples(names, st.booleans()), min_size=1, max_size=12),
       qs=st.lists(searches, min_size=1, max_size=6))
def test_a_search_finds_what_like_alone_finds(session, people, qs):
    nested = session.begin_nested()
    try:
        session.add_all([Person(name=name, party_status="full", source="in_house", deleted_at=NOW if deleted else None)
                         for name, deleted in people])
        session.flush()
        for q in qs + [name for name, _ in people]:
            assert _found(session, queries.name_matches(q)) == _found(session, _plain(q)), q
            for deleted in (False, True):  # the list of live people, and of the deleted ones
                listed = queries.people(MultiDict({"q": q}), include_deleted=deleted)
                assert set(session.scalars(listed.with_only_columns(Person.id))) == _found(
                    session, _plain(q) & (Person.deleted_at.is_not(None) if deleted else Person.deleted_at.is_(None)))
    finally:
        nested.rollback()


def _rows(session) -> set[tuple[int, str]]:
    return set(session.execute(select(NameCharacter.person_id, NameCharacter.character)))


def _expected(session) -> set[tuple[int, str]]:
    return {(person_id, c) for person_id, name in session.execute(select(Person.id, Person.name))
            for c in name_index.characters(name)}


n = st.integers(0, 20)
steps = st.lists(st.one_of(
    st.tuples(st.just("add"), names, st.booleans()),
    st.tuples(st.just("rename"), n, names, st.booleans()),
    st.tuples(st.just("delete"), n, st.booleans()),
    st.tuples(st.just("restore"), n, st.booleans()),
    st.tuples(st.just("hard_delete"), n, st.booleans()),
    st.tuples(st.just("bulk_insert"), names),
    st.tuples(st.just("bulk_rename"), n, names),
    st.tuples(st.just("bulk_status"), n),
    st.tuples(st.just("bulk_delete"), n),
), min_size=1, max_size=15)


def _row(name: str) -> dict:
    now = clock.now()
    return {"name": name, "party_status": "full", "source": "in_house", "created_at": now, "updated_at": now,
            "version": 1}


def _apply(session, step, people: list) -> None:
    what, *args = step
    if what == "add":
        person = Person(name=args[0], party_status="full", source="in_house", deleted_at=NOW if args[1] else None)
        session.add(person)
        people.append(person)
        return
    if what == "bulk_insert":
        session.execute(insert(Person), [_row(args[0]), _row(args[0] + "王")])
        return
    if not people:
        return
    person = people[args[0] % len(people)]
    if what.startswith("bulk_"):
        session.flush()
        if what == "bulk_delete":
            session.execute(delete(Person).where(Person.id == person.id).execution_options(synchronize_session=False))
            session.expunge(person)
            people.remove(person)
            return
        values = {"name": args[1]} if what == "bulk_rename" else {"party_status": "none"}
        session.execute(update(Person).where(Person.id == person.id).values(**values)
                        .execution_options(synchronize_session=False))
        session.expire(person)
        return
    if args[-1]:
        session.flush()
        session.expire(person)  # not loaded when changed
    if what == "rename":
        person.name = args[1]
    elif what == "delete":
        person.deleted_at = NOW
    elif what == "restore":
        person.deleted_at = None
    elif what == "hard_delete":
        session.flush()  # a pending person is not deleted but left out
        session.delete(person)
        people.remove(person)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, flush_each=st.booleans())
def test_the_index_follows_every_write(session, make_person, steps, flush_each):
    nested = session.begin_nested()
    try:
        people = [make_person("王芳"), make_person("Li 伟")]
        assert _rows(session) == _expected(session)
        for step in steps:
            _apply(session, step, people)
            if flush_each:
                session.flush()
                assert _rows(session) == _expected(session)
        session.flush()
        assert _rows(session) == _expected(session)
        for q in ("王", "芳", "伟", "王芳", "é"):
            assert _found(session, queries.name_matches(q)) == _found(session, _plain(q)), q
    finally:
        nested.rollback()


def test_flask_people_index_names_repairs_the_index(app, session, make_person):
    wang = make_person("王芳")
    make_person("李伟")
    expected = _expected(session)
    session.execute(delete(NameCharacter).where(NameCharacter.person_id == wang.id))
    session.execute(insert(NameCharacter).values(person_id=wang.id, character="李"))
    assert _rows(session) != expected
    result = app.test_cli_runner().invoke(args=["people", "index-names"])
    assert result.exit_code == 0, result.output
    assert f"{len(expected)} characters of names written" in result.output
    assert _rows(session) == expected


@pytest.mark.parametrize("q", ["王", "王芳"])
def test_the_people_search_reads_the_index_not_every_name(session, q):
    """On SQLite, whose plans do not depend on statistics: the count and the page look people
    up by the ids the index gives, instead of scanning the table or the pinyin order."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    stmt = queries.people(MultiDict({"q": q}))
    connection = session.connection()
    for read in (count_of(stmt), stmt.limit(25)):
        compiled = read.compile(dialect=connection.dialect)
        values = compiled.construct_params()
        plan = "\n".join(row[3] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), tuple(values[name] for name in compiled.positiontup)))
        assert "rowid=?)" in plan.splitlines()[0]  # by the primary key, or (deleted_at, rowid)
        assert "SEARCH person_name_character USING COVERING INDEX" in plan
        assert "SCAN person" not in plan
