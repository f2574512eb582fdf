"""Writes to manual points items. Rules that need the database raise records.Invalid with the
field to blame; the evidence file is checked by content (tracker.study.uploads)."""
from __future__ import annotations

from flask_babel import gettext as _

from tracker import clock, records
from tracker.points import scheme as schemes
from tracker.points.models import PointsEntry
from tracker.review import services as review
from tracker.study import uploads
from tracker.study.storage import get_store


def _validate(data: dict) -> None:
    day = data["occurred_on"]
    if day > clock.today():
        raise records.Invalid("occurred_on", _("The date cannot be in the future."))
    governing = schemes.governing(day.year)
    manual = {i.code for i in governing.items if i.source == "manual"} if governing else set()
    if data["item_code"] not in manual:
        raise records.Invalid("item_code", _("The points scheme of %(year)s has no such manual item.",
                                             year=day.year))


def _evidence(upload) -> dict:
    """The checked file stored, as the entry's evidence columns; {} when none was sent."""
    if upload is None or not getattr(upload, "filename", ""):
        return {}
    try:
        checked = uploads.check(upload.stream, upload.filename)
    except uploads.Rejected as exc:
        raise records.Invalid("evidence", exc.message) from exc
    key = get_store().save(checked.data, "." + checked.filename.rsplit(".", 1)[-1])
    return {"evidence_key": key, "evidence_name": checked.filename, "evidence_type": checked.content_type}


def create_entry(data: dict, upload, author) -> PointsEntry:
    _validate(data)
    evidence = _evidence(upload)
    if not evidence:
        raise records.Invalid("evidence", _("Attach the evidence: a photo, PDF, Word or Excel file."))
    return records.create(PointsEntry, {**data, **evidence, "author_id": author.id})


def update_entry(entry: PointsEntry, data: dict, upload, version: int | None) -> PointsEntry:
    records.check_version(entry, version)
    if entry.is_locked:
        raise records.Invalid(None, _("This record is locked while it is in review. Reopen it to change it."))
    _validate(data)
    records.update(entry, {**data, **_evidence(upload)}, version)
    return entry


def claim(data: dict, upload, member) -> PointsEntry:
    """A member's own claim: an entry for their person, sent for review at once (the review
    is the same as for a leader's entry; only reviewed items count)."""
    entry = create_entry({**data, "person_id": member.person_id}, upload, member)
    review.submit(entry)
    return entry


def resend_claim(entry: PointsEntry, data: dict, upload, version: int | None) -> PointsEntry:
    """A returned (or withdrawn) claim changed and sent for review again."""
    update_entry(entry, {**data, "person_id": entry.person_id}, upload, version)
    review.submit(entry)
    return entry
