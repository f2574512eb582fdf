"""What a member's pages read: statements cut by tracker.access, never a rule of their own."""
from __future__ import annotations

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import joinedload

from tracker import access
from tracker.due.engine import DueFilters, DueItem, due_items
from tracker.due.rules import OPEN_STATES, TALK_KINDS
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk

#: a phone page lists the latest few; older ones are in the printed ledger
LIMIT = 30


def my_sessions(user) -> Select:
    """(session, the member's own attendance or None), latest first."""
    own = and_(Attendance.session_id == StudySession.id, Attendance.person_id == user.person_id)
    stmt = (select(StudySession, Attendance).outerjoin(Attendance, own)
            .options(joinedload(StudySession.branch))
            .order_by(StudySession.held_on.desc(), StudySession.start_time.desc(), StudySession.id.desc())
            .limit(LIMIT))
    return access.readable_sessions(user, stmt)


def my_attendance(user, session_id: int) -> Select:
    return access.readable_attendance(user, select(Attendance).where(Attendance.session_id == session_id))


def my_talks(user) -> Select:
    stmt = (select(Talk).options(joinedload(Talk.conducted_by))
            .order_by(Talk.talk_date.desc(), Talk.id.desc()).limit(LIMIT))
    return access.readable_talks(user, stmt)


def my_due(user) -> list[DueItem]:
    # a member's own items are the talks due with them; checkpoints belong to the project
    person_id = access.due_person(user)
    if person_id is None:
        return []
    return due_items(DueFilters(kinds=frozenset(TALK_KINDS), person_id=person_id, states=OPEN_STATES))
