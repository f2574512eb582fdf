"""Keeps the due_talk and due_checkpoint rows (tracker/due/models.py) in step with what they
derive from, in the transaction that changes it.

Every ORM write goes through a flush; after it, the dispatches touched by the flush — a
dispatch added, edited or deleted; a talk added, edited, withdrawn or deleted (its dispatch,
and its former one when it moved); a person or project deleted or restored (their dispatches)
— have their rows deleted and written again from the tables by one INSERT … SELECT; so have
the projects touched — a project added, re-dated, deleted or restored; a checkpoint added,
edited or deleted (its project, and its former one when it moved). The rows each DELETE and
INSERT returns change the counts kept by lag and by date (tracker/due/kept.py) by as much.
The same statements without a condition are `flask due rebuild`, for writes that bypass the
ORM (bulk loads such as `bench fill`) or a repair.
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import (
    Integer,
    String,
    and_,
    delete,
    event,
    false,
    func,
    inspect,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from tracker import kept_counts
from tracker.dispatches.models import Dispatch
from tracker.due import kept
from tracker.due import sql as due_sql
from tracker.due.models import DueCheckpoint, DueTalk
from tracker.due.rules import CHECKPOINT_KINDS
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import IntegrityCheckpoint, Project
from tracker.talks.models import Talk

#: the kept count of every due_talk row (tracker.kept_counts)
KEPT_COUNT = "due_talk"
#: due talk kind -> (the talk type that fulfils it, the dispatch date its due day counts from)
TALK_KINDS = {"pre_talk": ("pre_dispatch", "departure_date"), "post_talk": ("post_dispatch", "return_date")}


def _rows_of(kind: str, which):
    """SELECT of the due_talk rows of `kind` for the live dispatches matching `which`."""
    talk_type, base_column = TALK_KINDS[kind]
    base = getattr(Dispatch, base_column)
    talk = aliased(Talk)
    first_talk = (
        select(Talk.id)
        .where(Talk.dispatch_id == Dispatch.id, Talk.talk_type == talk_type, Talk.deleted_at.is_(None))
        .order_by(Talk.talk_date, Talk.id)
        .limit(1)
        .correlate(Dispatch)
        .scalar_subquery()
    )
    return (
        select(Dispatch.id, literal_column(f"'{kind}'", String), Dispatch.project_id, Dispatch.person_id,
               base, talk.id, talk.talk_date,
               due_sql.days_between(base, talk.talk_date).cast(Integer))
        .select_from(Dispatch)
        .join(Person, Person.id == Dispatch.person_id)
        .join(Project, Project.id == Dispatch.project_id)
        .outerjoin(talk, talk.id == first_talk)
        .where(Dispatch.deleted_at.is_(None), Person.deleted_at.is_(None), Project.deleted_at.is_(None), which)
    )


_COLUMNS = ["dispatch_id", "kind", "project_id", "person_id", "base_on", "talk_id", "done_on", "done_lag"]


def refresh(connection, dispatch_ids=(), person_ids=(), project_ids=()) -> None:
    """Write again the due_talk rows of these dispatches and of every dispatch of these
    people and projects; all rows when all three are None."""
    if dispatch_ids is None:
        which = true()
    else:
        which = or_(false(), *[column.in_(sorted(ids)) for column, ids in (
            (Dispatch.id, dispatch_ids), (Dispatch.person_id, person_ids),
            (Dispatch.project_id, project_ids)) if ids])
    table = DueTalk.__table__
    if dispatch_ids is None:
        connection.execute(delete(table))
        for kind in TALK_KINDS:
            connection.execute(table.insert().from_select(_COLUMNS, _rows_of(kind, which)))
        # the count of every row, which the talks due list reads instead of counting the table,
        # and the rows counted by lag and date (tracker.due.kept)
        kept_counts.write(connection, KEPT_COUNT, select(func.count()).select_from(table))
        kept.write_again(connection, table, TALK_KINDS)
        return
    affected = select(Dispatch.id).where(which)
    rows = or_(table.c.dispatch_id.in_(affected), table.c.dispatch_id.in_(sorted(dispatch_ids)))
    # the rows removed and written, returned: what the kept counts change by
    removed = connection.execute(delete(table).where(rows).returning(*kept.returned(table))).all()
    written = [row for kind in TALK_KINDS for row in connection.execute(
        table.insert().from_select(_COLUMNS, _rows_of(kind, which)).returning(*kept.returned(table)))]
    kept_counts.add(connection, KEPT_COUNT, len(written) - len(removed))
    kept.changed(connection, removed, written)


def _checkpoint_rows_of(kind: str, which):
    """SELECT of the due_checkpoint rows of `kind` for the live projects matching `which`:
    done is the day recorded on the project's checkpoint of that kind (none, or none
    recorded: open)."""
    done = IntegrityCheckpoint.__table__
    base = due_sql.checkpoint_base_on(kind, Project.start_date, Project.end_date)
    return (
        select(Project.id, literal_column(f"'{kind}'", String), base, done.c.done_on,
               due_sql.days_between(base, done.c.done_on).cast(Integer))
        .select_from(Project)
        .outerjoin(done, and_(done.c.project_id == Project.id, done.c.kind == kind))
        .where(Project.deleted_at.is_(None), which)
    )


_CHECKPOINT_COLUMNS = ["project_id", "kind", "base_on", "done_on", "done_lag"]


def refresh_checkpoints(connection, project_ids=()) -> None:
    """Write again the due_checkpoint rows of these projects; all rows when None."""
    table = DueCheckpoint.__table__
    if project_ids is None:
        connection.execute(delete(table))
        connection.execute(table.insert().from_select(_CHECKPOINT_COLUMNS, _every_checkpoint_row(true())))
        kept.write_again(connection, table, CHECKPOINT_KINDS)
        return
    if not project_ids:
        return
    which = Project.id.in_(sorted(project_ids))
    # one statement for the five kinds: a project's write costs two round trips; the rows
    # removed and written, returned: what the kept counts change by (tracker.due.kept)
    removed = connection.execute(delete(table).where(table.c.project_id.in_(sorted(project_ids)))
                                 .returning(*kept.returned(table))).all()
    written = connection.execute(table.insert().from_select(_CHECKPOINT_COLUMNS, _every_checkpoint_row(which))
                                 .returning(*kept.returned(table))).all()
    kept.changed(connection, removed, written)


def _every_checkpoint_row(which):
    return union_all(*[_checkpoint_rows_of(kind, which) for kind in CHECKPOINT_KINDS])


def rebuild() -> None:
    """Every due_talk and due_checkpoint row written again from the tables, in the current
    transaction."""
    refresh(db.session.connection(), None)
    refresh_checkpoints(db.session.connection(), None)


def _changed(obj, name: str) -> bool:
    return inspect(obj).attrs[name].history.has_changes()


@event.listens_for(Session, "before_flush")
def _drop_rows_of_removed_records(session, _context, _instances) -> None:
    """A dispatch removed for good (never by the application, which deletes softly; a test or
    a repair may) first loses its due talks, which refer to it."""
    removed = sorted(obj.id for obj in session.deleted if isinstance(obj, Dispatch) and obj.id is not None)
    if removed:
        connection, table = session.connection(), DueTalk.__table__
        gone = connection.execute(delete(table).where(table.c.dispatch_id.in_(removed))
                                  .returning(*kept.returned(table))).all()
        kept_counts.add(connection, KEPT_COUNT, -len(gone))
        kept.changed(connection, gone, ())
    # so does a project its due checkpoints
    projects = sorted(obj.id for obj in session.deleted if isinstance(obj, Project) and obj.id is not None)
    if projects:
        connection, table = session.connection(), DueCheckpoint.__table__
        gone = connection.execute(delete(table).where(table.c.project_id.in_(projects))
                                  .returning(*kept.returned(table))).all()
        kept.changed(connection, gone, ())


@event.listens_for(Session, "after_flush")
def _keep_due_talks(session, _context) -> None:
    if session.info.get("due_upkeep_off"):
        return
    dispatches, people, projects, checkpoints_of = set(), set(), set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Dispatch):
            dispatches.add(obj.id)
        elif isinstance(obj, Talk):
            history = inspect(obj).attrs.dispatch_id.history
            dispatches.update(d for d in (obj.dispatch_id, *history.deleted) if d is not None)
        elif isinstance(obj, Person) and obj not in session.new and _changed(obj, "deleted_at"):
            people.add(obj.id)
        elif isinstance(obj, Project):
            if obj in session.new or obj in session.deleted or any(
                    _changed(obj, name) for name in ("start_date", "end_date", "deleted_at")):
                checkpoints_of.add(obj.id)
            if obj not in session.new and _changed(obj, "deleted_at"):
                projects.add(obj.id)
        elif isinstance(obj, IntegrityCheckpoint) and (obj in session.new or obj in session.deleted or any(
                _changed(obj, name) for name in ("done_on", "kind", "project_id"))):  # not its note
            history = inspect(obj).attrs.project_id.history
            checkpoints_of.update(p for p in (obj.project_id, *history.deleted) if p is not None)
    dispatches.discard(None)
    checkpoints_of.discard(None)
    if dispatches or people or projects:
        refresh(session.connection(), dispatches, people, projects)
    if checkpoints_of:
        refresh_checkpoints(session.connection(), checkpoints_of)


_SOURCES = frozenset({Dispatch.__table__, Talk.__table__, Person.__table__, Project.__table__})
_CHECKPOINT_SOURCES = frozenset({Project.__table__, IntegrityCheckpoint.__table__})


@event.listens_for(Session, "do_orm_execute")
def _keep_due_talks_on_bulk_writes(state):
    """A bulk INSERT, UPDATE or DELETE of dispatches, talks, people, projects or checkpoints
    run through the session names no rows the flush could see: every due talk (checkpoint)
    is written again after it (rare: data loads and repairs), unless the session's info says
    `due_upkeep_off` (a loader that rebuilds once at its end)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    if table not in _SOURCES | _CHECKPOINT_SOURCES or state.session.info.get("due_upkeep_off"):
        return None
    result = state.invoke_statement()
    if table in _SOURCES:
        refresh(state.session.connection(), None)
    if table in _CHECKPOINT_SOURCES:
        refresh_checkpoints(state.session.connection(), None)
    return result


@click.group("due", help="The stored due talks and checkpoints.")
def due_cli():
    pass


@due_cli.command("rebuild")
@with_appcontext
def rebuild_command():
    """Write every due talk and checkpoint again from dispatches, talks, people, projects and
    checkpoints (after a bulk load that bypassed the application, or to repair)."""
    rebuild()
    db.session.commit()
    count = db.session.scalar(select(db.func.count()).select_from(DueTalk))
    checkpoints = db.session.scalar(select(db.func.count()).select_from(DueCheckpoint))
    click.echo(f"{count} due talks written, {checkpoints} due checkpoints written")
