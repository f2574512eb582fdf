"""The characters of people's names (NameCharacter, tracker/people/models.py), which narrow a
name search to the names that can hold it, kept in the transaction of every write that sets a
name.

A name search is a substring search (tracker.people.queries.name_matches): LIKE '%王%' reads
every person's name, since no B-tree serves a substring and a trigram index needs three
characters (a Chinese search is often one or two). The rows of 王 are a range of the index:
the search reads those people's names only, and still asks each for the whole text. Only
characters that are not ASCII are kept: SQLite's LIKE folds the case of ASCII letters (an
index of them would have to fold them the same way), and an ASCII search is matched against
the names' pinyin as well, which these rows do not hold. Deleted people keep their rows: the
talks and dispatches lists search the names of deleted people's records too.

Kept: after each flush, the rows of the people added or renamed are written again; a person
deleted for good (never by the application, which deletes softly; a test or a repair may)
first loses them, before the flush or the bulk DELETE of people through a session. A bulk
INSERT into the person table through a session adds the rows of the people who have none; a
bulk UPDATE that may set a name writes every row again. `flask people index-names` writes
every row again after writes that bypassed the application. tests/test_name_index.py
compares a search with plain LIKE, and the rows with the names after random writes.
"""
from __future__ import annotations

from collections.abc import Iterable

import click
from flask.cli import with_appcontext
from sqlalchemy import Boolean, delete, event, exists, func, insert, inspect, intersect, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from tracker import kept_counts
from tracker.extensions import db
from tracker.people.models import NameCharacter, Person

#: rows written per INSERT
CHUNK = 5000
#: a search is narrowed by at most this many of its characters: each is a range of the index
#: read whole (more would cost more than the few names they leave out)
NARROWING = 2

_TABLE = NameCharacter.__table__
#: an ORM statement's table is an annotated copy of the model's, equal to it and hashed alike
_SOURCES = frozenset({Person.__table__})


def characters(text: str) -> list[str]:
    """The characters of `text` the index holds (those not ASCII), each once, in order."""
    return list(dict.fromkeys(c for c in text if not c.isascii()))


class _among(FunctionElement):
    """`column IN (subquery)`, written for PostgreSQL as IN (SELECT unnest(ARRAY(subquery))).

    PostgreSQL estimates `IN (subquery)` from its statistics, and finds the people of a common
    character (500 for 王 at ten times province scale) dearer to look up one by one than to
    read all 50,000 (7 ms; the lookups take 1 ms): it went on reading every name. The values
    unnested from an array that a subquery makes it cannot estimate, and plans them as a few:
    it looks them up (the people list; the dispatches and due talks of those people), and
    where the condition is tested on each row of a table (a talk's contents OR its person's
    name) tests the rows against a hash of them."""

    type = Boolean()
    inherit_cache = True

    def self_group(self, against=None):
        return self  # a comparison in parentheses: not compared with 1 where booleans are integers


@compiles(_among)
def _among_default(element, compiler, **kw):
    column, values = element.clauses
    return f"({compiler.process(column, **kw)} IN (SELECT unnest(ARRAY{compiler.process(values, **kw)})))"


@compiles(_among, "sqlite")
def _among_sqlite(element, compiler, **kw):
    column, values = element.clauses
    return f"({compiler.process(column, **kw)} IN {compiler.process(values, **kw)})"


def holding(text: str):
    """Condition on Person: the name holds each of the first NARROWING indexed characters
    of `text`, as the index has them; None when `text` has none (every name may hold it).
    A name holding `text` holds each of its characters, so this leaves out no match."""
    found = characters(text)[:NARROWING]
    if not found:
        return None
    holders = [select(_TABLE.c.person_id).where(_TABLE.c.character == c) for c in found]
    return _among(Person.id, (holders[0] if len(holders) == 1 else intersect(*holders)).scalar_subquery())


def _write(connection, people: Iterable[tuple[int, str]]) -> None:
    rows = [{"person_id": person_id, "character": c} for person_id, name in people for c in characters(name or "")]
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(_TABLE), rows[start:start + CHUNK])


def refresh(connection, names: dict[int, str]) -> None:
    """The rows of these people (id -> name) written again."""
    connection.execute(delete(_TABLE).where(_TABLE.c.person_id.in_(sorted(names))))
    _write(connection, names.items())


def add_missing(connection) -> None:
    """The rows of the people who have none (after a bulk insert)."""
    missing = ~exists().where(_TABLE.c.person_id == Person.id)
    _write(connection, connection.execute(select(Person.id, Person.name).where(missing)).all())


def rebuild(connection) -> int:
    """Every row written again from the names; how many there are."""
    connection.execute(delete(_TABLE))
    _write(connection, connection.execute(select(Person.id, Person.name)).all())
    return connection.scalar(select(func.count()).select_from(_TABLE))


@event.listens_for(Session, "before_flush")
def _drop_rows_of_removed_people(session, _context, _instances) -> None:
    removed = sorted(obj.id for obj in session.deleted if isinstance(obj, Person) and obj.id is not None)
    if removed:
        session.connection().execute(delete(_TABLE).where(_TABLE.c.person_id.in_(removed)))


@event.listens_for(Session, "after_flush")
def _keep_name_characters(session, _context) -> None:
    added = [(obj.id, obj.name) for obj in session.new if isinstance(obj, Person)]
    renamed = {obj.id: obj.name for obj in session.dirty
               if isinstance(obj, Person) and inspect(obj).attrs.name.history.has_changes()}
    if renamed:
        refresh(session.connection(), renamed)
    if added:
        _write(session.connection(), added)


@event.listens_for(Session, "do_orm_execute")
def _keep_name_characters_on_bulk_writes(state):
    if not (state.is_insert or state.is_update or state.is_delete) or getattr(
            state.statement, "table", None) not in _SOURCES:
        return None
    if state.is_delete:
        # the rows of the people it deletes go first, which refer to them
        removed = select(Person.id)
        if state.statement.whereclause is not None:
            removed = removed.where(state.statement.whereclause)
        state.session.connection().execute(delete(_TABLE).where(_TABLE.c.person_id.in_(removed)))
        return None
    if state.is_update and (changed := kept_counts.set_columns(state.statement)) is not None and "name" not in changed:
        return None  # a name is not set: every row stays right
    result = state.invoke_statement()
    if state.is_insert:
        add_missing(state.session.connection())
    else:
        rebuild(state.session.connection())
    return result


@click.command("index-names")
@with_appcontext
def index_names_command():
    """Write the characters of every name again (after writes that bypassed the application)."""
    n = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"{n} characters of names written")
