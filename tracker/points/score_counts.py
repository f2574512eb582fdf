"""The tally's spread of scores among live party members (PointsScoreCount): for each year,
category and points, how many live party members have that tally row. The bureau's table
counts its vanguard post from it (tracker.points.ranking): the sum over the few scores at or
above the threshold, where counting the tally's rows above it and leaving out those of people
who are not live party members read a range that grows with the province (11,000 rows at ten
times its size).

How it stays right: by counting again what a write may move, before and after it. The tally's
recount (tracker.points.tally) counts the spread of the people it recounts before it replaces
their rows and after; a flush that changes a person's party status or deletes them counts
their rows' spread before the flush (the database still holds the person as they were) and
after it, before their rows are recounted. The difference is added, in the same transaction,
to the rows of the connection's shard (tracker.kept_counts.shard_of). A rebuild of the tally,
and a bulk write to the person table run through a session, count the whole spread again.
tests/test_points_score_counts.py compares it with a count of the tally after random writes.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session

from tracker import kept_counts
from tracker.people import counting as people_counting
from tracker.people.models import Person
from tracker.points.models import PointsScoreCount, PointsTally

_TABLE = PointsScoreCount.__table__
_TALLY = PointsTally.__table__
#: an ORM statement's table is an annotated copy of the model's, equal to it and hashed alike
_SOURCES = frozenset({Person.__table__})
#: the person columns that make someone a live party member
MEMBERSHIP = ("deleted_at", "party_status")

Spread = Counter  # {(year, category, points): how many}


def _counted(*where):
    """A select of (year, category, points, how many) of the tally rows of live party members."""
    return (select(_TALLY.c.year, _TALLY.c.category, _TALLY.c.points, func.count())
            .join(Person, Person.id == _TALLY.c.person_id)
            .where(people_counting.PARTY_MEMBERS.where(), *where)
            .group_by(_TALLY.c.year, _TALLY.c.category, _TALLY.c.points))


def spread(session: Session, people: Iterable[int], year: int | None = None) -> Spread:
    """The spread of these people's tally rows (of `year`, or of every year) as the database
    has them now."""
    ids = sorted(set(people))
    if not ids:
        return Counter()
    where = [_TALLY.c.person_id.in_(ids)]
    if year is not None:
        where.append(_TALLY.c.year == year)
    return Counter({(y, c, p): n for y, c, p, n in session.connection().execute(_counted(*where))})


def add(connection, change: Spread) -> None:
    """Add `change` (after less before) to the rows of the connection's shard, in the
    transaction of `connection`. The shard's kept counts are locked first
    (tracker.kept_counts.hold): two writers of one shard that add to the same scores in
    different orders, over several flushes, wait in line instead of in a circle."""
    rows = [{"year": y, "category": c, "points": p, "shard": 0, "n": n}
            for (y, c, p), n in sorted(change.items()) if n]
    if not rows:
        return
    shard = kept_counts.hold(connection)
    for row in rows:
        row["shard"] = shard
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    stmt = upsert(_TABLE).values(rows)
    connection.execute(stmt.on_conflict_do_update(index_elements=[_TABLE.c.year, _TABLE.c.category,
                                                                   _TABLE.c.points, _TABLE.c.shard],
                                                  set_={"n": _TABLE.c.n + stmt.excluded.n}))


def difference(after: Spread, before: Spread) -> Spread:
    """after − before, keeping the negative counts (Counter's `-` drops them)."""
    change = Counter(after)
    change.subtract(before)
    return change


def rebuild(session: Session) -> None:
    """The whole spread counted again from the tally."""
    connection = session.connection()
    connection.execute(delete(_TABLE))
    counted = _counted().subquery()
    connection.execute(insert(_TABLE).from_select(
        ["year", "category", "points", "shard", "n"],
        select(counted.c.year, counted.c.category, counted.c.points, 0, counted.c.count)))


def at_least(year: int, category: str, points: int):
    """A scalar subquery: how many live party members have a tally row of (year, category)
    with at least `points`."""
    return (select(func.coalesce(func.sum(_TABLE.c.n), 0))
            .where(_TABLE.c.year == year, _TABLE.c.category == category, _TABLE.c.points >= points)
            .scalar_subquery())


@event.listens_for(Session, "do_orm_execute")
def _count_again_after_bulk_writes(state):
    if not (state.is_insert or state.is_update or state.is_delete) or getattr(
            state.statement, "table", None) not in _SOURCES or state.is_insert:
        return None  # a person inserted has no tally rows yet
    if state.is_update and (changed := kept_counts.set_columns(state.statement)) is not None \
            and not changed & set(MEMBERSHIP):
        return None
    result = state.invoke_statement()
    rebuild(state.session)
    return result
