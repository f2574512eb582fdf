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
from functools import cached_property

from sqlalchemy import String, and_, case, cast, func, null, select, true, union_all

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

    # Built on first use: the tables read the tally and never touch the scheme's items.
    @cached_property
    def values(self) -> dict[str, tuple[int, int | None, int]]:
        """code -> (points, yearly cap, category id), plain values for the bureau-wide loops"""
        return {i.code: (i.points, i.yearly_cap, i.category_id) for i in self.scheme.items}

    @cached_property
    def by_key(self) -> dict[tuple[str, str], PointsItem]:
        found: dict[tuple[str, str], PointsItem] = {}
        for item in self.scheme.items:
            if item.source == "manual":
                found[("manual", item.code)] = item
                continue
            known = vocab.TALK_TYPES if item.source.startswith("talk") else vocab.SESSION_TYPES
            for kind in item.types or tuple(known):
                found[(item.source, kind)] = item
        return found

    @cached_property
    def codes(self) -> dict[tuple[str, str], str]:
        """(source, kind) -> item code"""
        return {key: item.code for key, item in self.by_key.items()}

    def item(self, source: str, kind: str) -> PointsItem | None:
        return self.by_key.get((source, kind))


def capped(item: PointsItem, count: int) -> int:
    return _capped(item.points, item.yearly_cap, count)


def _capped(points: int, cap: int | None, count: int) -> int:
    raw = points * count
    return raw if cap is None else max(-cap, min(cap, raw))


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


def _code_case(valuer: Valuer, source_of, kind_column):
    """A CASE giving the item code of each row, so the database groups by item (a few per
    person) rather than by every session or talk type; NULL where no item counts the row."""
    whens = [(and_(source_of(source), kind_column == kind), code)
             for (source, kind), code in valuer.codes.items() if source != "manual" and source_of(source) is not None]
    return case(*whens, else_=None) if whens else cast(null(), String)


def _counts(year: int, valuer: Valuer, people) -> list[tuple[int, str, int]]:
    """(person id, item code, occurrences) for the year: one query of five grouped parts,
    however many records there are. `people` is a select of person ids, or None for everyone."""
    def only(column):
        return column.in_(people) if people is not None else true()

    def attendance_source(source):
        status = {"session_present": "present", "session_absent": "absent"}.get(source)
        return Attendance.status == status if status else None

    def fixed(wanted):
        return lambda source: true() if source == wanted else None

    code = _code_case(valuer, attendance_source, StudySession.session_type).label("code")
    attended = (
        select(Attendance.person_id, code, func.count())
        .join_from(Attendance, StudySession, StudySession.id == Attendance.session_id)
        .where(_live_sessions(year), Attendance.status.in_(("present", "absent")), only(Attendance.person_id))
        .group_by(Attendance.person_id, code)
    )
    # The speaker is the attendee whose name is exactly the session's speaker (see README).
    code = _code_case(valuer, fixed("lesson_speaker"), StudySession.session_type).label("code")
    spoke = (
        select(Attendance.person_id, code, func.count())
        .join_from(Attendance, StudySession, StudySession.id == Attendance.session_id)
        .join(Person, and_(Person.id == Attendance.person_id, Person.name == StudySession.speaker))
        .where(_live_sessions(year), StudySession.speaker != "", only(Attendance.person_id))
        .group_by(Attendance.person_id, code)
    )
    if isinstance(people, list | tuple):
        # A few people (the tally's recount after a write): start from their sessions, or
        # SQLite walks the year's sessions looking each speaker up by name.
        spoke = spoke.where(StudySession.id.in_(select(Attendance.session_id).where(Attendance.person_id.in_(people))))
    code = _code_case(valuer, fixed("talk_held"), Talk.talk_type).label("code")
    held = (select(Talk.conducted_by_id, code, func.count())
            .where(_live_talks(year), only(Talk.conducted_by_id))
            .group_by(Talk.conducted_by_id, code))
    code = _code_case(valuer, fixed("talk_attended"), Talk.talk_type).label("code")
    talked = (select(Talk.person_id, code, func.count())
              .where(_live_talks(year), only(Talk.person_id))
              .group_by(Talk.person_id, code))
    entered = (select(PointsEntry.person_id, PointsEntry.item_code, func.sum(PointsEntry.occurrences))
               .where(_live_entries(year), only(PointsEntry.person_id),
                      PointsEntry.item_code.in_([c for (src, c) in valuer.codes if src == "manual"]))
               .group_by(PointsEntry.person_id, PointsEntry.item_code))
    # One round trip: the five counts as one UNION ALL (the ledger and the table stay a fixed,
    # small number of queries).
    everything = union_all(*(stmt for stmt in (attended, spoke, held, talked, entered)))
    return [(p, c, int(n)) for p, c, n in db.session.execute(everything) if c is not None]


@dataclass
class Totals:
    """One person's year: occurrences and capped points per item."""

    person_id: int
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def category_points(self, valuer: Valuer) -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for code, n in self.counts.items():
            points, cap, category_id = valuer.values[code]
            out[category_id] += _capped(points, cap, n)
        return out

    def total(self, valuer: Valuer) -> int:
        return valuer.scheme.base_score + sum(self.category_points(valuer).values())


def year_totals(year: int, valuer: Valuer, people=None) -> dict[int, Totals]:
    """{person id: Totals} of everyone with an occurrence in the year (among `people`)."""
    totals: dict[int, Totals] = {}
    for person_id, code, n in _counts(year, valuer, people):
        if (found := totals.get(person_id)) is None:
            found = totals[person_id] = Totals(person_id)
        found.counts[code] += n
    return totals
