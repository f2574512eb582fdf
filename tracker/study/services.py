"""Writes to study sessions: the record with its attendance and files, each change in the
session's history. Review steps go through tracker.review.services. Views commit."""
from __future__ import annotations

import datetime as dt

from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock, records
from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.history.services import record
from tracker.study.models import Attachment, Attendance, StudySession
from tracker.study.storage import get_store


def members_on(branch: Branch, day: dt.date):
    """The people who were members of the branch on that day, in pinyin order of their names."""
    return sorted((
        m.person for m in branch.memberships
        if m.deleted_at is None and m.person.deleted_at is None and m.current_on(day)
    ), key=lambda person: (person.name_pinyin, person.id))


def members_off(branch: Branch, day: dt.date) -> list[tuple[str, str, dt.date]]:
    """Members of the branch left off that day's roster: (name, "joined" or "left", the date),
    so the form can say why someone the user expected is not listed."""
    off = []
    for m in branch.memberships:
        if m.deleted_at is not None or m.person.deleted_at is not None or m.current_on(day):
            continue
        if day < m.joined_on:
            off.append((m.person.name, "joined", m.joined_on))
        elif m.left_on is not None:
            off.append((m.person.name, "left", m.left_on))
    return off


def check_branch_day(branch: Branch, day: dt.date) -> None:
    """A session can only be held on a day the branch was active."""
    if branch.deleted_at is not None:
        raise records.Invalid("branch_id", _("This branch was deleted."))
    if branch.status == "proposed":
        raise records.Invalid("branch_id", _("This branch is not approved yet, so it cannot hold sessions."))
    if day < branch.approval_date:
        raise records.Invalid("held_on", _("The branch was approved on %(day)s; it held no sessions before.",
                                           day=format_date(branch.approval_date)))
    if branch.dissolved_on and day > branch.dissolved_on:
        raise records.Invalid("held_on", _("The branch was dissolved on %(day)s; it held no sessions after.",
                                           day=format_date(branch.dissolved_on)))
    if day > clock.today():
        raise records.Invalid("held_on", _("The date cannot be in the future."))


def _summary(rows) -> list[str]:
    return [f"{name}: {status}" + (f" ({reason})" if reason else "") for name, status, reason in rows]


def _set_attendance(study_session: StudySession, rows) -> dict:
    """Make the attendance match the rows; {"attendance": (before, after)} if it changed."""
    before = _summary((a.person.name, a.status, a.reason) for a in study_session.attendance)
    by_person = {a.person_id: a for a in study_session.attendance}
    wanted = {row.person_id for row in rows}
    for a in list(study_session.attendance):
        if a.person_id not in wanted:
            study_session.attendance.remove(a)
    for row in rows:
        a = by_person.get(row.person_id)
        reason = row.reason if row.status != "present" else ""
        if a is None:
            study_session.attendance.append(Attendance(person_id=row.person_id, status=row.status, reason=reason))
        else:
            a.status, a.reason = row.status, reason
    after = _summary((row.name, row.status, row.reason if row.status != "present" else "") for row in rows)
    return {"attendance": (before, after)} if before != after else {}


def _attach(study_session: StudySession, files) -> None:
    store = get_store()
    for f in files:
        suffix = "." + f.filename.rsplit(".", 1)[-1]
        attachment = Attachment(
            session_id=study_session.id,
            key=store.save(f.data, suffix),
            thumbnail_key=store.save(f.thumbnail, ".jpg") if f.thumbnail else None,
            filename=f.filename,
            content_type=f.content_type,
            size=len(f.data),
            created_at=clock.now(),
            created_by_id=current_user.id if current_user.is_authenticated else None,
        )
        db.session.add(attachment)
        db.session.flush()
        record(study_session, "update", {"attachment": (None, f.filename)})


def create_session(branch: Branch, data: dict, rows, files=()) -> StudySession:
    check_branch_day(branch, data["held_on"])
    study_session = records.create(StudySession, {
        **data, "branch_id": branch.id,
        "author_id": current_user.id if current_user.is_authenticated else None,
    })
    if changes := _set_attendance(study_session, rows):
        db.session.flush()
        record(study_session, "update", changes)
    _attach(study_session, files)
    return study_session


def update_session(study_session: StudySession, data: dict, rows, version: int | None, files=()) -> StudySession:
    records.check_version(study_session, version)
    if study_session.is_locked:
        raise records.Invalid(None, _("This session is locked while it is under review or reviewed."))
    check_branch_day(study_session.branch, data["held_on"])
    extra = _set_attendance(study_session, rows)
    records.update(study_session, data, version, extra=extra)
    _attach(study_session, files)
    return study_session


def remove_attachment(attachment: Attachment) -> None:
    """Take the file off the session. The bytes stay in the store, named in the history."""
    study_session = attachment.session
    if study_session.is_locked:
        raise records.Invalid(None, _("This session is locked while it is under review or reviewed."))
    attachment.deleted_at = clock.now()
    study_session.updated_at = clock.now()
    db.session.flush()
    record(study_session, "update", {"attachment": (attachment.filename, None)})
