"""The points tally (PointsTally): each person's yearly points per category, kept in the
same flush as every change to the records points come from, so the bureau's table reads a
page of ranked rows instead of counting a province's year on every request.

How it stays right: not by adding and subtracting, but by deriving again. A flush that
touches a study session, an attendance row, a talk, a manual entry or a person's name marks
the (person, year) pairs it may change; after the flush, those pairs are counted again from
the records with the same derivation the cards use (tracker.points.derive) and their rows
replaced; a renamed person's rows take the new name (the ranking's order among equal scores).
A new scheme version re-values every year. Any write path through the ORM is
therefore covered, including ones added later; `flask points rebuild` makes the whole tally
again (after bulk loads that bypass the ORM, e.g. `bench fill`), and the hypothesis test of
tests/test_points_derive.py compares it with a from-scratch count after every step. The
spread of the tally's scores among live party members (tracker.points.score_counts) is kept in
the same hooks: a recount adds the change of the rows it replaces, and a flush that changes a
person's party status or deletion the change of that person's rows.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, event, extract, insert, inspect, select, union, update
from sqlalchemy.orm import Session

from tracker.people.models import Person
from tracker.points import derive, score_counts
from tracker.points import scheme as schemes
from tracker.points.models import PointsEntry, PointsScheme, PointsTally, PointsTallyStatus
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk

#: session.info key: what the flushes of this transaction left to recount
PENDING = "points_tally_pending"
#: the row of the whole card (the sum of the categories, without the base score)
TOTAL = ""


class _Pending:
    def __init__(self):
        self.pairs: set[tuple[int, int]] = set()  # (person id, year), known before the flush
        self.records: list = []  # changed records, read again once the flush gave them ids
        self.session_years: dict[int, set[int]] = defaultdict(set)  # a session's earlier years
        self.renamed: set[int] = set()  # people whose lessons given may count differently
        self.everything = False  # a new scheme version: every year again
        # people who may join or leave the live party members, and the spread of their tally
        # rows before the flush (tracker.points.score_counts)
        self.members: set[int] = set()
        self.members_before = score_counts.Spread()

    def __bool__(self):
        return bool(self.pairs or self.records or self.renamed or self.everything or self.members)


def _earlier(obj, attr: str) -> list:
    """The attribute's values before this flush changed it."""
    return [v for v in inspect(obj).attrs[attr].history.deleted if v is not None]


def _note(pending: _Pending, obj, deleted: bool) -> None:
    """Before the flush: what the record was (the flush forgets it), and the record itself."""
    if isinstance(obj, StudySession):
        pending.records.append(obj)
        if obj.id is not None:
            pending.session_years[obj.id].update(d.year for d in _earlier(obj, "held_on"))
    elif isinstance(obj, Attendance):
        pending.records.append(obj)
        if obj.session is not None:  # a row removed from a session leaves no trace after the flush
            now = obj.person_id or (obj.person.id if obj.person is not None else None)
            pending.pairs.update((p, obj.session.held_on.year) for p in (*_earlier(obj, "person_id"), now)
                                 if p is not None)
    elif isinstance(obj, Talk | PointsEntry):
        pending.records.append(obj)
        day = "talk_date" if isinstance(obj, Talk) else "occurred_on"
        people = ("conducted_by_id", "person_id") if isinstance(obj, Talk) else ("person_id",)
        years = {d.year for d in (*_earlier(obj, day), getattr(obj, day)) if d is not None}
        pending.pairs.update((p, y) for attr in people for p in (*_earlier(obj, attr), getattr(obj, attr))
                             if p is not None for y in years)
    elif isinstance(obj, Person) and obj.id is not None:
        attrs = inspect(obj).attrs
        if not deleted and attrs["name"].history.has_changes():
            pending.renamed.add(obj.id)
        if deleted or any(attrs[column].history.has_changes() for column in score_counts.MEMBERSHIP):
            pending.members.add(obj.id)
    elif isinstance(obj, PointsScheme):
        pending.everything = True


def _before_flush(session: Session, context, instances) -> None:
    pending = session.info.setdefault(PENDING, _Pending())
    with session.no_autoflush:
        for objs, deleted in ((session.new, False), (session.dirty, False), (session.deleted, True)):
            for obj in objs:
                _note(pending, obj, deleted)
        # A deleted session's attendance rows may go with it: count its attendees now.
        gone = [o.id for o in session.deleted if isinstance(o, StudySession) and o.id is not None]
        if gone:
            rows = session.execute(select(Attendance.person_id, StudySession.held_on)
                                   .join(StudySession, StudySession.id == Attendance.session_id)
                                   .where(Attendance.session_id.in_(gone)))
            pending.pairs.update((p, day.year) for p, day in rows)
        # what the people who may join or leave the members counted while the database
        # still has them as they were
        pending.members_before = score_counts.spread(session, pending.members)


def _after_flush(session: Session, context) -> None:
    pending = session.info.get(PENDING)
    if not pending:
        return
    session.info[PENDING] = _Pending()
    with session.no_autoflush:
        if pending.everything:
            rebuild(session)
        else:
            # the members' change with their rows as they were; the recount adds the rows' change
            change = score_counts.difference(score_counts.spread(session, pending.members), pending.members_before)
            recount(session, _pairs(session, pending), change)
            if pending.renamed:
                table = PointsTally.__table__
                session.execute(update(table).where(table.c.person_id.in_(sorted(pending.renamed))).values(
                    name=select(Person.name).where(Person.id == table.c.person_id).scalar_subquery()))


def _pairs(session: Session, pending: _Pending) -> set[tuple[int, int]]:
    """After the flush: every (person, year) the flushed changes may have moved."""
    pairs, sessions = set(pending.pairs), set()
    for obj in pending.records:
        if isinstance(obj, StudySession):
            sessions.add(obj.id)
        elif isinstance(obj, Attendance):
            sessions.add(obj.session_id)
        elif isinstance(obj, Talk):
            pairs.update((p, obj.talk_date.year) for p in (obj.conducted_by_id, obj.person_id) if p is not None)
        elif isinstance(obj, PointsEntry):
            pairs.add((obj.person_id, obj.occurred_on.year))
    sessions.discard(None)
    if sessions:
        rows = session.execute(select(Attendance.person_id, Attendance.session_id, StudySession.held_on)
                               .join(StudySession, StudySession.id == Attendance.session_id)
                               .where(Attendance.session_id.in_(sorted(sessions))))
        for person_id, session_id, day in rows:
            pairs.update((person_id, y) for y in pending.session_years.get(session_id, set()) | {day.year})
    if pending.renamed:
        years = session.execute(select(Attendance.person_id, StudySession.held_on)
                                .join(StudySession, StudySession.id == Attendance.session_id)
                                .where(Attendance.person_id.in_(sorted(pending.renamed)),
                                       StudySession.speaker != ""))
        pairs.update((p, day.year) for p, day in years)
    return pairs


def _rows(session: Session, year: int, valuer: derive.Valuer | None, people) -> list[dict]:
    """The tally rows of `people` (ids, or None for everyone) in `year`."""
    if valuer is None:
        return []
    codes = {c.id: c.code for c in valuer.scheme.categories}
    found = derive.year_totals(year, valuer, people)
    named = select(Person.id, Person.name)
    names = dict(session.execute(named if people is None else named.where(Person.id.in_(sorted(found)))).all())
    out = []
    for person_id, totals in found.items():
        categories = totals.category_points(valuer)
        row = {"year": year, "person_id": person_id, "name": names[person_id]}
        out += [{**row, "category": codes[c], "points": p} for c, p in categories.items()]
        out.append({**row, "category": TOTAL, "points": sum(categories.values())})
    return out


def derived(session: Session, year: int) -> list[dict]:
    """Everyone's rows of `year` counted from the records: what the tally must hold."""
    return _rows(session, year, _valuer(year), None)


def _valuer(year: int) -> derive.Valuer | None:
    governing = schemes.governing(year)
    return derive.Valuer(governing) if governing else None


def recount(session: Session, pairs: set[tuple[int, int]], change: score_counts.Spread | None = None) -> None:
    """Replace the rows of these (person, year) pairs with a count from the records, and add
    their change (and `change`, a change of the spread already made) to the spread of scores
    (tracker.points.score_counts)."""
    change = change if change is not None else score_counts.Spread()
    by_year: dict[int, set[int]] = defaultdict(set)
    for person_id, year in pairs:
        by_year[year].add(person_id)
    table = PointsTally.__table__
    for year, people in sorted(by_year.items()):
        ids = sorted(people)
        before = score_counts.spread(session, ids, year)
        session.execute(delete(table).where(table.c.year == year, table.c.person_id.in_(ids)))
        if rows := _rows(session, year, _valuer(year), ids):
            session.execute(insert(table), rows)
        change.update(score_counts.difference(score_counts.spread(session, ids, year), before))
    score_counts.add(session.connection(), change)


def counted_years(session: Session) -> list[int]:
    """Every year some record that can earn points falls in."""
    years = union(*(select(extract("year", day)) for day in
                    (StudySession.held_on, Talk.talk_date, PointsEntry.occurred_on)))
    return sorted({int(y) for y in session.scalars(years) if y is not None})


def rebuild(session: Session) -> int:
    """The whole tally again from the records; the tables use it from now on. Rows written."""
    table = PointsTally.__table__
    session.execute(delete(table))
    written = 0
    for year in counted_years(session):
        if rows := _rows(session, year, _valuer(year), None):
            session.execute(insert(table), rows)
            written += len(rows)
    score_counts.rebuild(session)
    session.execute(delete(PointsTallyStatus.__table__))
    return written


def is_whole(session: Session) -> bool:
    """False while a database upgraded with records in it awaits `flask points rebuild`."""
    return session.scalar(select(PointsTallyStatus.id).limit(1)) is None


def install() -> None:
    """Listen to every ORM session (the app's, and the ones tests and commands make)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush_postexec", _after_flush)
        event.listen(Session, "after_soft_rollback", _forget)


def _forget(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING, None)
