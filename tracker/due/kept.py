"""The due items counted by what their states are read from, kept by the writes: done ones by
kind and done_lag (DueLagCount), open ones by kind and base_on (DueOpenCount).

The talks due list counts every due item in each state (tracker/due/engine.py, due_counts).
Read from due_talk, a state is a range of its index on (kind, done_lag, base_on), and at ten
times the province the done and done-late ranges hold tens of thousands of entries each; read
from these counts it is a range of a few rows: a few dozen lags, a date per day of dispatches.
What is kept depends neither on the rules nor on today, so a change of the rules needs no
rebuild; states are still told apart on read, by the same ranges (engine._kept_ranges).

tracker/due/upkeep.py calls `changed` with the rows each write deletes and inserts (in the same
transaction: each count changes by exactly those rows, whatever another writer does beside),
and `write_again` after it writes a whole table again (`flask due rebuild`). As the counts of
tracker.kept_counts, each count is the sum of rows per shard, a writer adding to its own
shard's rows: concurrent writers seldom wait for each other, and never in a circle.
tests/test_due_stored.py holds them to the tables after random writes.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Date, Integer, case, cast, delete, func, literal, null, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker import kept_counts
from tracker.due.models import DueLagCount, DueOpenCount


def returned(table):
    """The columns a DELETE or INSERT of due_talk or due_checkpoint returns for `changed`."""
    return (table.c.kind, table.c.done_lag, table.c.base_on)


def changed(connection, removed: Iterable, written: Iterable) -> None:
    """Count the rows `removed` out and the rows `written` in: (kind, done_lag, base_on)
    rows of due_talk or due_checkpoint (`returned`)."""
    change: Counter = Counter()
    for rows, sign in ((removed, -1), (written, 1)):
        for kind, lag, base_on in rows:
            change[(kind, lag, None if lag is not None else base_on)] += sign
    lags = sorted((kind, lag, n) for (kind, lag, _), n in change.items() if n and lag is not None)
    days = sorted((kind, day, n) for (kind, lag, day), n in change.items() if n and lag is None)
    if not lags and not days:
        return
    # The rows of the transaction's shard, written while holding the shard's kept counts
    # (tracker.kept_counts.hold): writers of one shard wait in line, never in a circle, and
    # writers of different shards do not wait for each other (every talk recorded in time
    # adds to the same lag).
    shard = kept_counts.hold(connection)
    _add(connection, DueLagCount.__table__, "done_lag", shard, lags)
    _add(connection, DueOpenCount.__table__, "base_on", shard, days)


def _add(connection, table, key: str, shard: int, changes: list[tuple]) -> None:
    """Add each (kind, key, change) to its row of `shard`, made when missing. Added, not
    written again: two transactions writing rows of the same lag or date each add their own
    change."""
    if not changes:
        return
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values([{"kind": kind, key: value, "shard": shard, "n": n} for kind, value, n in changes])
    connection.execute(stmt.on_conflict_do_update(index_elements=[table.c.kind, table.c[key], table.c.shard],
                                                  set_={"n": table.c.n + stmt.excluded.n}))


def write_again(connection, table, kinds: Iterable[str]) -> None:
    """The counts of these kinds written again from `table` (due_talk or due_checkpoint)."""
    kinds = sorted(kinds)
    lags, days = DueLagCount.__table__, DueOpenCount.__table__
    connection.execute(delete(lags).where(lags.c.kind.in_(kinds)))
    connection.execute(delete(days).where(days.c.kind.in_(kinds)))
    done, shard = table.c.done_lag.is_not(None), literal(kept_counts.shard_of(connection), Integer)
    connection.execute(lags.insert().from_select(
        ["kind", "done_lag", "shard", "n"],
        select(table.c.kind, table.c.done_lag, shard, func.count()).where(done, table.c.kind.in_(kinds))
        .group_by(table.c.kind, table.c.done_lag)))
    connection.execute(days.insert().from_select(
        ["kind", "base_on", "shard", "n"],
        select(table.c.kind, table.c.base_on, shard, func.count()).where(~done, table.c.kind.in_(kinds))
        .group_by(table.c.kind, table.c.base_on)))


def counted_from(table, kinds: Iterable[str]):
    """A SELECT of (kind, done_lag or None, base_on of an open row or None, n) counted from
    `table` itself: what the kept counts should hold (`kept_statement`), for tests and checks."""
    day = case((table.c.done_lag.is_(None), table.c.base_on))
    return select(table.c.kind, table.c.done_lag, day, func.count()).where(
        table.c.kind.in_(sorted(kinds))).group_by(table.c.kind, table.c.done_lag, day)


def kept_statement(kinds: Iterable[str]):
    """The kept counts of these kinds in the form of `counted_from` (the shards of a row
    added up), counts of 0 left out."""
    lags, days = DueLagCount.__table__, DueOpenCount.__table__
    kinds = sorted(kinds)
    return union_all(
        select(lags.c.kind, lags.c.done_lag, cast(null(), Date), func.sum(lags.c.n)).where(lags.c.kind.in_(kinds))
        .group_by(lags.c.kind, lags.c.done_lag).having(func.sum(lags.c.n) != 0),
        select(days.c.kind, cast(null(), Integer), days.c.base_on, func.sum(days.c.n)).where(days.c.kind.in_(kinds))
        .group_by(days.c.kind, days.c.base_on).having(func.sum(days.c.n) != 0))
