"""Keeps the study_month rows (tracker/study/models.py, StudyMonth), and the bureau's monthly
totals of them (StudyMonthTotal), in step with the sessions and attendance they count, in the
transaction that changes them.

Every ORM write goes through a flush; after it, the (branch, month) pairs the flush may have
changed — of a session added, edited, submitted, reviewed, returned, withdrawn, deleted or
restored (and its former branch and month when it moved), or of a session whose attendance
rows were added, changed or removed — have their rows deleted and written again from the
sessions by one INSERT … SELECT. A bulk INSERT, UPDATE or DELETE of sessions or attendance
through the session (data loads, repairs) writes every row again, unless it names the
sessions it writes (`writing_attendance_of`, members' self sign-in) or the session's info
says `study_upkeep_off` (a loader that calls `rebuild` once at its end). The same statement
without a condition is `flask study rebuild`.
"""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

import click
from flask.cli import with_appcontext
from sqlalchemy import Date, and_, delete, event, func, inspect, or_, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.months import add_months
from tracker.study.models import Attendance, StudyMonth, StudyMonthTotal, StudySession
from tracker.study.queries import attendance_counts
from tracker.study.rules import COUNTED

#: session.info key: bulk writes of sessions or attendance leave the rows to the caller
OFF = "study_upkeep_off"
#: (branch id, month) pairs written again per statement (a few bound values each)
CHUNK = 500


class month_of(FunctionElement):
    """The first day of a date's month."""

    type = Date()
    inherit_cache = True


@compiles(month_of)
def _month_of_default(element, compiler, **kw):
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_of, "sqlite")
def _month_of_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


def _rows_of(which):
    """SELECT of the study_month rows of the counted sessions matching `which`."""
    held = (
        select(StudySession.branch_id, month_of(StudySession.held_on).label("month"), StudySession.session_type,
               StudySession.held_on, *attendance_counts())
        .where(StudySession.deleted_at.is_(None), StudySession.status.in_(COUNTED), which)
        .subquery("held")
    )
    return (select(held.c.branch_id, held.c.month, held.c.session_type, func.count(), func.min(held.c.held_on),
                   func.max(held.c.held_on),
                   func.sum(held.c.expected), func.sum(held.c.present))
            .group_by(held.c.branch_id, held.c.month, held.c.session_type))


_COLUMNS = ["branch_id", "month", "session_type", "sessions", "first_held_on", "last_held_on", "expected", "present"]


def refresh(connection, keys: Iterable[tuple[int, object]] | None) -> None:
    """Write again the rows of these (branch id, first of month) pairs; all rows when None.
    The bureau's monthly totals (StudyMonthTotal) change by what the rows' sessions did."""
    table = StudyMonth.__table__
    if keys is None:
        connection.execute(delete(table))
        connection.execute(table.insert().from_select(_COLUMNS, _rows_of(true())))
        _total_again(connection)
        return
    keys = sorted(keys)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        rows = or_(*[and_(table.c.branch_id == branch_id, table.c.month == month) for branch_id, month in chunk])
        which = or_(*[and_(StudySession.branch_id == branch_id, StudySession.held_on >= month,
                           StudySession.held_on < add_months(month, 1)) for branch_id, month in chunk])

        def write_again(rows=rows, which=which):
            connection.execute(delete(table).where(rows))
            connection.execute(table.insert().from_select(_COLUMNS, _rows_of(which)))
        _totalled(connection, rows, write_again)


def _sums(connection, rows) -> dict:
    """{(month, session type): sessions} of the study_month rows `rows` selects."""
    table = StudyMonth.__table__
    return {(month, kind): n for month, kind, n in connection.execute(
        select(table.c.month, table.c.session_type, func.sum(table.c.sessions)).where(rows)
        .group_by(table.c.month, table.c.session_type))}


def _totalled(connection, rows, write) -> None:
    """`write()` changes the study_month rows `rows` selects; the totals change by as much.
    Added, not written again: two transactions writing other branches' rows of the same
    month each add their own change (the row's lock orders them), where a sum written again
    would miss the other's rows."""
    before = _sums(connection, rows)
    write()
    after = _sums(connection, rows)
    change = sorted((key, after.get(key, 0) - before.get(key, 0)) for key in before.keys() | after.keys())
    change = [(key, n) for key, n in change if n]
    if not change:
        return
    table = StudyMonthTotal.__table__
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values([{"month": month, "session_type": kind, "sessions": n} for (month, kind), n in change])
    connection.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.month, table.c.session_type],
        set_={"sessions": table.c.sessions + stmt.excluded.sessions}))


def _total_again(connection) -> None:
    """Every total written again from the study_month rows."""
    table, months = StudyMonthTotal.__table__, StudyMonth.__table__
    connection.execute(delete(table))
    connection.execute(table.insert().from_select(
        ["month", "session_type", "sessions"],
        select(months.c.month, months.c.session_type, func.sum(months.c.sessions))
        .group_by(months.c.month, months.c.session_type)))


def refresh_sessions(connection, session_ids: Iterable[int]) -> None:
    """Write again the rows of the months these sessions are held in."""
    ids = sorted(set(session_ids))
    if ids:
        refresh(connection, {(b, m.replace(day=1)) for b, m in connection.execute(
            select(StudySession.branch_id, StudySession.held_on).where(StudySession.id.in_(ids)))})


def rebuild() -> None:
    """Every study_month row written again from the sessions, in the current transaction."""
    refresh(db.session.connection(), None)


@contextmanager
def writing_attendance_of(session: Session, session_ids: Iterable[int]):
    """Bulk writes to the attendance of these sessions only: their months are written again
    after them, instead of every month."""
    ids = list(session_ids)
    was = session.info.get(OFF)
    session.info[OFF] = True
    try:
        yield
    finally:
        if was is None:
            session.info.pop(OFF)
    refresh_sessions(session.connection(), ids)


def _values(obj, name: str) -> set:
    """The attribute's value now and before this flush changed it."""
    history = inspect(obj).attrs[name].history
    return {v for v in (getattr(obj, name), *history.deleted) if v is not None}


@event.listens_for(Session, "before_flush")
def _drop_rows_of_removed_branches(session, _context, _instances) -> None:
    """A branch removed for good (never by the application, which deletes softly; a test or
    a repair may) first loses its rows, which refer to it."""
    removed = sorted(obj.id for obj in session.deleted if isinstance(obj, Branch) and obj.id is not None)
    if removed:
        connection, rows = session.connection(), StudyMonth.branch_id.in_(removed)
        _totalled(connection, rows, lambda: connection.execute(delete(StudyMonth.__table__).where(rows)))


@event.listens_for(Session, "after_flush")
def _keep_study_months(session, _context) -> None:
    if session.info.get(OFF):
        return
    keys, session_ids = set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, StudySession):
            keys.update((b, day.replace(day=1)) for b in _values(obj, "branch_id") for day in _values(obj, "held_on"))
        elif isinstance(obj, Attendance):
            session_ids.update(_values(obj, "session_id"))
    if keys or session_ids:
        connection = session.connection()
        if session_ids:
            keys.update((b, day.replace(day=1)) for b, day in connection.execute(
                select(StudySession.branch_id, StudySession.held_on).where(StudySession.id.in_(sorted(session_ids)))))
        refresh(connection, keys)


_SOURCES = frozenset({StudySession.__table__, Attendance.__table__})


@event.listens_for(Session, "do_orm_execute")
def _keep_study_months_on_bulk_writes(state):
    """A bulk INSERT, UPDATE or DELETE of sessions or attendance names no rows the flush
    could see: every row is written again after it (rare: data loads and repairs)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if getattr(state.statement, "table", None) not in _SOURCES or state.session.info.get(OFF):
        return None
    result = state.invoke_statement()
    refresh(state.session.connection(), None)
    return result


@click.group("study", help="The stored monthly counts of study sessions.")
def study_cli():
    pass


@study_cli.command("rebuild")
@with_appcontext
def rebuild_command():
    """Write every month's counted sessions and attendance again from the sessions (after a
    bulk load that bypassed the application, or to repair)."""
    rebuild()
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(StudyMonth))
    click.echo(f"{count} study months written")
