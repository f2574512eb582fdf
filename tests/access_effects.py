"""What an allowed POST of the access table must have done (tests/test_access.py).

A POST answered 200 or 302 is not yet "allowed": a refused action also redirects, with a
message, and a delete first answers with a page that asks to confirm. So every POST row has
an Effect: the form it sends (to every role: the refused ones are refused with the same
form), what must hold before it (so a restore row names a deleted record), and what must
hold after it for a role that may use it, read from the database or the response.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tracker.extensions import db

#: what a delete button sends once confirmed: the confirmation, and a reason (needed when
#: submitted or reviewed records depend on the record)
CONFIRMED = {"confirmed": "yes", "reason": "access table: delete"}


@dataclass
class Outcome:
    """One POST of one role in the world of tests/test_access.py, and what came back."""

    world: dict
    role: str
    client: object
    response: object = None

    @property
    def ids(self) -> dict:
        return self.world["ids"]

    @property
    def user_id(self) -> int | None:
        user = self.world["users"].get(self.role)
        return user.id if user else None

    def record(self, model, key: str):
        obj = db.session.get(model, self.ids[key])
        assert obj is not None, (model.__name__, key)
        return obj


@dataclass
class Effect:
    after: Callable[[Outcome], None]
    before: Callable[[Outcome], None] = lambda outcome: None
    data: dict = field(default_factory=dict)
    #: how a role the row refuses is answered
    refused: int = 403


def deleted(model, key: str) -> Effect:
    def before(o):
        assert o.record(model, key).deleted_at is None, f"{key} is already deleted"

    def after(o):
        assert o.record(model, key).deleted_at is not None, f"{key} was not deleted"
    return Effect(after, before, CONFIRMED)


def undeleted(model, key: str, refused: int = 404) -> Effect:
    """A deleted record is restored. Refused with 404 by default: a deleted record is hidden
    from everyone but an admin (tracker.web.get_or_404), who alone restores."""
    def before(o):
        assert o.record(model, key).deleted_at is not None, f"{key} is not deleted: nothing to restore"

    def after(o):
        assert o.record(model, key).deleted_at is None, f"{key} was not restored"
    return Effect(after, before, refused=refused)


def status(model, key: str, start: str, end: str, data: dict | None = None) -> Effect:
    def before(o):
        assert o.record(model, key).status == start, (key, o.record(model, key).status)

    def after(o):
        assert o.record(model, key).status == end, (key, o.record(model, key).status, end)
    return Effect(after, before, data or {})


def download(content_type: str, magic: bytes) -> Effect:
    """A file answered at once: its type, and the first bytes of such a file."""
    def after(o):
        assert o.response.status_code == 200, o.response.status_code
        assert o.response.content_type.startswith(content_type), o.response.content_type
        assert o.response.get_data().startswith(magic)
    return Effect(after)
