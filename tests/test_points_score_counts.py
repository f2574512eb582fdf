"""The spread of the tally's scores among live party members (tracker/points/score_counts.py),
which the bureau's points table counts its vanguard post from: after random sequences of writes
to people (added, deleted softly, restored, their party status changed, renamed, bulk updates
through the session) and to their manual points items (added reviewed in either year, their
occurrences or year changed, moved to another person, deleted), with a flush after each step
or one for them all, it must equal a count of the tally's rows of live party members. Runs on
SQLite and, with TEST_DATABASE_URL, on PostgreSQL (there also two concurrent writers of one
shard)."""
from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tests import people_writes
from tests.conftest import NOW, shard_writer
from tracker.extensions import db
from tracker.people.models import Person
from tracker.points import score_counts, tally
from tracker.points.models import PointsEntry, PointsScoreCount, PointsTally

n = people_writes.n
statuses = people_writes.statuses
codes = st.sampled_from(["volunteering", "award", "work_deduction", "integrity_breach"])
years = st.sampled_from([2025, 2026])
steps = st.lists(st.one_of(
    st.tuples(st.just("add"), statuses, people_writes.names, st.booleans()),
    st.tuples(st.just("delete"), n, st.booleans()),
    st.tuples(st.just("restore"), n, st.booleans()),
    st.tuples(st.just("status"), n, statuses, st.booleans()),
    st.tuples(st.just("rename"), n, people_writes.names, st.booleans()),
    st.tuples(st.just("bulk_status"), n, statuses),
    st.tuples(st.just("entry"), n, codes, st.integers(1, 3), years),
    st.tuples(st.just("entry_times"), n, st.integers(1, 3)),
    st.tuples(st.just("entry_year"), n, years),
    st.tuples(st.just("entry_person"), n, n),
    st.tuples(st.just("entry_delete"), n),
), min_size=1, max_size=15)


def kept(session) -> Counter:
    table = PointsScoreCount.__table__
    rows = session.execute(select(table.c.year, table.c.category, table.c.points, func.sum(table.c.n))
                           .group_by(table.c.year, table.c.category, table.c.points))
    return Counter({(y, c, p): k for y, c, p, k in rows if k})


def counted(session) -> Counter:
    rows = session.execute(select(PointsTally.year, PointsTally.category, PointsTally.points, func.count())
                           .join(Person, Person.id == PointsTally.person_id)
                           .where(Person.deleted_at.is_(None), Person.party_status != "none")
                           .group_by(PointsTally.year, PointsTally.category, PointsTally.points))
    return Counter({(y, c, p): k for y, c, p, k in rows})


def _entry(session, step, people: list, entries: list) -> None:
    what, i, *args = step
    if what == "entry":
        code, times, year = args
        entry = PointsEntry(person=people[i % len(people)], item_code=code, occurrences=times,
                            occurred_on=dt.date(year, 6, 1), reason="测试", status="reviewed")
        session.add(entry)
        entries.append(entry)
        return
    if not entries:
        return
    entry = entries[i % len(entries)]
    if what == "entry_times":
        entry.occurrences = args[0]
    elif what == "entry_year":
        entry.occurred_on = dt.date(args[0], 3, 1)
    elif what == "entry_person":
        other = people[args[0] % len(people)]
        if other.id is not None:
            entry.person_id = other.id
    elif what == "entry_delete":
        entry.deleted_at = NOW


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, flush_each=st.booleans())
def test_the_spread_of_scores_follows_every_write(session, steps, flush_each):
    nested = session.begin_nested()
    try:
        people = [Person(name="人员甲", party_status="full", source="in_house"),
                  Person(name="人员乙", party_status="none", source="in_house"),
                  Person(name="人员丙", party_status="probationary", source="in_house")]
        session.add_all(people)
        # each with points in both years from the start: any change of a person moves the spread
        entries = [PointsEntry(person=person, item_code=code, occurrences=k + 1, occurred_on=dt.date(year, 5, 1),
                               reason="测试", status="reviewed")
                   for k, person in enumerate(people) for code, year in (("award", 2026), ("volunteering", 2025))]
        session.add_all(entries)
        session.flush()
        assert kept(session) == counted(session) != Counter()
        for step in steps:
            if step[0].startswith("entry"):
                _entry(session, step, people, entries)
            else:
                people_writes.apply(session, step, people)
            if flush_each:
                session.flush()
                assert kept(session) == counted(session), step
        session.flush()
        assert kept(session) == counted(session)
        for year in (2025, 2026):  # the reader's sum over the scores at or above a threshold
            for least in (-5, 1, 10, 15):
                at_least = sum(k for (y, c, p), k in counted(session).items()
                               if y == year and c == tally.TOTAL and p >= least)
                assert session.scalar(select(score_counts.at_least(year, tally.TOTAL, least))) == at_least
    finally:
        nested.rollback()


def test_a_rebuild_of_the_tally_counts_the_spread_again(app, session, make_person, make_points_entry):
    a = make_person()
    make_points_entry(a, "award", status="reviewed", occurrences=2)
    assert kept(session) == counted(session) != Counter()
    session.execute(text("UPDATE points_score_count SET n = n + 7"))
    assert kept(session) != counted(session)
    result = app.test_cli_runner().invoke(args=["points", "rebuild"])
    assert result.exit_code == 0, result.output
    assert kept(session) == counted(session)


#: a year no other test writes: the concurrent writers commit, and their rows are removed after
FAR = 1901


@pytest.fixture
def engine(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers: SQLite lets one transaction write at a time")
    with app.app_context():
        engine = db.engine
    yield engine
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM points_score_count WHERE year = {FAR}"))



def test_writers_of_one_shard_adding_scores_in_opposite_orders_wait_in_line_not_in_a_circle(engine):
    first, second = shard_writer(engine, 5), shard_writer(engine, 5)
    low, high = (FAR, tally.TOTAL, 1), (FAR, tally.TOTAL, 2)
    failed: list[BaseException] = []

    def other_order():  # two flushes of one transaction: the high score, then the low one
        try:
            score_counts.add(second, Counter({high: 1}))
            score_counts.add(second, Counter({low: 1}))
            second.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failed.append(error)
            second.rollback()

    try:
        score_counts.add(first, Counter({low: 1}))
        thread = threading.Thread(target=other_order)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second writer waits for the first's shard"
        score_counts.add(first, Counter({high: 1}))  # a deadlock here if the second held the high row
        first.commit()
        thread.join(10)
        assert not failed, failed
    finally:
        first.close()
        second.close()
    with engine.connect() as conn:
        assert [conn.scalar(select(score_counts.at_least(FAR, tally.TOTAL, p))) for p in (1, 2)] == [4, 2]
