"""The stored due talks (tracker/due/models.py) after random sequences of writes — dispatches
added, moved, re-dated and deleted; talks recorded, re-dated, re-typed, moved, deleted and
restored; people and projects deleted and restored — against the rules' answer computed from
the records themselves: the rows the flushes kept cannot drift from what the rules say.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tests.conftest import NOW, TODAY
from tracker import kept_counts
from tracker.dispatches.models import Dispatch
from tracker.due import DueFilters, due_items
from tracker.due.engine import due_counts
from tracker.due.models import DueTalk
from tracker.due.rules import TALK_KINDS, state_of, talk_due_dates
from tracker.due.upkeep import rebuild
from tracker.talks.models import Talk

day = dt.timedelta(days=1)
TALK_TYPE = {"pre_talk": "pre_dispatch", "post_talk": "post_dispatch"}
RULES = {"pre_talk_days_before_departure": 2, "post_talk_grace_days": 10, "integrity_disclosure_days": 3,
         "integrity_revisit_days": 30, "due_soon_days": 7}

offsets = st.integers(-40, 40)
n = st.integers(0, 20)
steps = st.lists(st.one_of(
    st.tuples(st.just("add_dispatch"), n, n, offsets, st.integers(0, 30)),
    st.tuples(st.just("move_dispatch"), n, n),
    st.tuples(st.just("redate_dispatch"), n, offsets, st.integers(0, 30)),
    st.tuples(st.just("delete_dispatch"), n, st.booleans()),
    st.tuples(st.just("add_talk"), n, st.sampled_from(["pre_dispatch", "post_dispatch", "integrity_reminder"]),
              offsets),
    st.tuples(st.just("edit_talk"), n, st.sampled_from(["pre_dispatch", "post_dispatch"]), offsets),
    st.tuples(st.just("move_talk"), n, n),
    st.tuples(st.just("delete_talk"), n, st.booleans()),
    st.tuples(st.just("hard_delete_talk"), n),
    st.tuples(st.just("delete_person"), n, st.booleans()),
    st.tuples(st.just("delete_project"), n, st.booleans()),
), min_size=1, max_size=15)


def _pick(items: list, i: int):
    return items[i % len(items)] if items else None


def _apply(session, step, people, projects, dispatches, talks) -> None:
    what, *args = step
    if what == "add_dispatch":
        departure = TODAY + args[2] * day
        dispatch = Dispatch(person=_pick(people, args[0]), project=_pick(projects, args[1]),
                            departure_date=departure, return_date=departure + args[3] * day)
        session.add(dispatch)
        dispatches.append(dispatch)
    elif (dispatch := _pick(dispatches, args[0])) is not None and what.endswith("_dispatch"):
        if what == "move_dispatch":
            dispatch.project = _pick(projects, args[1])
        elif what == "redate_dispatch":
            dispatch.departure_date = TODAY + args[1] * day
            dispatch.return_date = dispatch.departure_date + args[2] * day
        else:
            dispatch.deleted_at = NOW if args[1] else None
    elif what == "add_talk" and dispatches:
        dispatch = _pick(dispatches, args[0])
        talk = Talk(talk_type=args[1], dispatch=dispatch, person=dispatch.person, conducted_by=people[0],
                    talk_date=TODAY + args[2] * day, status="draft")
        session.add(talk)
        talks.append(talk)
    elif what.endswith("_talk") and (talk := _pick(talks, args[0])) is not None:
        if what == "edit_talk":
            talk.talk_type, talk.talk_date = args[1], TODAY + args[2] * day
        elif what == "move_talk":
            talk.dispatch = _pick(dispatches, args[1])
        elif what == "delete_talk":
            talk.deleted_at = NOW if args[1] else None
        else:
            session.flush()  # a talk not yet written cannot be deleted
            session.delete(talk)
            talks.remove(talk)
    elif what == "delete_person":
        _pick(people, args[0]).deleted_at = NOW if args[1] else None
    elif what == "delete_project":
        _pick(projects, args[0]).deleted_at = NOW if args[1] else None


def _expected(dispatches, talks) -> set[tuple]:
    """(dispatch, kind, base, talk, done_on) by the records, as the rules define them."""
    rows = set()
    for d in dispatches:
        if d.deleted_at or d.person.deleted_at or d.project.deleted_at:
            continue
        for kind in TALK_KINDS:
            held = sorted((t.talk_date, t.id) for t in talks
                          if t.dispatch_id == d.id and t.talk_type == TALK_TYPE[kind] and t.deleted_at is None)
            done_on, talk_id = held[0] if held else (None, None)
            base = d.departure_date if kind == "pre_talk" else d.return_date
            rows.add((d.id, kind, base, talk_id, done_on))
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, today_offset=offsets, flush_each=st.booleans())
def test_stored_due_talks_follow_every_write(session, make_person, make_project, steps, today_offset,
                                            flush_each):
    today = TODAY + today_offset * day
    nested = session.begin_nested()
    try:
        people = [make_person(), make_person()]
        projects = [make_project(code="S-1"), make_project(code="S-2")]
        dispatches, talks = [], []
        for step in steps:
            _apply(session, step, people, projects, dispatches, talks)
            if flush_each:
                session.flush()
        session.flush()
        project_ids = frozenset(p.id for p in projects)
        stored = {(r.dispatch_id, r.kind, r.base_on, r.talk_id, r.done_on)
                  for r in session.scalars(select(DueTalk).where(DueTalk.project_id.in_(project_ids)))}
        expected = _expected(dispatches, talks)
        assert stored == expected
        _assert_kept_counts(session)
        # the states the pages show, counted and listed, are the rules' states
        states = {}
        for d_id, kind, _base, _talk, done_on in expected:
            d = next(x for x in dispatches if x.id == d_id)
            due = talk_due_dates(d.departure_date, d.return_date, RULES)[kind]
            opens = d.return_date if kind == "post_talk" else None
            states[(d_id, kind)] = state_of(due, done_on, today, RULES["due_soon_days"], opens)
        filters = DueFilters(project_ids=project_ids, kinds=frozenset(TALK_KINDS))
        got = {(i.dispatch_id, i.kind): i.state for i in due_items(filters, today=today, rules=RULES)}
        assert got == states
        counts = due_counts(filters, today=today, rules=RULES)
        assert {s: c for s, c in counts.items() if c} == {
            s: sum(1 for v in states.values() if v == s) for s in set(states.values())}
        # asked for every due talk (this test's are all there are), the done ones are counted
        # as what the other states leave of the whole table: the same answer
        assert due_counts(DueFilters(kinds=frozenset(TALK_KINDS)), today=today, rules=RULES) == counts
        assert due_counts(DueFilters(), today=today, rules=RULES) == due_counts(
            DueFilters(project_ids=project_ids), today=today, rules=RULES)
        # a rebuild from the tables writes the same rows
        rebuild()
        rebuilt = {(r.dispatch_id, r.kind, r.base_on, r.talk_id, r.done_on)
                   for r in session.scalars(select(DueTalk).where(DueTalk.project_id.in_(project_ids)))}
        assert rebuilt == stored
        _assert_kept_counts(session)
    finally:
        nested.rollback()


def _assert_kept_counts(session) -> None:
    """The counts the lists read (tracker.kept_counts), kept by the same writes, are the
    tables' own counts."""
    assert session.scalar(select(kept_counts.read_statement("due_talk"))) == session.scalar(
        select(func.count()).select_from(DueTalk))
    assert session.scalar(select(kept_counts.read_statement("talk"))) == session.scalar(
        select(func.count()).select_from(Talk).where(Talk.deleted_at.is_(None)))


def test_a_bulk_load_that_skips_the_upkeep_is_repaired_by_flask_due_rebuild(app, session, make_person,
                                                                           make_project):
    from sqlalchemy import insert

    from tracker import clock

    person, project = make_person(), make_project()
    row = {"person_id": person.id, "project_id": project.id, "departure_date": TODAY, "return_date": TODAY,
           "note": "", "created_at": clock.now(), "updated_at": clock.now(), "version": 1}
    mine = select(DueTalk).where(DueTalk.person_id == person.id)
    session.execute(insert(Dispatch), [row])  # a bulk write through the session: kept at once
    assert len(session.scalars(mine).all()) == 2
    session.info["due_upkeep_off"] = True  # a loader that rebuilds at its end
    try:
        session.execute(insert(Dispatch), [row])
        assert len(session.scalars(mine).all()) == 2
    finally:
        session.info.pop("due_upkeep_off")
    session.flush()
    result = app.test_cli_runner().invoke(args=["due", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "due talks written" in result.output
    session.expire_all()
    assert {(r.kind, r.base_on) for r in session.scalars(mine)} == {("pre_talk", TODAY), ("post_talk", TODAY)}
    assert len(session.scalars(mine).all()) == 4
    _assert_kept_counts(session)


def test_the_kept_talk_count_follows_bulk_writes_and_flask_talks_recount(app, session, make_person, make_project):
    from sqlalchemy import insert, update

    from tracker import clock

    person = make_person()
    talk = Talk(talk_type="other", person=person, conducted_by=person, talk_date=TODAY, status="draft")
    session.add(talk)
    session.flush()
    _assert_kept_counts(session)
    gone = Talk(talk_type="other", person=person, conducted_by=person, talk_date=TODAY, status="draft")
    session.add(gone)
    session.flush()
    gone.deleted_at = NOW
    session.flush()
    session.expire(gone)  # deleted for good while not loaded: it was not live, the count keeps
    session.delete(gone)
    session.flush()
    _assert_kept_counts(session)
    row = {"talk_type": "other", "person_id": person.id, "conducted_by_id": person.id, "talk_date": TODAY,
           "status": "draft", "key_points": "", "concerns": "", "follow_up": "", "created_at": clock.now(),
           "updated_at": clock.now(), "version": 1}
    session.execute(insert(Talk), [row, row])  # bulk writes through the session: counted again
    _assert_kept_counts(session)
    session.execute(update(Talk).where(Talk.id == talk.id).values(deleted_at=NOW)
                    .execution_options(synchronize_session=False))
    _assert_kept_counts(session)
    kept = session.scalar(select(kept_counts.read_statement("talk")))
    session.execute(text("UPDATE kept_count SET n = n + 5 WHERE name = 'talk' AND shard = 3"))  # a drift
    assert session.scalar(select(kept_counts.read_statement("talk"))) == kept + 5
    result = app.test_cli_runner().invoke(args=["talks", "recount"])
    assert result.exit_code == 0, result.output
    assert f"{kept} live talks" in result.output
    _assert_kept_counts(session)
