"""The kept count of live party members (tracker.kept_counts, name "party_member": people with
deleted_at NULL and a party_status other than "none"), which the bureau's points table reads
on every page instead of counting the person table: changed in the flush of every ORM write
that adds, deletes for good, deletes softly, restores a person or changes their party status;
counted again after a bulk write to the person table run through a session; `flask people
recount` counts it again (after writes that bypass the application).
tests/test_people_counting.py compares it with a count after random writes."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from tracker import kept_counts
from tracker.extensions import db
from tracker.people.models import Person

NAME = "party_member"
_NOT_A_MEMBER = "none"


def _before(obj, attr: str):
    history = getattr(inspect(obj).attrs, attr).history
    before = history.deleted if history.has_changes() else history.unchanged
    return before[0] if before else None


def _was_counted(obj) -> bool:
    return _before(obj, "deleted_at") is None and _before(obj, "party_status") != _NOT_A_MEMBER


def _is_counted(obj) -> bool:
    return obj.deleted_at is None and obj.party_status != _NOT_A_MEMBER


def _change(session: Session) -> int:
    change = 0
    for obj in session.new:
        if isinstance(obj, Person):
            change += _is_counted(obj)
    for obj in session.deleted:
        if isinstance(obj, Person):
            change -= _was_counted(obj)
    for obj in session.dirty:
        if isinstance(obj, Person):
            attrs = inspect(obj).attrs
            if attrs.deleted_at.history.has_changes() or attrs.party_status.history.has_changes():
                change += _is_counted(obj) - _was_counted(obj)
    return change


@event.listens_for(Session, "after_flush")
def _keep_count(session: Session, _context) -> None:
    kept_counts.add(session.connection(), NAME, _change(session))


# the values before a change are what the count's change is made of: load them if they are not
@event.listens_for(Person.deleted_at, "set", active_history=True)
def _load_deleted_at_before_setting(target, value, oldvalue, initiator):
    return value


@event.listens_for(Person.party_status, "set", active_history=True)
def _load_party_status_before_setting(target, value, oldvalue, initiator):
    return value


_PERSON = frozenset({Person.__table__})  # an ORM statement's table is an annotated copy, equal to it


@event.listens_for(Session, "do_orm_execute")
def _recount_after_bulk_writes(state):
    """A bulk INSERT, UPDATE or DELETE of people through the session (a data load) names no
    rows the flush sees: the count is made again."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if getattr(state.statement, "table", None) not in _PERSON:
        return None
    result = state.invoke_statement()
    recount(state.session.connection())
    return result


def counted():
    """A SELECT of the count itself, from the person table."""
    return select(func.count()).select_from(Person).where(Person.deleted_at.is_(None),
                                                           Person.party_status != _NOT_A_MEMBER)


def recount(connection) -> int:
    """The count of live party members written whole again; the count."""
    return kept_counts.write(connection, NAME, counted())


@click.command("recount")
@with_appcontext
def recount_command():
    """Count the live party members again (after writes that bypassed the application)."""
    n = recount(db.session.connection())
    db.session.commit()
    click.echo(f"{n} live party members")
