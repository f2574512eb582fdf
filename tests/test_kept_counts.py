"""tracker.kept_counts under concurrent writers, on PostgreSQL (SQLite has one writer at a
time): two transactions that change the counts in opposite orders do not wait for each other
in a circle, and making a count right again neither waits for a writer nor loses its change.

These tests commit on connections of their own, outside the test's rolled-back transaction,
and put the counts' rows back as they found them."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import literal, select, text

from tests.conftest import shard_writer
from tracker import kept_counts
from tracker.due import kept
from tracker.extensions import db


@pytest.fixture
def engine(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers: SQLite lets one transaction write at a time")
    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        saved = conn.execute(text("SELECT name, shard, n FROM kept_count")).all()
    yield engine
    with engine.begin() as conn:
        for name, shard, n in saved:
            conn.execute(text("UPDATE kept_count SET n = :n WHERE name = :name AND shard = :shard"),
                         {"n": n, "name": name, "shard": shard})



def _kept(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(kept_counts.read_statement(name))).scalar()


def test_writers_changing_counts_in_opposite_orders_wait_in_line_not_in_a_circle(engine):
    talks, due_talks = _kept(engine, "talk"), _kept(engine, "due_talk")
    first, second = shard_writer(engine, 3), shard_writer(engine, 3)
    failed: list[BaseException] = []

    def other_order():
        try:
            kept_counts.add(second, "due_talk", 1)
            kept_counts.add(second, "talk", 1)
            second.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failed.append(error)
            second.rollback()

    try:
        kept_counts.add(first, "talk", 1)
        thread = threading.Thread(target=other_order)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second writer waits for the first's shard"
        kept_counts.add(first, "due_talk", 1)  # a deadlock here if the second held due_talk's row
        first.commit()
        thread.join(10)
        assert not failed, failed
    finally:
        first.close()
        second.close()
    assert (_kept(engine, "talk"), _kept(engine, "due_talk")) == (talks + 2, due_talks + 2)


def test_making_a_count_right_neither_waits_for_a_writer_nor_loses_its_change(engine):
    writer, repair = shard_writer(engine, 1), shard_writer(engine, 2)
    try:
        kept_counts.add(writer, "talk", 1)  # a talk added, not yet committed: not in any count
        # the table counts 100 rows without it (the statement stands for the recount's)
        assert kept_counts.write(repair, "talk", select(literal(100))) == 100
        repair.commit()
        assert _kept(engine, "talk") == 100
        writer.commit()
    finally:
        writer.close()
        repair.close()
    assert _kept(engine, "talk") == 101


# The due items counted by lag and by date (tracker.due.kept), kept in the same shards --------
#: rows as a DELETE or INSERT … RETURNING of due_talk gives them: (kind, done_lag, base_on)
_DONE_IN_TIME = ("pre_talk", 0, dt.date(2030, 1, 1))
_OPEN = ("pre_talk", None, dt.date(2030, 1, 1))


def _kept_due(engine) -> dict:
    with engine.connect() as conn:
        return {row[:3]: row[3] for row in conn.execute(kept.kept_statement(["pre_talk"]))}


def _due_writer(engine, shard: int, writes, failed: list) -> threading.Thread:
    """A thread that adds `writes` ((removed, written) pairs) one statement at a time, on a
    connection of `shard`, then commits."""
    def run():
        conn = shard_writer(engine, shard)
        try:
            for removed, written in writes:
                kept.changed(conn, removed, written)
            conn.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failed.append(error)
            conn.rollback()
        finally:
            conn.close()
    return threading.Thread(target=run)


@pytest.mark.parametrize("shards", [(4, 4), (4, 6)])
def test_due_counts_by_lag_and_date_have_writers_wait_in_line_not_in_a_circle(engine, shards):
    """Two writers at once, one adding to a lag's row then to a date's (a talk recorded, its
    dispatch's rows written by two flushes), the other in the opposite order: on one shard
    the second waits for the first; on two shards neither waits; both changes land."""
    lag_row, day_row = ("pre_talk", 0, None), ("pre_talk", None, _OPEN[2])

    def kept_rows():
        counts = _kept_due(engine)
        return counts.get(lag_row, 0), counts.get(day_row, 0)

    before = kept_rows()
    first, failed = shard_writer(engine, shards[0]), []
    second = _due_writer(engine, shards[1], [((), [_OPEN]), ((), [_DONE_IN_TIME])], failed)
    try:
        kept.changed(first, (), [_DONE_IN_TIME])
        second.start()
        second.join(0.5)
        assert second.is_alive() == (shards[0] == shards[1]), "one shard: the second waits in line"
        kept.changed(first, (), [_OPEN])  # a deadlock here if the second held the date's row
        first.commit()
        second.join(10)
        assert not failed, failed
        assert kept_rows() == (before[0] + 2, before[1] + 2)
    finally:
        first.close()
        second.join(10)
        added = [n - was for n, was in zip(kept_rows(), before, strict=True)]
        with engine.begin() as conn:  # put back what the writers added
            kept.changed(conn, [row for row, n in zip((_DONE_IN_TIME, _OPEN), added, strict=True)
                                for _ in range(n)], ())
    assert kept_rows() == before
