"""How many rows a table holds, kept by the writes: for the counts of whole tables that lists
show on every page (every live talk, every stored due talk). PostgreSQL counts a table by
visiting each row of an index — 1.3–1.5 ms for the province's 40,000 talks, more than the rest
of a list page's database work — where a kept count is a read of a few rows.

Each count is SHARDS rows whose sum is the count: a write adds its change (n = n + change) to
the rows of its database connection's shard, so concurrent writers seldom wait for each other,
and an addition under the row's lock cannot lose another's. The features keep their counts in
the transaction of each write (`Rows` below, declared by tracker/talks/counting.py and
tracker/people/counting.py; tracker/due/upkeep.py by hand) and make them right again after a
bulk write or a rebuild (`write`); tests compare them with a count of the table after random
writes, and tests/test_kept_counts.py runs concurrent writers on PostgreSQL.
A count with fewer than SHARDS rows is not kept (`read_statement` gives NULL): the reader counts
the table itself.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import Integer, String, case, delete, event, func, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from tracker.db import Base
from tracker.extensions import db

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
    """Add `change` to the count, in the transaction of `connection`."""
    add_changes(connection, {name: change})


def add_changes(connection, changes: dict[str, int]) -> None:
    """Add each count's change, in the transaction of `connection`.

    One statement writes every count's row of the connection's shard (the others by 0): a
    transaction holds all the rows of its shard or none, so two writers that change the
    counts in different orders never wait for each other in a circle."""
    changes = {name: change for name, change in changes.items() if change}
    if not changes:
        return
    shard = shard_of(connection)
    table = KeptCount.__table__
    by_name = case(*((table.c.name == name, change) for name, change in changes.items()), else_=0)
    connection.execute(update(table).where(table.c.shard == shard).values(n=table.c.n + by_name))


def shard_of(connection) -> int:
    """The shard the transactions of `connection` write to."""
    return connection.info.setdefault("kept_count_shard", random.randrange(SHARDS))  # noqa: S311  # nosec B311 (spreads writers, no secret)


def hold(connection) -> int:
    """Lock every row of the connection's shard, as a write of the counts does, and give the
    shard: other figures kept in shards (tracker.due.kept, tracker.points.score_counts), whose
    rows a transaction may write in any order over several flushes, write their rows of a
    shard only while holding it, so their writers too wait in line, never in a circle."""
    shard, table = shard_of(connection), KeptCount.__table__
    connection.execute(update(table).where(table.c.shard == shard).values(n=table.c.n))
    return shard


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


# ---------------------------------------------------------------------------------------------
# Counts of a model's rows kept by the ORM's writes: a feature declares its count (`Rows`) with
# the columns the count depends on, the condition as Python (on the values of a row) and as SQL
# (for a recount); one flush hook and one bulk-write hook keep every declared count.

class Rows:
    """The kept count `name` of the rows of `model` for which `counts` is true.

    `counts` is given a row's values of the `watched` columns (a dict) and must agree with
    `where()`, the same condition in SQL; the tests of each count compare the kept count with a
    count of the table after random writes. Each flush adds the change made by the rows it
    inserts, deletes, or changes in a watched column (the values before a change are loaded
    when they are not); a bulk INSERT, UPDATE or DELETE of the model's table run through a
    session names no rows the flush sees, so the count is made again after it."""

    def __init__(self, name: str, model, watched: tuple[str, ...],
                 counts: Callable[[dict], bool], where: Callable[[], Any]) -> None:
        self.name, self.model, self.watched, self.counts, self.where = name, model, watched, counts, where
        for column in watched:
            event.listen(getattr(model, column), "set", _load_before_setting, active_history=True)
        _KEPT.append(self)
        _BY_TABLE.setdefault(model.__table__, []).append(self)

    def _before(self, obj) -> dict:
        attrs = inspect(obj).attrs
        values = {}
        for column in self.watched:
            history = attrs[column].history
            before = history.deleted if history.has_changes() else history.unchanged
            values[column] = before[0] if before else None
        return values

    def _now(self, obj) -> dict:
        return {column: getattr(obj, column) for column in self.watched}

    def change(self, new, deleted, dirty) -> int:
        """How much a flush of these records (its session's new, deleted and dirty ones)
        changes the count."""
        model, change = self.model, 0
        for obj in new:
            if isinstance(obj, model):
                change += bool(self.counts(self._now(obj)))
        for obj in deleted:
            if isinstance(obj, model):
                change -= bool(self.counts(self._before(obj)))
        for obj in dirty:
            if isinstance(obj, model):
                attrs = inspect(obj).attrs
                if any(attrs[column].history.has_changes() for column in self.watched):
                    change += bool(self.counts(self._now(obj))) - bool(self.counts(self._before(obj)))
        return change

    def counted(self):
        """A SELECT of the count itself, from the model's table."""
        return select(func.count()).select_from(self.model).where(self.where())

    def recount(self, connection) -> int:
        """The count made right again (`write`); the count."""
        return write(connection, self.name, self.counted())

    def recount_command(self, noun: str) -> click.Command:
        """`flask <feature> recount`: count again after writes that bypassed the application."""
        def command():
            n = self.recount(db.session.connection())
            db.session.commit()
            click.echo(f"{n} {noun}")
        return click.command("recount", help=f"Count the {noun} again (after writes that bypassed "
                                              "the application).")(with_appcontext(command))


_KEPT: list[Rows] = []
#: an ORM statement's table is an annotated copy of the model's, equal to it and hashed alike
_BY_TABLE: dict[Any, list[Rows]] = {}
#: table -> the name of its kept count of live rows (`live_rows`)
_LIVE: dict[Any, str] = {}


def live_rows(name: str, model) -> Rows:
    """The kept count of `model`'s live rows (deleted_at NULL): what an unfiltered list
    counts on every page (tracker.web.count_of reads it; `live_count_of`)."""
    rows = Rows(name, model, ("deleted_at",), counts=lambda row: row["deleted_at"] is None,
                where=lambda: model.deleted_at.is_(None))
    _LIVE[model.__table__] = name
    return rows


def live_count_of(table) -> str | None:
    """The name of the kept count of `table`'s live rows, if one is kept."""
    return _LIVE.get(table)


def declared() -> tuple[Rows, ...]:
    """Every kept count of rows the features declare."""
    return tuple(_KEPT)


def recount_all(connection) -> dict[str, int]:
    """Every kept count of rows (`Rows`) made right again: {name: count}."""
    return {rows.name: rows.recount(connection) for rows in _KEPT}


@click.command("recount-all")
@with_appcontext
def recount_all_command():
    """Count again every count kept by the writes (after writes that bypassed the application)."""
    counts = recount_all(db.session.connection())
    db.session.commit()
    for name, n in sorted(counts.items()):
        click.echo(f"{name}: {n}")


def _load_before_setting(target, value, oldvalue, initiator):
    return value  # the listener exists for its active_history: the value before is loaded


@event.listens_for(Session, "after_flush")
def _keep_counts(session: Session, _context) -> None:
    # the session's dirty records are found by walking its identity map: once a flush, not
    # once per count
    new, deleted, dirty = tuple(session.new), tuple(session.deleted), tuple(session.dirty)
    add_changes(session.connection(), {kept.name: kept.change(new, deleted, dirty) for kept in _KEPT})


@event.listens_for(Session, "do_orm_execute")
def _recount_after_bulk_writes(state):
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    kept = _BY_TABLE.get(getattr(state.statement, "table", None))
    if state.is_update and kept:
        # an UPDATE that sets none of a count's columns leaves it as it was (a talk's
        # confirmation): counting a province's table again would cost more than the write
        changed = set_columns(state.statement)
        kept = [rows for rows in kept if changed is None or changed & set(rows.watched)]
    if not kept:
        return None
    result = state.invoke_statement()
    for rows in kept:
        rows.recount(state.session.connection())
    return result


def set_columns(statement) -> set[str] | None:
    """The names of the columns an UPDATE sets, or None when it cannot tell."""
    values = getattr(statement, "_values", None) or dict(getattr(statement, "_ordered_values", None) or ())
    if not values:
        return None  # e.g. values given at execution: any column may change
    return {getattr(key, "key", key) for key in values}
