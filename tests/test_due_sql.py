"""The database's answer of due items (tracker/due/sql.py) against the rules' answer
(tracker/due/rules.py, pure functions) on random dispatches, talks, projects, checkpoints,
rules and days: the two definitions cannot drift apart. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NOW, TODAY
from tracker import vocab
from tracker.dispatches.models import Dispatch
from tracker.due import DueFilters, due_items
from tracker.due.engine import _few, due_counts, due_day_counts, due_items_pages, due_state_counts
from tracker.due.rules import (
    CHECKPOINT_KINDS,
    OPEN_STATES,
    TALK_KINDS,
    checkpoint_due_dates,
    state_of,
    talk_due_dates,
)
from tracker.projects.models import IntegrityCheckpoint, Project
from tracker.talks.models import Talk

day = dt.timedelta(days=1)
TALK_TYPE = {"pre_talk": "pre_dispatch", "post_talk": "post_dispatch"}

offsets = st.integers(-60, 60)
projects_st = st.lists(st.fixed_dictionaries({
    "start": offsets, "length": st.integers(0, 90), "deleted": st.booleans(),
    "done": st.dictionaries(st.sampled_from(CHECKPOINT_KINDS), st.one_of(st.none(), offsets), max_size=5),
}), min_size=1, max_size=3)
dispatches_st = st.lists(st.fixed_dictionaries({
    "project": st.integers(0, 2), "departure": offsets, "length": st.integers(0, 40),
    "deleted": st.booleans(),
    "talks": st.lists(st.tuples(st.sampled_from(["pre_dispatch", "post_dispatch", "integrity_reminder"]),
                                offsets, st.booleans()), max_size=3),
}), max_size=6)
rules_st = st.fixed_dictionaries({
    "pre_talk_days_before_departure": st.integers(0, 5), "post_talk_grace_days": st.integers(0, 20),
    "integrity_disclosure_days": st.integers(0, 5), "integrity_revisit_days": st.integers(0, 60),
    "due_soon_days": st.integers(0, 14),
})
filters_st = st.fixed_dictionaries({
    "states": st.one_of(st.none(), st.frozensets(st.sampled_from(list(vocab.DUE_STATES)), min_size=1)),
    "due_from": st.one_of(st.none(), offsets), "due_to": st.one_of(st.none(), offsets),
    "kinds": st.frozensets(st.sampled_from(TALK_KINDS + CHECKPOINT_KINDS), min_size=1),
})


def _reference(rows, rules: dict, today: dt.date) -> list[tuple]:
    """Every due item by the rules' pure functions, as (kind, project, dispatch, due, state, done, talk)."""
    projects, dispatches, talks, checkpoints = rows
    items = []
    for d in dispatches:
        if d.deleted_at is not None or projects[d.project_id].deleted_at is not None:
            continue
        due = talk_due_dates(d.departure_date, d.return_date, rules)
        for kind in TALK_KINDS:
            held = sorted((t.talk_date, t.id) for t in talks
                          if t.dispatch_id == d.id and t.talk_type == TALK_TYPE[kind] and t.deleted_at is None)
            done_on, talk_id = held[0] if held else (None, None)
            opens = d.return_date if kind == "post_talk" else None
            state = state_of(due[kind], done_on, today, rules["due_soon_days"], opens)
            items.append((kind, d.project_id, d.id, due[kind], state, done_on, talk_id))
    for p in projects.values():
        if p.deleted_at is not None:
            continue
        for kind, due in checkpoint_due_dates(p.start_date, p.end_date, rules).items():
            done_on = checkpoints.get((p.id, kind))
            items.append((kind, p.id, None, due, state_of(due, done_on, today, rules["due_soon_days"]), done_on, None))
    return items


def _write(session, person, projects_data, dispatches_data):
    projects, dispatches, talks, checkpoints = {}, [], [], {}
    for n, data in enumerate(projects_data):
        start = TODAY + data["start"] * day
        project = Project(code=f"H-{n}", name=f"项目{n}", audited_entity="单位", project_type="field_audit",
                          start_date=start, end_date=start + data["length"] * day, status="in_progress",
                          deleted_at=NOW if data["deleted"] else None)
        session.add(project)
        session.flush()
        projects[project.id] = project
        for kind, done in data["done"].items():
            done_on = None if done is None else TODAY + done * day
            session.add(IntegrityCheckpoint(project_id=project.id, kind=kind, done_on=done_on))
            checkpoints[(project.id, kind)] = done_on
    ids = list(projects)
    for data in dispatches_data:
        departure = TODAY + data["departure"] * day
        dispatch = Dispatch(person_id=person.id, project_id=ids[data["project"] % len(ids)],
                            departure_date=departure, return_date=departure + data["length"] * day,
                            deleted_at=NOW if data["deleted"] else None)
        session.add(dispatch)
        session.flush()
        dispatches.append(dispatch)
        for talk_type, offset, deleted in data["talks"]:
            talk = Talk(talk_type=talk_type, dispatch_id=dispatch.id, person_id=person.id,
                        conducted_by_id=person.id, talk_date=TODAY + offset * day, status="draft",
                        deleted_at=NOW if deleted else None)
            session.add(talk)
            talks.append(talk)
    session.flush()
    return projects, dispatches, talks, checkpoints


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects_data=projects_st, dispatches_data=dispatches_st, rules=rules_st, today_offset=offsets,
       chosen=filters_st)
def test_the_database_answers_as_the_rules_do(session, make_person, projects_data, dispatches_data, rules,
                                              today_offset, chosen):
    today = TODAY + today_offset * day
    nested = session.begin_nested()
    try:
        person = make_person()
        rows = _write(session, person, projects_data, dispatches_data)
        project_ids = frozenset(rows[0])
        expected = _reference(rows, rules, today)
        got = due_items(DueFilters(project_ids=project_ids), today=today, rules=rules)
        assert sorted(expected, key=repr) == sorted(
            ((i.kind, i.project_id, i.dispatch_id, i.due_on, i.state, i.done_on, i.talk_id) for i in got), key=repr)
        assert [i.due_on for i in got] == sorted(i.due_on for i in got)

        # filtered and counted in the database, as the rules would filter and count
        due_from = None if chosen["due_from"] is None else today + chosen["due_from"] * day
        due_to = None if chosen["due_to"] is None else today + chosen["due_to"] * day
        filters = DueFilters(project_ids=project_ids, kinds=chosen["kinds"], states=chosen["states"],
                             due_from=due_from, due_to=due_to)
        wanted = [i for i in expected if i[0] in chosen["kinds"]
                  and (due_from is None or i[3] >= due_from) and (due_to is None or i[3] <= due_to)]
        counts = due_counts(filters, today=today, rules=rules)
        assert counts == {s: sum(1 for i in wanted if i[4] == s) for s in vocab.DUE_STATES}
        by_day = {}
        for i in wanted:
            if chosen["states"] is None or i[4] in chosen["states"]:
                by_day[(i[0], i[4], i[3])] = by_day.get((i[0], i[4], i[3]), 0) + 1
        got_days = due_day_counts(filters, today=today, rules=rules)
        assert {(k, s, d): n for k, s, d, n in got_days} == by_day
        assert len(got_days) == len(by_day)
        in_state = [i for i in wanted if chosen["states"] is None or i[4] in chosen["states"]]
        got = due_items(filters, today=today, rules=rules)
        assert sorted(in_state, key=repr) == sorted(
            ((i.kind, i.project_id, i.dispatch_id, i.due_on, i.state, i.done_on, i.talk_id) for i in got), key=repr)
        # paging in the database gives the same rows, page by page
        pages = [due_items(filters, today=today, rules=rules, limit=4, offset=n) for n in range(0, len(got), 4)]
        assert [i for page in pages for i in page] == got
        # ... and from the latest due day down (the dashboard's newest overdue)
        newest = due_items(filters, today=today, rules=rules, newest_first=True)
        assert sorted(newest, key=repr) == sorted(got, key=repr)
        assert [i.due_on for i in newest] == sorted((i.due_on for i in got), reverse=True)
        pages = [due_items(filters, today=today, rules=rules, limit=3, offset=n, newest_first=True)
                 for n in range(0, len(got), 3)]
        assert [i for page in pages for i in page] == newest
        # the first pages of several lists at once, each in its order, as one by one
        other = replace(filters, states=frozenset({"overdue"}) if chosen["states"] is None else None)
        for limit in (1, 3):
            assert due_items_pages((filters, True), (other, False), (filters, False), limit=limit,
                                   today=today, rules=rules) == [
                due_items(filters, today=today, rules=rules, limit=limit, newest_first=True),
                due_items(other, today=today, rules=rules, limit=limit),
                due_items(filters, today=today, rules=rules, limit=limit)]
        # counted per kind and state with the earliest due day (the dashboard's headline)
        summary = {}
        for i in in_state:
            n, first = summary.get((i[0], i[4]), (0, i[3]))
            summary[(i[0], i[4])] = (n + 1, min(first, i[3]))
        got_states = due_state_counts(filters, today=today, rules=rules)
        assert {(k, s): (n, first) for k, s, n, first in got_states} == summary
        assert len(got_states) == len(summary)
    finally:
        nested.rollback()


few_states_st = st.sampled_from([None, OPEN_STATES, frozenset({"done"}), frozenset({"done", "done_late"}),
                                 frozenset({"overdue", "done"}), frozenset(vocab.DUE_STATES)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects_data=projects_st, dispatches_data=dispatches_st, rules=rules_st, today_offset=offsets,
       kinds=filters_st.map(lambda f: f["kinds"]), states=few_states_st)
def test_the_items_of_one_record_read_in_a_part_per_table_are_those_of_a_part_per_kind(
        session, make_person, projects_data, dispatches_data, rules, today_offset, kinds, states):
    # a project's, a person's or a dispatch's items (engine._merged_select: the kinds of one
    # table in one select, a CASE on the kind where their columns differ) against the rules,
    # and in the order of the same items read one part per kind
    today = TODAY + today_offset * day
    nested = session.begin_nested()
    try:
        person = make_person()
        rows = _write(session, person, projects_data, dispatches_data)
        expected = [i for i in _reference(rows, rules, today)
                    if i[0] in kinds and (states is None or i[4] in states)]

        def items(filters):
            assert _few(filters)
            return [(i.kind, i.project_id, i.dispatch_id, i.due_on, i.state, i.done_on, i.talk_id)
                    for i in due_items(filters, today=today, rules=rules)]

        for project_id in rows[0]:
            got = items(DueFilters(project_id=project_id, kinds=kinds, states=states))
            assert sorted(got, key=repr) == sorted((i for i in expected if i[1] == project_id), key=repr)
            per_kind = due_items(DueFilters(project_ids=frozenset({project_id}), kinds=kinds, states=states),
                                 today=today, rules=rules)
            assert got == [(i.kind, i.project_id, i.dispatch_id, i.due_on, i.state, i.done_on, i.talk_id)
                           for i in per_kind]
        talks = [i for i in expected if i[0] in TALK_KINDS]
        got = items(DueFilters(person_id=person.id, kinds=kinds, states=states))
        assert sorted(got, key=repr) == sorted(talks, key=repr)
        assert [i[3] for i in got] == sorted(i[3] for i in got)
        for dispatch in rows[1][:2]:
            got = items(DueFilters(dispatch_id=dispatch.id, kinds=kinds, states=states))
            assert sorted(got, key=repr) == sorted((i for i in talks if i[2] == dispatch.id), key=repr)
    finally:
        nested.rollback()
