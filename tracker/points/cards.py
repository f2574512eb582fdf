"""A person's points card for a year: every occurrence with its source record, the points per
item (capped), subtotals per category, the total and whether the threshold is met."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.people.models import Person
from tracker.points import derive
from tracker.points.derive import Valuer, capped
from tracker.points.models import PointsCategory, PointsEntry, PointsItem
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk


@dataclass
class Line:
    """One occurrence: the day, what happened, and the record it comes from."""

    day: dt.date
    kind: str  # session, talk or entry
    record_id: int
    text: str
    occurrences: int = 1

    #: the page of each kind of record a line comes from
    _PAGES = {"session": ("study.detail", "session_id"), "talk": ("talks.detail", "talk_id"),
              "entry": ("points.detail", "points_entry_id")}

    @property
    def url(self) -> str:
        endpoint, key = self._PAGES[self.kind]
        return url_for(endpoint, **{key: self.record_id})


@dataclass
class ItemRow:
    item: PointsItem
    lines: list[Line] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(line.occurrences for line in self.lines)

    @property
    def raw(self) -> int:
        return self.item.points * self.count

    @property
    def points(self) -> int:
        return capped(self.item, self.count)

    @property
    def capped(self) -> bool:
        return self.points != self.raw


@dataclass
class CategoryRow:
    category: PointsCategory
    items: list[ItemRow]

    @property
    def points(self) -> int:
        return sum(row.points for row in self.items)


@dataclass
class Card:
    person: Person
    year: int
    valuer: Valuer | None
    categories: list[CategoryRow] = field(default_factory=list)
    #: manual entries of the year not yet reviewed (they do not count)
    pending: list[PointsEntry] = field(default_factory=list)
    #: reviewed entries whose item the year's scheme does not have (they do not count)
    unmatched: list[PointsEntry] = field(default_factory=list)

    @property
    def scheme(self):
        return self.valuer.scheme if self.valuer else None

    @property
    def total(self) -> int:
        return self.scheme.base_score + sum(c.points for c in self.categories) if self.scheme else 0

    @property
    def vanguard(self) -> bool:
        return self.scheme is not None and self.total >= self.scheme.threshold


def _occurrences(person: Person, year: int) -> list[tuple[str, str, Line]]:
    """(source, session/talk type or item code, line) of everything the person did in the year."""
    pid, out = person.id, []
    sessions = (select(StudySession.id, StudySession.held_on, StudySession.session_type, StudySession.topic,
                       Attendance.status)
                .join(Attendance, Attendance.session_id == StudySession.id)
                .where(derive._live_sessions(year), Attendance.person_id == pid,
                       Attendance.status.in_(("present", "absent"))))
    for sid, day, kind, topic, status in db.session.execute(sessions):
        source = "session_present" if status == "present" else "session_absent"
        out.append((source, kind, Line(day, "session", sid, topic)))
    spoke = (select(StudySession.id, StudySession.held_on, StudySession.session_type, StudySession.topic)
             .join(Attendance, and_(Attendance.session_id == StudySession.id, Attendance.person_id == pid))
             .where(derive._live_sessions(year), StudySession.speaker == person.name))
    out += [("lesson_speaker", kind, Line(day, "session", sid, topic)) for sid, day, kind, topic in db.session.execute(spoke)]
    other = aliased(Person)
    for source, mine, theirs in (("talk_held", Talk.conducted_by_id, Talk.person_id),
                                 ("talk_attended", Talk.person_id, Talk.conducted_by_id)):
        talks = (select(Talk.id, Talk.talk_date, Talk.talk_type, other.name)
                 .join(other, other.id == theirs).where(derive._live_talks(year), mine == pid))
        out += [(source, kind, Line(day, "talk", tid, name)) for tid, day, kind, name in db.session.execute(talks)]
    return out


def _entries(person_id: int, year: int) -> list[PointsEntry]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return list(db.session.scalars(
        select(PointsEntry).where(PointsEntry.person_id == person_id, PointsEntry.deleted_at.is_(None),
                                  PointsEntry.occurred_on.between(first, last))
        .order_by(PointsEntry.occurred_on, PointsEntry.id)))


def build(person: Person, year: int, valuer: Valuer | None) -> Card:
    card = Card(person, year, valuer)
    if valuer is None:
        return card
    rows = {item.code: ItemRow(item) for item in valuer.scheme.items}
    for source, kind, line in _occurrences(person, year):
        if item := valuer.item(source, kind):
            rows[item.code].lines.append(line)
    for entry in _entries(person.id, year):
        item = valuer.item("manual", entry.item_code)
        if entry.status != derive.REVIEWED:
            card.pending.append(entry)
        elif item is None:
            card.unmatched.append(entry)
        else:
            rows[item.code].lines.append(Line(entry.occurred_on, "entry", entry.id, entry.reason, entry.occurrences))
    for row in rows.values():
        row.lines.sort(key=lambda line: (line.day, line.record_id))
    for category in valuer.scheme.categories:
        card.categories.append(CategoryRow(category, [rows[i.code] for i in valuer.scheme.items
                                                      if i.category_id == category.id]))
    return card
