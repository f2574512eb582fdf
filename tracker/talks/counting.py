"""The kept count of live talks (tracker.kept_counts, name "talk"), which the talks list
shows on every page: changed in the flush of every ORM write that adds, deletes for good,
deletes softly or restores a talk; counted again after a bulk write to the talk table run
through a session; `flask talks recount` counts it again (after writes that bypass the
application). tests/test_due_stored.py compares it with a count after random writes."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from tracker import kept_counts
from tracker.extensions import db
from tracker.talks.models import Talk

NAME = "talk"


def _was_live(obj) -> bool:
    history = inspect(obj).attrs.deleted_at.history
    before = history.deleted if history.has_changes() else history.unchanged
    return not before or before[0] is None


def _change(session: Session) -> int:
    change = 0
    for obj in session.new:
        if isinstance(obj, Talk) and obj.deleted_at is None:
            change += 1
    for obj in session.deleted:
        if isinstance(obj, Talk) and _was_live(obj):
            change -= 1
    for obj in session.dirty:
        if isinstance(obj, Talk) and inspect(obj).attrs.deleted_at.history.has_changes():
            change += (obj.deleted_at is None) - _was_live(obj)
    return change


@event.listens_for(Session, "after_flush")
def _keep_count(session: Session, _context) -> None:
    kept_counts.add(session.connection(), NAME, _change(session))


# the value before a change is what the count's change is made of: load it if it is not
@event.listens_for(Talk.deleted_at, "set", active_history=True)
def _load_before_setting(target, value, oldvalue, initiator):
    return value


_TALK = frozenset({Talk.__table__})  # an ORM statement's table is an annotated copy, equal to it


@event.listens_for(Session, "do_orm_execute")
def _recount_after_bulk_writes(state):
    """A bulk INSERT, UPDATE or DELETE of talks through the session (a data load, the
    confirmation's guarded UPDATE) names no rows the flush sees: the count is made again."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if getattr(state.statement, "table", None) not in _TALK:
        return None
    result = state.invoke_statement()
    recount(state.session.connection())
    return result


def recount(connection) -> int:
    """The count of live talks written whole again; the count."""
    return kept_counts.write(connection, NAME, select(func.count()).select_from(Talk).where(Talk.deleted_at.is_(None)))


@click.command("recount")
@with_appcontext
def recount_command():
    """Count the live talks again (after writes that bypassed the application)."""
    n = recount(db.session.connection())
    db.session.commit()
    click.echo(f"{n} live talks")
