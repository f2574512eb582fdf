"""The index of the characters of names (tracker/people/name_index.py): a name search narrowed
by it finds exactly what LIKE alone finds, for random names and searches (Chinese characters,
ASCII letters in either case, LIKE's wildcards and its escape); its rows follow every write
that sets a name (random writes to people, tests/people_writes.py); `flask people index-names`
repairs them; the people search reads it. Runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select
from werkzeug.datastructures import MultiDict

from tests import people_writes
from tests.conftest import NOW
from tracker.people import name_index, queries
from tracker.people.models import NameCharacter, Person
from tracker.web import count_of

searches = st.text(people_writes.ALPHABET, min_size=1, max_size=4)


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
@given(people=st.lists(st.tuples(people_writes.names, st.booleans()), min_size=1, max_size=12),
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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=people_writes.steps, flush_each=st.booleans())
def test_the_index_follows_every_write(session, steps, flush_each):
    def holds():
        assert _rows(session) == _expected(session)
        for q in ("王", "芳", "伟", "王芳", "é"):
            assert _found(session, queries.name_matches(q)) == _found(session, _plain(q)), q
    people = [Person(name="王芳", party_status="full", source="in_house"),
              Person(name="Li 伟", party_status="none", source="in_house")]
    people_writes.follow(session, people, steps, flush_each, holds)


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
def test_the_people_search_reads_the_index(session, q):
    """On SQLite: the count and the page read the people holding the characters from the
    index. Whether it then looks them up by id or reads the (test's few) people depends on the
    statistics a test left behind; on a province's database (benchmarks, `bench fill`) it looks
    them up by id, and sorts only them."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    stmt = queries.people(MultiDict({"q": q}))
    connection = session.connection()
    for read in (count_of(stmt), stmt.limit(25)):
        compiled = read.compile(dialect=connection.dialect)
        values = compiled.construct_params()
        plan = "\n".join(row[3] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), tuple(values[name] for name in compiled.positiontup)))
        assert "SEARCH person_name_character USING COVERING INDEX sqlite_autoindex_person_name_character_1 (character=?)" in plan
