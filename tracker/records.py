"""The write path every record shares: create, update with a version check, soft delete,
undelete, each recorded in history. Services of the features build on these; views commit."""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from tracker import clock
from tracker.extensions import db
from tracker.history.services import jsonable, record


class Conflict(Exception):
    """The record changed since the form was opened; nothing was written."""

    def __init__(self, current):
        super().__init__("record changed since the form was opened")
        self.current = current


class Invalid(Exception):
    """A rule that needs the database said no; `field` names the form field to blame."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def apply(obj, data: dict) -> dict:
    """Set the attributes in `data` on `obj`; return {name: (before, after)} of real changes."""
    changes = {}
    for name, value in data.items():
        before = getattr(obj, name)
        if jsonable(before) != jsonable(value):
            changes[name] = (before, value)
            setattr(obj, name, value)
    return changes


def create(model, data: dict, *, action: str = "create"):
    obj = model(**data)
    db.session.add(obj)
    db.session.flush()
    record(obj, action, {k: (None, v) for k, v in data.items() if v not in (None, "", [])})
    return obj


def check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(obj)


def update(obj, data: dict, expected_version: int | None, *, extra: dict | None = None) -> dict:
    """Apply `data` if `obj` is still at `expected_version`; record what changed."""
    check_version(obj, expected_version)
    changes = apply(obj, data)
    changes.update(extra or {})
    if changes:
        db.session.flush()
        record(obj, "update", changes)
    return changes


def soft_delete(obj, reason: str = "", withdrawn: list[tuple[str, int]] | None = None) -> None:
    """Delete softly; `reason` and what it `withdrew` (approved_dependents) go to history."""
    if obj.deleted_at is None:
        obj.deleted_at = clock.now()
        db.session.flush()
        changes = {"reason": (None, reason)} if reason else {}
        if withdrawn:
            changes["withdrawn"] = (None, [f"{label}: {n}" for label, n in withdrawn])
        record(obj, "delete", changes)


# Records that submitted or reviewed records depend on ------------------------------------
# A dispatch with talks, a person with talks or attendance, a branch with sessions… The
# features holding the dependent records (talks, study) register a counter per record type;
# the lower features that delete ask here without importing the higher ones.
_DEPENDENTS: dict[str, list] = {}


def dependents_of(table: str):
    """Register `count(obj) -> [(label, n)]` of submitted or reviewed records that depend
    on a record of `table` (the ledger shows them)."""
    def register(count):
        _DEPENDENTS.setdefault(table, []).append(count)
        return count
    return register


def approved_dependents(obj) -> list[tuple[str, int]]:
    """[(label, how many)] of the submitted or reviewed records that depend on `obj`."""
    return [(label, n) for count in _DEPENDENTS.get(obj.__tablename__, ()) for label, n in count(obj) if n]


#: per table, the counters of `dependents_of` asked of many records at once (`depended_on`)
_DEPENDED_ON: dict[str, list] = {}


def depended_on(table: str):
    """Register `which(ids) -> the ids, of those records of `table`, that submitted or reviewed
    records depend on`: the same answer as a counter of `dependents_of` for `table`, in one
    query for a page that lists many records (each table's counters need both forms)."""
    def register(which):
        _DEPENDED_ON.setdefault(table, []).append(which)
        return which
    return register


def with_approved_dependents(table: str, ids) -> set[int]:
    """The ids, of `ids` (records of `table`), that `approved_dependents` would find
    dependents of: one query per feature that counts them, not one per record."""
    if len(_DEPENDED_ON.get(table, ())) != len(_DEPENDENTS.get(table, ())):
        raise LookupError(f"the dependents of {table} are counted record by record only")
    ids = sorted(ids)
    return {found for which in _DEPENDED_ON.get(table, ()) for found in which(ids)} if ids else set()


def undelete(obj) -> None:
    if obj.deleted_at is not None:
        obj.deleted_at = None
        db.session.flush()
        # history rows keep the action's stored name, shown as "restored"
        record(obj, "restore")


# Children and links are part of their owner's version -----------------------------------
# An edit that changes only a session's attendance, a project's checkpoints, a branch's
# projects or members, or a talk's checklist writes no column of the owner, so the owner's
# version would not move and a second save from the same loaded version would silently win.
# Models declare what belongs to them; one hook bumps the owner's version (an UPDATE with
# the database's version check) whenever such rows change, whichever service changed them.
#   child model:  __version_owner__ = "relationship to the owner"
#   owner model:  __version_links__ = ("many-to-many collection", …)
def _owner_of(session, obj, name: str):
    owner = getattr(obj, name, None)
    if owner is None:
        # a row taken out of its owner's collection no longer points to it
        deleted = inspect(obj).attrs[name].history.deleted
        owner = deleted[0] if deleted else None
    if owner is None:
        # a new row given only its owner's id
        relation = inspect(type(obj)).relationships[name]
        (column,) = relation.local_columns
        owner_id = getattr(obj, inspect(type(obj)).get_property_by_column(column).key)
        owner = session.get(relation.mapper.class_, owner_id) if owner_id is not None else None
    return owner


def changed_owners(session) -> set:
    owners = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        name = getattr(type(obj), "__version_owner__", None)
        if name and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
            if (owner := _owner_of(session, obj, name)) is not None:
                owners.add(owner)
    for obj in session.dirty:
        links = getattr(type(obj), "__version_links__", ())
        if any(inspect(obj).attrs[name].history.has_changes() for name in links):
            owners.add(obj)
    return {o for o in owners if o not in session.new and o not in session.deleted}


@event.listens_for(Session, "before_flush")
def _bump_owner_versions(session, _context, _instances) -> None:
    for owner in changed_owners(session):
        owner.updated_at = clock.now()
        # even when the time is unchanged: the UPDATE … SET version = n + 1 WHERE version = n
        # is the point
        flag_modified(owner, "updated_at")
