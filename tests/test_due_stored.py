"""The stored due talks and checkpoints (tracker/due/models.py) after random sequences of
writes — dispatches added, moved, re-dated and deleted; talks recorded, re-dated, re-typed,
moved, deleted and restored; people and projects deleted and restored; projects added and
re-dated; checkpoints recorded, changed and removed — against the rules' answer computed from
the records themselves: the rows the flushes kept cannot drift from what the rules say.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tests.conftest import NOW, TODAY
from tracker import kept_counts
from tracker.dispatches.models import Dispatch
from tracker.due import DueFilters, due_items, kept
from tracker.due.engine import due_counts, due_state_counts
from tracker.due.models import DueCheckpoint, DueTalk
from tracker.due.rules import (
    CHECKPOINT_KINDS,
    OPEN_STATES,
    TALK_KINDS,
    checkpoint_due_dates,
    state_of,
    talk_due_dates,
)
from tracker.due.upkeep import rebuild
from tracker.projects.models import IntegrityCheckpoint, Project
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
    """The counts the lists read (tracker.kept_counts, tracker.due.kept), kept by the same
    writes, are the tables' own counts."""
    _assert_kept_by_lag_and_date(session)
    assert session.scalar(select(kept_counts.read_statement("due_talk"))) == session.scalar(
        select(func.count()).select_from(DueTalk))
    assert session.scalar(select(kept_counts.read_statement("talk"))) == session.scalar(
        select(func.count()).select_from(Talk).where(Talk.deleted_at.is_(None)))


def _assert_kept_by_lag_and_date(session) -> None:
    """The due items counted by kind and lag (done) and by kind and date (open), kept by the
    writes, are the counts of due_talk's and due_checkpoint's rows."""
    for table, kinds in ((DueTalk.__table__, TALK_KINDS), (DueCheckpoint.__table__, CHECKPOINT_KINDS)):
        counted = {row[:3]: row[3] for row in session.execute(kept.counted_from(table, kinds))}
        assert {row[:3]: row[3] for row in session.execute(kept.kept_statement(kinds))} == counted


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


# The stored due checkpoints ----------------------------------------------------------------
#: rules that move no due day: checkpoint_due_dates gives the date each kind counts from
NO_SHIFT = {**RULES, "integrity_disclosure_days": 0, "integrity_revisit_days": 0}
_codes = itertools.count()
checkpoint_steps = st.lists(st.one_of(
    st.tuples(st.just("add_project"), offsets, st.integers(0, 90), st.booleans()),
    st.tuples(st.just("redate_project"), n, st.one_of(st.none(), offsets), st.integers(0, 90)),
    st.tuples(st.just("delete_project"), n, st.booleans()),
    st.tuples(st.just("remove_project"), n),
    st.tuples(st.just("set_checkpoint"), n, st.sampled_from(CHECKPOINT_KINDS), st.one_of(st.none(), offsets)),
    st.tuples(st.just("note_checkpoint"), n),
    st.tuples(st.just("remove_checkpoint"), n),
), min_size=1, max_size=15)


def _apply_checkpoint_step(session, step, projects, checkpoints) -> None:
    what, *args = step
    if what == "add_project":
        start = TODAY + args[0] * day
        project = Project(code=f"C-{next(_codes)}", name="项目", audited_entity="单位",
                          project_type="field_audit", start_date=start, end_date=start + args[1] * day,
                          status="in_progress" if args[2] else "closed")
        session.add(project)
        projects.append(project)
    elif what == "set_checkpoint" and projects:
        project = _pick(projects, args[0])
        done_on = None if args[2] is None else TODAY + args[2] * day
        found = next((c for c in checkpoints if c.project is project and c.kind == args[1]), None)
        if found is None:
            checkpoint = IntegrityCheckpoint(project=project, kind=args[1], done_on=done_on)
            session.add(checkpoint)
            checkpoints.append(checkpoint)
        else:
            found.done_on = done_on
    elif what == "note_checkpoint" and (checkpoint := _pick(checkpoints, args[0])) is not None:
        checkpoint.note = f"{checkpoint.note}+"
    elif what == "remove_checkpoint" and (checkpoint := _pick(checkpoints, args[0])) is not None:
        session.flush()  # a checkpoint not yet written cannot be deleted
        session.delete(checkpoint)
        checkpoints.remove(checkpoint)
    elif what.endswith("_project") and (project := _pick(projects, args[0])) is not None:
        if what == "redate_project":
            if args[1] is not None:  # else only the end moves
                project.start_date = TODAY + args[1] * day
            project.end_date = project.start_date + args[2] * day
        elif what == "delete_project":
            project.deleted_at = NOW if args[1] else None
        else:  # removed for good (never by the application; a repair may), its checkpoints first
            session.flush()
            for checkpoint in [c for c in checkpoints if c.project is project]:
                session.delete(checkpoint)
                checkpoints.remove(checkpoint)
            session.delete(project)
            projects.remove(project)


def _expected_checkpoints(projects, checkpoints) -> set[tuple]:
    """(project, kind, base, done_on, done_lag) by the records, as the rules define them."""
    rows = set()
    for p in projects:
        if p.deleted_at is not None:
            continue
        for kind, base in checkpoint_due_dates(p.start_date, p.end_date, NO_SHIFT).items():
            done_on = next((c.done_on for c in checkpoints if c.project is p and c.kind == kind), None)
            rows.add((p.id, kind, base, done_on, None if done_on is None else (done_on - base).days))
    return rows


def _stored_checkpoints(session, project_ids) -> set[tuple]:
    return {(r.project_id, r.kind, r.base_on, r.done_on, r.done_lag) for r in session.scalars(
        select(DueCheckpoint).where(DueCheckpoint.project_id.in_(project_ids)).execution_options(
            populate_existing=True))}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=checkpoint_steps, today_offset=offsets, flush_each=st.booleans())
def test_stored_due_checkpoints_follow_every_write(session, steps, today_offset, flush_each):
    today = TODAY + today_offset * day
    nested = session.begin_nested()
    try:
        projects, checkpoints = [], []
        for step in steps:
            _apply_checkpoint_step(session, step, projects, checkpoints)
            if flush_each:
                session.flush()
        session.flush()
        project_ids = frozenset(p.id for p in projects) or frozenset({-1})
        stored = _stored_checkpoints(session, project_ids)
        assert stored == _expected_checkpoints(projects, checkpoints)
        # the states the pages show, counted and listed, are the rules' states
        states = {}
        for p in projects:
            if p.deleted_at is None:
                for kind, due in checkpoint_due_dates(p.start_date, p.end_date, RULES).items():
                    done_on = next((c.done_on for c in checkpoints if c.project is p and c.kind == kind), None)
                    states[(p.id, kind)] = (due, state_of(due, done_on, today, RULES["due_soon_days"]))
        filters = DueFilters(project_ids=project_ids, kinds=frozenset(CHECKPOINT_KINDS))
        got = {(i.project_id, i.kind): (i.due_on, i.state) for i in due_items(filters, today=today, rules=RULES)}
        assert got == states
        counts = due_counts(filters, today=today, rules=RULES)
        assert {s: c for s, c in counts.items() if c} == {
            s: sum(1 for _, v in states.values() if v == s) for s in {v for _, v in states.values()}}
        _assert_kept_by_lag_and_date(session)
        # asked for every due checkpoint (this test's are all there are), the states are
        # counted from the counts kept by lag and date: the same answer
        assert due_counts(DueFilters(kinds=frozenset(CHECKPOINT_KINDS)), today=today, rules=RULES) == counts
        headline = {}
        for due, state in states.values():
            if state in OPEN_STATES:
                headline[state] = (headline.get(state, (0, due))[0] + 1, min(due, headline.get(state, (0, due))[1]))
        got_headline = {}
        for _kind, state, n, first in due_state_counts(replace(filters, states=OPEN_STATES), today=today, rules=RULES):
            old_n, old_first = got_headline.get(state, (0, first))
            got_headline[state] = (old_n + n, min(first, old_first))
        assert got_headline == headline
        # a rebuild from the tables writes the same rows
        rebuild()
        assert _stored_checkpoints(session, project_ids) == stored
        _assert_kept_by_lag_and_date(session)
    finally:
        nested.rollback()


def test_bulk_writes_of_projects_and_checkpoints_keep_the_due_checkpoints(app, session, make_project):
    from sqlalchemy import insert, update

    project = make_project(start_date=TODAY, end_date=TODAY + 10 * day)
    mine = select(DueCheckpoint).where(DueCheckpoint.project_id == project.id)
    session.execute(update(IntegrityCheckpoint).where(IntegrityCheckpoint.project_id == project.id,
                                                      IntegrityCheckpoint.kind == "mid_check")
                    .values(done_on=TODAY + 7 * day).execution_options(synchronize_session=False))
    assert {(r.kind, r.base_on, r.done_lag) for r in session.scalars(mine)} == {
        ("disclosure", TODAY, None), ("pledges", TODAY, None), ("mid_check", TODAY + 5 * day, 2),
        ("closing_report", TODAY + 10 * day, None), ("revisit", TODAY + 10 * day, None)}
    session.info["due_upkeep_off"] = True  # a loader that rebuilds at its end
    try:
        session.execute(update(Project).where(Project.id == project.id).values(end_date=TODAY + 20 * day)
                        .execution_options(synchronize_session=False))
        session.execute(insert(IntegrityCheckpoint), [{"project_id": make_project().id, "kind": "extra",
                                                       "done_on": TODAY, "note": ""}])
        assert session.scalar(select(DueCheckpoint.base_on).where(
            DueCheckpoint.project_id == project.id, DueCheckpoint.kind == "revisit")) == TODAY + 10 * day
    finally:
        session.info.pop("due_upkeep_off")
    session.flush()
    result = app.test_cli_runner().invoke(args=["due", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "due checkpoints written" in result.output
    session.expire_all()
    assert {(r.kind, r.base_on, r.done_lag) for r in session.scalars(mine)} == {
        ("disclosure", TODAY, None), ("pledges", TODAY, None), ("mid_check", TODAY + 10 * day, -3),
        ("closing_report", TODAY + 20 * day, None), ("revisit", TODAY + 20 * day, None)}
