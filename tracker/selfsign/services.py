"""A member signing themselves in to a session, and the roster the team leader watches.

The member's sign-in is bookkeeping beside the team leader's record: it sets
`Attendance.self_signed_at` (adding the attendance row, as present, when the leader has not
recorded the member yet) with plain statements, not the versioned ORM write, so a leader
whose edit form is open during the meeting is not told the session changed under them, and
their attendance entry never erases the time (the pages show both). A conditional UPDATE
and the (session, person) unique constraint make a double tap count once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_datetime, format_time
from flask_babel import gettext as _
from sqlalchemy import exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from tracker import access, clock
from tracker.extensions import db
from tracker.history.services import record
from tracker.study import upkeep as study_upkeep
from tracker.study.models import Attendance, StudySession
from tracker.study.services import members_on


class Refused(Exception):
    """Why the member cannot sign in, in words for them; `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def window(session: StudySession) -> tuple[dt.datetime, dt.datetime]:
    """From SELF_SIGN_IN_BEFORE_MINUTES before the start to SELF_SIGN_IN_AFTER_MINUTES after
    the end, the session's times read in the bureau's time zone."""
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    start = dt.datetime.combine(session.held_on, session.start_time, tz)
    end = dt.datetime.combine(session.held_on, session.end_time, tz)
    if end < start:  # a session running past midnight
        end += dt.timedelta(days=1)
    before = dt.timedelta(minutes=current_app.config["SELF_SIGN_IN_BEFORE_MINUTES"])
    after = dt.timedelta(minutes=current_app.config["SELF_SIGN_IN_AFTER_MINUTES"])
    return start - before, end + after


def is_open(session: StudySession) -> bool:
    opens, closes = window(session)
    return opens <= clock.now() <= closes


def signed_at(person_id: int, session: StudySession) -> dt.datetime | None:
    return db.session.scalar(select(Attendance.self_signed_at).where(
        Attendance.session_id == session.id, Attendance.person_id == person_id))


def check(user, session: StudySession) -> None:
    """Refused unless this user may sign themselves in to the session now."""
    if session.deleted_at is not None:
        raise Refused(_("This session was deleted."), 404)
    member = user.person_id is not None and db.session.scalar(select(
        access.member_on(user.person_id, session.branch_id, session.held_on)))
    if not member:
        raise Refused(_("You were not a member of %(branch)s on %(day)s, so you cannot sign in to "
                        "its session. Ask the team leader if this is wrong.",
                        branch=session.branch.name, day=format_date(session.held_on)), 403)
    if (at := signed_at(user.person_id, session)) is not None:
        raise Refused(_("You have already signed in to this session, at %(time)s.",
                        time=format_time(at, "HH:mm")), 409)
    if session.is_locked:
        raise Refused(_("The record of this session is under review or reviewed, so signing in "
                        "is closed. Ask the team leader."), 409)
    opens, closes = window(session)
    if not opens <= clock.now() <= closes:
        raise Refused(_("Signing in to this session is open from %(opens)s to %(closes)s.",
                        opens=format_datetime(opens, "short"), closes=format_datetime(closes, "short")))


def sign_in(user, session: StudySession) -> dt.datetime:
    """Mark the user's person present at the session, signed by themselves; the time."""
    check(user, session)
    now = clock.now()
    mine = (Attendance.session_id == session.id) & (Attendance.person_id == user.person_id)
    # the months' attendance counts of this session only are written again, not every month's
    with study_upkeep.writing_attendance_of(db.session, [session.id]):
        if db.session.scalar(select(exists().where(mine))):
            done = db.session.execute(update(Attendance).where(mine, Attendance.self_signed_at.is_(None))
                                      .values(self_signed_at=now)).rowcount
        else:
            try:
                with db.session.begin_nested():
                    db.session.execute(insert(Attendance).values(
                        session_id=session.id, person_id=user.person_id, status="present", reason="",
                        self_signed_at=now))
                done = 1
            except IntegrityError:  # the other tap of a double tap got there first
                done = 0
    if not done:
        check(user, session)  # says when the first tap signed in
        raise Refused(_("You have already signed in to this session."), 409)
    # the session's attendance collection, if loaded, no longer matches the table
    db.session.expire(session, ["attendance"])
    record(session, "self_sign_in", {"self_signed": (None, f"{user.person.name} {format_time(now, 'HH:mm')}")},
           user=user)
    return now


@dataclass(frozen=True)
class RosterRow:
    person_id: int
    name: str
    #: when they signed themselves in, or None
    signed_at: dt.datetime | None


def roster(session: StudySession) -> list[RosterRow]:
    """Every member of the branch on the session's day, those signed in first (by time)."""
    times = dict(db.session.execute(select(Attendance.person_id, Attendance.self_signed_at).where(
        Attendance.session_id == session.id, Attendance.self_signed_at.is_not(None))).all())
    rows = [RosterRow(p.id, p.name, times.get(p.id)) for p in members_on(session.branch, session.held_on)]
    signed = sorted((r for r in rows if r.signed_at), key=lambda r: r.signed_at)
    return signed + [r for r in rows if r.signed_at is None]


def roster_json(session: StudySession) -> dict:
    rows = roster(session)
    return {
        "signed": [{"name": r.name, "at": format_time(r.signed_at, "HH:mm")} for r in rows if r.signed_at],
        "waiting": [{"name": r.name} for r in rows if r.signed_at is None],
        "expected": len(rows),
        "open": is_open(session),
    }
