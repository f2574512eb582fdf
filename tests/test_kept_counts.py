"""tracker.kept_counts under concurrent writers, on PostgreSQL (SQLite has one writer at a
time): two transactions that change the counts in opposite orders do not wait for each other
in a circle, and making a count right again neither waits for a writer nor loses its change.

These tests commit on connections of their own, outside the test's rolled-back transaction,
and put the counts' rows back as they found them."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import literal, select, text

from tracker import kept_counts
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


def _writer(engine, shard: int):
    """A connection in a transaction that writes to `shard`, giving up a lock after 5 s."""
    conn = engine.connect()
    conn.info["kept_count_shard"] = shard
    conn.begin()
    conn.execute(text("SET LOCAL lock_timeout = '5s'"))
    return conn


def _kept(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(kept_counts.read_statement(name))).scalar()


def test_writers_changing_counts_in_opposite_orders_wait_in_line_not_in_a_circle(engine):
    talks, due_talks = _kept(engine, "talk"), _kept(engine, "due_talk")
    first, second = _writer(engine, 3), _writer(engine, 3)
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
    writer, repair = _writer(engine, 1), _writer(engine, 2)
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
