"""How many rows a table holds, kept by the writes: for the counts of whole tables that lists
show on every page (every live talk, every stored due talk). PostgreSQL counts a table by
visiting each row of an index — 1.3–1.5 ms for the province's 40,000 talks, more than the rest
of a list page's database work — where a kept count is a read of a few rows.

Each count is SHARDS rows whose sum is the count: a write adds its change (n = n + change) to
the rows of its database connection's shard, so concurrent writers seldom wait for each other,
and an addition under the row's lock cannot lose another's. The features keep their counts in
the transaction of each write (tracker/talks/counting.py, tracker/due/upkeep.py) and make them
right again after a bulk write or a rebuild (`write`); tests compare them with a count of the
table after random writes, and tests/test_kept_counts.py runs concurrent writers on PostgreSQL.
A count with fewer than SHARDS rows is not kept (`read_statement` gives NULL): the reader counts
the table itself.
"""
from __future__ import annotations

import random

from sqlalchemy import Integer, String, case, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base

SHARDS = 8


class KeptCount(Base):
    """One shard of a count kept by the writes; the count is the sum of its shards."""

    __tablename__ = "kept_count"
    #: what is counted: "talk" (live talks), "due_talk" (stored due talks), "party_member"
    #: (live people with a party status other than "none", tracker/people/counting.py)
    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


def read_statement(name: str):
    """A scalar subquery: the count, or NULL when it is not kept."""
    table = KeptCount.__table__
    return (select(case((func.count() == SHARDS, func.sum(table.c.n))))
            .where(table.c.name == name).scalar_subquery())


def add(connection, name: str, change: int) -> None:
    """Add `change` to the count, in the transaction of `connection`.

    One statement writes every count's row of the connection's shard (the others by 0): a
    transaction holds all the rows of its shard or none, so two writers that change the
    counts in different orders never wait for each other in a circle."""
    if not change:
        return
    shard = connection.info.setdefault("kept_count_shard", random.randrange(SHARDS))  # noqa: S311  # nosec B311 (spreads writers, no secret)
    table = KeptCount.__table__
    connection.execute(update(table).where(table.c.shard == shard)
                       .values(n=table.c.n + case((table.c.name == name, change), else_=0)))


def write(connection, name: str, counted) -> int:
    """The count made right again, and returned: `counted` (a SELECT of one count) less the
    kept count, read in one statement, is added to the transaction's shard. One statement
    reads one snapshot, in which every committed write changed both the table and its count
    (and this transaction's own writes are seen in both): other writers are neither waited
    for nor lost, as they would be if the shards were written whole."""
    table = KeptCount.__table__
    if connection.scalar(select(func.count()).select_from(table).where(table.c.name == name)) != SHARDS:
        connection.execute(delete(table).where(table.c.name == name))
        connection.execute(insert(table), [{"name": name, "shard": s, "n": 0} for s in range(SHARDS)])
    kept = select(func.coalesce(func.sum(table.c.n), 0)).where(table.c.name == name).scalar_subquery()
    n, before = connection.execute(select(counted.scalar_subquery(), kept)).one()
    add(connection, name, n - before)
    return n
