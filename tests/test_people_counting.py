"""The kept count of live party members (tracker/people/counting.py) after random sequences of
writes (tests/people_writes.py) against a count of the person table; `flask people recount`
repairs a drift. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tests import people_writes
from tracker import kept_counts
from tracker.people import counting
from tracker.people.models import Person


def _kept(session) -> int:
    return session.scalar(select(kept_counts.read_statement(counting.NAME)))


def _counted(session) -> int:
    return session.scalar(select(func.count()).select_from(Person).where(
        Person.deleted_at.is_(None), Person.party_status != "none"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=people_writes.steps, flush_each=st.booleans())
def test_the_kept_count_of_party_members_follows_every_write(session, steps, flush_each):
    def holds():
        assert _kept(session) == _counted(session)
    people = [Person(name="人员", party_status="full", source="in_house"),
              Person(name="人员", party_status="none", source="in_house")]
    people_writes.follow(session, people, steps, flush_each, holds)


def test_flask_people_recount_repairs_a_drift(app, session, make_person):
    make_person()
    kept = _kept(session)
    assert kept == _counted(session)
    session.execute(text(f"UPDATE kept_count SET n = n + 5 WHERE name = '{counting.NAME}' AND shard = 3"))
    assert _kept(session) == kept + 5
    result = app.test_cli_runner().invoke(args=["people", "recount"])
    assert result.exit_code == 0, result.output
    assert f"{kept} live party members" in result.output
    assert _kept(session) == _counted(session)
