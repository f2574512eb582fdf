"""The write path every record shares: create, update with a version check, soft delete,
restore, each recorded in history. Services of the features build on these; views commit."""
from __future__ import annotations

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


def soft_delete(obj) -> None:
    if obj.deleted_at is None:
        obj.deleted_at = clock.now()
        db.session.flush()
        record(obj, "delete")


def restore(obj) -> None:
    if obj.deleted_at is not None:
        obj.deleted_at = None
        db.session.flush()
        record(obj, "restore")
