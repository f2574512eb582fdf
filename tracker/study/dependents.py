"""Study sessions the ledger shows (submitted or reviewed) depend on their branch, and their
attendance on the people and the memberships it records: deleting one of those withdraws
them (tracker.records)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.branches.models import Membership
from tracker.extensions import db
from tracker.records import depended_on, dependents_of
from tracker.study.models import Attendance, StudySession
from tracker.study.rules import COUNTED

_LIVE = (StudySession.deleted_at.is_(None), StudySession.status.in_(COUNTED))


@dependents_of("branch")
def of_branch(branch) -> list[tuple[str, int]]:
    n = db.session.scalar(select(func.count(StudySession.id)).where(StudySession.branch_id == branch.id, *_LIVE))
    return [(_("Meeting records"), n or 0)]


def _attended(*conditions) -> int:
    return db.session.scalar(
        select(func.count(Attendance.id)).join(StudySession, StudySession.id == Attendance.session_id)
        .where(*_LIVE, *conditions)
    ) or 0


@dependents_of("person")
def of_person(person) -> list[tuple[str, int]]:
    return [(_("Attendance at meetings"), _attended(Attendance.person_id == person.id))]


@dependents_of("membership")
def of_membership(membership) -> list[tuple[str, int]]:
    return [(_("Attendance at meetings"), _attended(
        Attendance.person_id == membership.person_id, StudySession.branch_id == membership.branch_id))]


@depended_on("membership")
def memberships_attended(ids: list[int]) -> list[int]:
    """Of the memberships `ids`, those of_membership counts attendance of: one query."""
    return list(db.session.scalars(
        select(Membership.id).distinct()
        .join(Attendance, Attendance.person_id == Membership.person_id)
        .join(StudySession, (StudySession.id == Attendance.session_id)
              & (StudySession.branch_id == Membership.branch_id))
        .where(Membership.id.in_(ids), *_LIVE)
    ))
