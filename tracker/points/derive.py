"""Points at read time: counted from the reviewed records with SQL aggregates, then valued
with the scheme governing the year (caps, base score, threshold).

Nothing is stored, so a record edited, returned, reopened, deleted or restored changes the
card the next time it is read, and an occurrence cannot be counted twice: each attendance
row, speaker, talk or manual entry maps to at most one item (the loader refuses overlaps).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from tracker import vocab
from tracker.extensions import db
from tracker.people.models import Person
from tracker.points.models import PointsEntry, PointsItem, PointsScheme
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk

REVIEWED = "reviewed"


class Valuer:
    """Maps an occurrence (source, session or talk type / manual code) to its item."""

    def __init__(self, scheme: PointsScheme):
        self.scheme = scheme
        self.by_key: dict[tuple[str, str], PointsItem] = {}
        for item in scheme.items:
            if item.source == "manual":
                self.by_key[("manual", item.code)] = item
                continue
            known = vocab.TALK_TYPES if item.source.startswith("talk") else vocab.SESSION_TYPES
            for kind in item.types or tuple(known):
                self.by_key[(item.source, kind)] = item

    def item(self, source: str, kind: str) -> PointsItem | None:
        return self.by_key.get((source, kind))


def capped(item: PointsItem, count: int) -> int:
    raw = item.points * count
    if item.yearly_cap is None:
        return raw
    return max(-item.yearly_cap, min(item.yearly_cap, raw))


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _live_sessions(year: int):
    first, last = _year(year)
    return and_(StudySession.status == REVIEWED, StudySession.deleted_at.is_(None),
                StudySession.held_on.between(first, last))


def _live_talks(year: int):
    first, last = _year(year)
    return and_(Talk.status == REVIEWED, Talk.deleted_at.is_(None), Talk.talk_date.between(first, last))


def _live_entries(year: int):
    first, last = _year(year)
    return and_(PointsEntry.status == REVIEWED, PointsEntry.deleted_at.is_(None),
                PointsEntry.occurred_on.between(first, last))


def _counts(year: int, people) -> list[tuple[int, str, str, int]]:
    """(person id, source, kind, occurrences) for the year: five grouped queries, however
    many records there are. `people` is a select of person ids, or None for everyone."""
    def only(column):
        return column.in_(people) if people is not None else True

    session_join = select().join_from(Attendance, StudySession, StudySession.id == Attendance.session_id)
    attended = (
        session_join.add_columns(Attendance.person_id, Attendance.status, StudySession.session_type,
                                 func.count())
        .where(_live_sessions(year), Attendance.status.in_(("present", "absent")), only(Attendance.person_id))
        .group_by(Attendance.person_id, Attendance.status, StudySession.session_type)
    )
    # The speaker is the attendee whose name is exactly the session's speaker (see README).
    spoke = (
        session_join.add_columns(Attendance.person_id, StudySession.session_type, func.count())
        .join(Person, and_(Person.id == Attendance.person_id, Person.name == StudySession.speaker))
        .where(_live_sessions(year), only(Attendance.person_id))
        .group_by(Attendance.person_id, StudySession.session_type)
    )
    held = (select(Talk.conducted_by_id, Talk.talk_type, func.count())
            .where(_live_talks(year), only(Talk.conducted_by_id))
            .group_by(Talk.conducted_by_id, Talk.talk_type))
    talked = (select(Talk.person_id, Talk.talk_type, func.count())
              .where(_live_talks(year), only(Talk.person_id))
              .group_by(Talk.person_id, Talk.talk_type))
    entered = (select(PointsEntry.person_id, PointsEntry.item_code, func.sum(PointsEntry.occurrences))
               .where(_live_entries(year), only(PointsEntry.person_id))
               .group_by(PointsEntry.person_id, PointsEntry.item_code))
    rows = []
    for person_id, status, kind, n in db.session.execute(attended):
        rows.append((person_id, "session_present" if status == "present" else "session_absent", kind, n))
    rows += [(p, "lesson_speaker", kind, n) for p, kind, n in db.session.execute(spoke)]
    rows += [(p, "talk_held", kind, n) for p, kind, n in db.session.execute(held)]
    rows += [(p, "talk_attended", kind, n) for p, kind, n in db.session.execute(talked)]
    rows += [(p, "manual", code, int(n)) for p, code, n in db.session.execute(entered)]
    return rows


@dataclass
class Totals:
    """One person's year: occurrences and capped points per item."""

    person_id: int
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def item_points(self, valuer: Valuer) -> dict[str, int]:
        items = {i.code: i for i in valuer.scheme.items}
        return {code: capped(items[code], n) for code, n in self.counts.items()}

    def category_points(self, valuer: Valuer) -> dict[int, int]:
        items = {i.code: i for i in valuer.scheme.items}
        out: dict[int, int] = defaultdict(int)
        for code, points in self.item_points(valuer).items():
            out[items[code].category_id] += points
        return out

    def total(self, valuer: Valuer) -> int:
        return valuer.scheme.base_score + sum(self.item_points(valuer).values())


def year_totals(year: int, valuer: Valuer, people=None) -> dict[int, Totals]:
    """{person id: Totals} of everyone with an occurrence in the year (among `people`)."""
    totals: dict[int, Totals] = {}
    for person_id, source, kind, n in _counts(year, people):
        item = valuer.item(source, kind)
        if item is None:
            continue
        totals.setdefault(person_id, Totals(person_id)).counts[item.code] += n
    return totals
