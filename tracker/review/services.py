"""The steps of the review workflow. Each checks the step is allowed from the record's
status, changes it, and records the step in the record's history. Views commit."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock, records
from tracker import permissions as perm
from tracker.extensions import db
from tracker.history.services import record

#: step -> (statuses it may start from, status it leads to)
STEPS = {
    "submit": (("draft", "returned"), "submitted"),
    "approve": (("submitted",), "reviewed"),
    "return": (("submitted",), "returned"),
    "reopen": (("reviewed",), "returned"),
    # the author takes a record back before anyone reviewed it
    "withdraw": (("submitted",), "draft"),
}


def _step(obj, step: str, comment: str = "", version: int | None = None) -> None:
    records.check_version(obj, version)
    starts, target = STEPS[step]
    if obj.status not in starts:
        raise records.Invalid(None, _("This record cannot be changed that way in its current state."))
    before = obj.status
    obj.status = target
    now = clock.now()
    if step == "submit":
        obj.submitted_at = now
    elif step in ("approve", "return"):
        obj.reviewed_at = now
        obj.reviewed_by_id = current_user.id
    self_approved = step == "approve" and perm.is_party_to(current_user, obj)
    obj.self_approved = self_approved
    if step in ("return", "reopen", "approve"):
        obj.review_comment = comment
    db.session.flush()
    changes = {"status": (before, target)}
    if comment:
        changes["comment"] = ("", comment)
    if self_approved:
        changes["self_approved"] = (False, True)
    record(obj, step, changes)


def submit(obj, version: int | None = None) -> None:
    _step(obj, "submit", version=version)


def withdraw(obj, version: int | None = None) -> None:
    _step(obj, "withdraw", version=version)


def approve(obj, comment: str = "", version: int | None = None) -> None:
    _step(obj, "approve", comment, version)


def return_to_author(obj, comment: str, version: int | None = None) -> None:
    if not comment.strip():
        raise records.Invalid("comment", _("Say what needs changing before returning the record."))
    _step(obj, "return", comment.strip(), version)


def reopen(obj, reason: str, version: int | None = None) -> None:
    if not reason.strip():
        raise records.Invalid("comment", _("Give a reason for reopening the record."))
    _step(obj, "reopen", reason.strip(), version)
