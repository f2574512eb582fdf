"""History in people's words: the one formatter every history view uses.

History stores field names, ids and codes (they must not change when a label does); this
turns them into what a reader understands: the field's label in the reader's language,
names instead of ids, translated values, and no internal fields.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker import vocab
from tracker.db import Base
from tracker.extensions import db

#: bookkeeping nobody reads a record for
HIDDEN = frozenset({"version", "integrity_version_id", "author_id", "password_hash", "deleted_at",
                    "submitted_at", "reviewed_at", "reviewed_by_id", "calendar_token"})

LABELS = {
    "name": _l("Name"), "code": _l("Code"), "username": _l("Username"), "display_name": _l("Display name"),
    "enabled": _l("Enabled"), "roles": _l("Roles"), "person_id": _l("Person"), "project_id": _l("Project"),
    "branch_id": _l("Branch"), "dispatch_id": _l("Dispatch"), "team_leader_id": _l("Team leader"),
    "conducted_by_id": _l("Conducted by"), "recorder_id": _l("Recorder"), "recorder": _l("Recorder"),
    "status": _l("Status"), "comment": _l("Comment"), "party_status": _l("Party status"),
    "source": _l("Source"), "gender": _l("Gender"), "post": _l("Post"), "phone": _l("Phone"),
    "home_organisation": _l("Home organisation"), "joined_party_on": _l("Joined the party on"),
    "note": _l("Note"), "audited_entity": _l("Audited entity"), "project_type": _l("Project type"),
    "site": _l("Site"), "start_date": _l("Start date"), "end_date": _l("End date"),
    "departure_date": _l("Departure date"), "return_date": _l("Return date"),
    "approved_by": _l("Approved by"), "approval_date": _l("Approval date"),
    "dissolved_on": _l("Dissolved on"), "role": _l("Role in branch"), "joined_on": _l("Joined on"),
    "left_on": _l("Left on"), "projects": _l("Projects"), "not_applicable": _l("Not applicable"),
    "talk_type": _l("Talk type"), "talk_date": _l("Date"), "place": _l("Place"), "talk_form": _l("Form"),
    "key_points": _l("Key points"), "concerns": _l("Concerns raised"), "follow_up": _l("Follow-up"),
    "follow_up_due": _l("Follow-up due"), "integrity_items": _l("Integrity items covered"),
    "late_reason": _l("Why the talk was late"), "session_type": _l("Session type"), "held_on": _l("Date"),
    "start_time": _l("Start time"), "end_time": _l("End time"), "topic": _l("Topic"),
    "speaker": _l("Speaker"), "host": _l("Host"), "content": _l("Content"),
    "resolutions": _l("Resolutions and follow-ups"), "guests": _l("Guests"),
    "attendance": _l("Attendance"), "attachment": _l("Photos and documents"),
    "ledger": _l("Ledger format"), "period": _l("Period"), "records": _l("Records"),
    "branches": _l("Branches"), "calendar_feed": _l("Calendar feed"), "checkpoints": _l("Checkpoints"),
    "self_signed": _l("Signed in with the code"), "confirmation": _l("Confirmation"),
    "confirmation_comment": _l("Comment of the person talked with"),
}

#: (record type or None for any, field) -> {code: label}
VALUES: dict[tuple[str | None, str], dict] = {
    (None, "party_status"): vocab.PARTY_STATUSES, (None, "source"): vocab.SOURCES,
    (None, "gender"): vocab.GENDERS, (None, "role"): vocab.BRANCH_ROLES,
    (None, "project_type"): vocab.PROJECT_TYPES, (None, "talk_type"): vocab.TALK_TYPES,
    (None, "talk_form"): vocab.TALK_FORMS, (None, "session_type"): vocab.SESSION_TYPES,
    (None, "not_applicable"): vocab.SESSION_TYPES,
    ("project", "status"): vocab.PROJECT_STATUSES, ("branch", "status"): vocab.BRANCH_STATUSES,
    (None, "enabled"): {True: _l("Yes"), False: _l("No")},
    ("talk", "confirmation"): vocab.CONFIRMATIONS,
}
#: fields whose stored value is a list joined with "+" or ", " in one text
JOINED = {"records": "+", "not_applicable": " "}
_ATTENDANCE = re.compile(r"^(?P<name>.+): (?P<code>[a-z_]+)(?P<rest> \(.*\))?$")


def register_values(field: str, labels: dict, record_types: tuple[str, ...] = (None,)) -> None:
    """Let a feature name the values of one of its fields (e.g. review statuses)."""
    for record_type in record_types:
        VALUES[(record_type, field)] = labels


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def changes_of(entries) -> dict[int, list[Change]]:
    """{entry id: its changes as a reader sees them}, names looked up once for all entries."""
    names = _names(entries)
    out = {}
    for e in entries:
        rows = []
        for field, pair in (e.changes or {}).items():
            if field in HIDDEN or field.endswith("_hash"):
                continue
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            rows.append(Change(str(LABELS.get(field, field.replace("_", " ").capitalize())),
                               _value(e.record_type, field, before, names),
                               _value(e.record_type, field, after, names)))
        out[e.id] = rows
    return out


def _target(record_type: str, field: str):
    """The mapped class a `*_id` field of this record type points to, if any."""
    table = Base.metadata.tables.get(record_type)
    if table is None or field not in table.c:
        return None
    for fk in table.c[field].foreign_keys:
        for mapper in Base.registry.mappers:
            if mapper.local_table is fk.column.table:
                return mapper.class_
    return None


def _names(entries) -> dict[tuple[type, int], str]:
    wanted: dict[type, set[int]] = defaultdict(set)
    for e in entries:
        for field, pair in (e.changes or {}).items():
            if not field.endswith("_id") or field in HIDDEN:
                continue
            target = _target(e.record_type, field)
            if target is not None:
                wanted[target].update(v for v in (pair if isinstance(pair, list) else [pair]) if isinstance(v, int))
    names = {}
    for model, ids in wanted.items():
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            names[(model, obj.id)] = str(obj)
    return names


def _value(record_type: str, field: str, value, names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field.endswith("_id") and isinstance(value, int):
        target = _target(record_type, field)
        return names.get((target, value), "—") if target is not None else str(value)
    labels = VALUES.get((record_type, field)) or VALUES.get((None, field))
    if field == "attendance" and isinstance(value, list):
        return "; ".join(_attendance(v) for v in value)
    if isinstance(value, list):
        return ", ".join(_one(labels, v) for v in value)
    if field in JOINED and isinstance(value, str):
        labels = labels or VALUES.get(("review", "status"), {})
        return ", ".join(_one(labels, v) for v in value.split(JOINED[field]) if v) or "—"
    return _one(labels, value)


def _one(labels, value) -> str:
    if labels and value in labels:
        return str(labels[value])
    return str(value)


def _attendance(text) -> str:
    match = _ATTENDANCE.match(str(text))
    if not match or match["code"] not in vocab.ATTENDANCE:
        return str(text)
    return f"{match['name']}: {vocab.ATTENDANCE[match['code']]}{match['rest'] or ''}"
