"""The kept monthly counts of study sessions (tracker/study/models.py, StudyMonth) after random
sequences of writes — sessions added, moved to another day, month or branch, re-typed,
submitted, reviewed, returned, deleted, restored and removed for good; attendance taken,
changed and removed, members signing themselves in, bulk loads — against a count of the
records themselves; and the figures that read them — the dashboard's attendance and sessions
per month, the study rules' gaps — against the same answers from the sessions.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select

from tests.conftest import NOW, TODAY
from tracker.dashboard import figures
from tracker.periods import Period
from tracker.study import rules, upkeep
from tracker.study.models import Attendance, StudyMonth, StudyMonthTotal, StudySession

day = dt.timedelta(days=1)
TYPES = ["theme_party_day", "party_lesson", "committee_meeting", "branch_meeting", "group_study"]
STATUSES = ["draft", "submitted", "reviewed", "reviewed", "returned"]
ATTENDANCE = ["present", "leave", "absent"]
#: the rules table of the default settings, and one asking two party lessons a quarter by the 20th
RULE_SETS = [
    {"due_soon_days": 7, "sessions": {
        "branch_meeting": {"every_months": 3}, "committee_meeting": {}, "party_lesson": {"every_months": 3},
        "theme_party_day": {"due_day": 10}}},
    {"due_soon_days": 7, "sessions": {
        "party_lesson": {"every_months": 3, "required": 2, "due_day": 20}, "committee_meeting": {"required": 2},
        "group_study": {"every_months": 3, "required": 2}}},
]

days = st.integers(-130, 0)
n = st.integers(0, 30)
add = st.tuples(st.just("add"), n, st.sampled_from(TYPES), days, st.sampled_from(STATUSES),
                st.lists(st.sampled_from(ATTENDANCE), max_size=3))
steps = st.lists(st.one_of(
    add, add, add,
    st.tuples(st.just("redate"), n, days),
    st.tuples(st.just("move"), n, n),
    st.tuples(st.just("retype"), n, st.sampled_from(TYPES)),
    st.tuples(st.just("status"), n, st.sampled_from(STATUSES)),
    st.tuples(st.just("delete"), n, st.booleans()),
    st.tuples(st.just("hard_delete"), n),
    st.tuples(st.just("attend"), n, n, st.sampled_from(ATTENDANCE)),
    st.tuples(st.just("unattend"), n, n),
    st.tuples(st.just("self_sign"), n, n),
    st.tuples(st.just("bulk_attend"), n, n),
    st.tuples(st.just("dissolve"), n, days),
), min_size=1, max_size=25)


def _pick(items: list, i: int):
    return items[i % len(items)] if items else None


def _apply(session, step, branches, people, held) -> None:
    what, *args = step
    if what == "add":
        s = StudySession(branch=_pick(branches, args[0]), session_type=args[1], held_on=TODAY + args[2] * day,
                         start_time=dt.time(9), end_time=dt.time(10), place="会议室", topic="学习",
                         status=args[3])
        s.attendance = [Attendance(person=p, status=status) for p, status in zip(people, args[4], strict=False)]
        session.add(s)
        held.append(s)
        return
    if what == "dissolve":
        branch = _pick(branches, args[0])
        branch.status, branch.dissolved_on = "dissolved", max(branch.approval_date, TODAY + args[1] * day)
        return
    s = _pick(held, args[0])
    if s is None:
        return
    if what == "redate":
        s.held_on = TODAY + args[1] * day
    elif what == "move":
        s.branch = _pick(branches, args[1])
    elif what == "retype":
        s.session_type = args[1]
    elif what == "status":
        s.status = args[1]
    elif what == "delete":
        s.deleted_at = NOW if args[1] else None
    elif what == "hard_delete":
        session.flush()  # a session not yet written cannot be deleted
        session.delete(s)
        held.remove(s)
    elif what in ("attend", "unattend"):
        person = _pick(people, args[1])
        row = next((a for a in s.attendance if a.person is person), None)
        if what == "unattend":
            if row is not None:
                s.attendance.remove(row)
                # as a save of the session's form ends: a flush inserts before it deletes, so
                # the same person added again in the same flush would meet their old row
                # (the app's attendance form keeps a person's row and changes it)
                session.flush()
        elif row is None:
            s.attendance.append(Attendance(person=person, status=args[2]))
        else:
            row.status = args[2]
    else:  # a member signs in (members' self sign-in), or a bulk load adds a row
        session.flush()
        person = _pick(people, args[1])
        if any(a.person_id == person.id for a in s.attendance):
            return
        row = {"session_id": s.id, "person_id": person.id, "status": "present", "reason": ""}
        if what == "self_sign":
            with upkeep.writing_attendance_of(session, [s.id]):
                session.execute(insert(Attendance), [row])
        else:
            session.execute(insert(Attendance), [row])
        session.expire(s, ["attendance"])


def _counted(held) -> list[StudySession]:
    return [s for s in held if s.deleted_at is None and s.status in rules.COUNTED]


def _expected(held) -> set[tuple]:
    """(branch, month, type, sessions, first and last held on, expected, present), from the sessions."""
    months: dict[tuple, list[StudySession]] = {}
    for s in _counted(held):
        months.setdefault((s.branch_id, s.held_on.replace(day=1), s.session_type), []).append(s)
    return {(*key, len(group), min(s.held_on for s in group), max(s.held_on for s in group), sum(len(s.attendance) for s in group),
             sum(1 for s in group for a in s.attendance if a.status == "present"))
            for key, group in months.items()}


def _stored(session, branches) -> set[tuple]:
    return {(r.branch_id, r.month, r.session_type, r.sessions, r.first_held_on, r.last_held_on, r.expected, r.present) for r in
            session.scalars(select(StudyMonth).where(StudyMonth.branch_id.in_([b.id for b in branches])))}


def _totals(session) -> dict:
    """The bureau's kept monthly totals, without those kept at nought."""
    return {(r.month, r.session_type): r.sessions for r in session.scalars(select(StudyMonthTotal)) if r.sessions}


def _summed(session) -> dict:
    """The same totals summed from every branch's study_month rows."""
    return {(month, kind): n for month, kind, n in session.execute(
        select(StudyMonth.month, StudyMonth.session_type, func.sum(StudyMonth.sessions))
        .group_by(StudyMonth.month, StudyMonth.session_type))}


def _states(compliance: rules.Compliance) -> dict:
    return {(d.session_type, d.first): (d.due, d.state) for d in compliance.all}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, flush_each=st.booleans(), period=st.tuples(days, st.integers(0, 120)),
       rule_set=st.sampled_from(RULE_SETS))
def test_kept_months_follow_every_write(app, session, make_person, make_branch, steps, flush_each, period,
                                        rule_set):
    nested = session.begin_nested()
    try:
        people = [make_person(), make_person(), make_person()]
        # approved long ago, in the middle of a month of the period, and on a month's first day
        branches = [make_branch(approval_date=dt.date(2025, 1, 1)), make_branch(approval_date=TODAY - 100 * day),
                    make_branch(approval_date=dt.date(2026, 3, 1))]
        held: list[StudySession] = []
        for step in steps:
            _apply(session, step, branches, people, held)
            if flush_each:
                session.flush()
        session.flush()
        for s in held:
            session.refresh(s, ["attendance"])
        expected = _expected(held)
        assert _stored(session, branches) == expected
        assert _totals(session) == _summed(session)

        # the figures read from the months answer what the sessions say
        first = TODAY + period[0] * day
        chosen = Period("custom", first, min(first + period[1] * day, TODAY))
        everyone = figures.Scope(None, True)
        mine = {b.id for b in branches}
        in_period = [s for s in _counted(held) if chosen.first <= s.held_on <= chosen.last]
        got = {r.branch_id: (r.sessions, r.expected, r.present) for r in figures.attendance(everyone, chosen)
               if r.branch_id in mine}
        assert got == {b: (sum(1 for s in in_period if s.branch_id == b),
                           sum(len(s.attendance) for s in in_period if s.branch_id == b),
                           sum(1 for s in in_period if s.branch_id == b for a in s.attendance
                               if a.status == "present"))
                       for b in {s.branch_id for s in in_period}}
        one = figures.Scope(None, True, branches[0].id)
        months = figures.chart_months(chosen)
        assert figures.sessions_by_month(one, months) == {m: Counter({
            k: v for k, v in Counter(s.session_type for s in _counted(held) if s.branch_id == branches[0].id
                                     and s.held_on.replace(day=1) == m).items()}) for m in months}

        # the rules judge the months' counts as they judge the sessions
        for b in branches:
            session.refresh(b)
        judged = rules.for_branches([b.id for b in branches], TODAY, rule_set, within=(chosen.first, chosen.last))
        for b in branches:
            sessions = [rules.Held(s.held_on, s.session_type, s.id) for s in _counted(held) if s.branch_id == b.id]
            by_sessions = rules.compliance(rules.period_of(b), sessions, TODAY, rule_set,
                                           within=(chosen.first, chosen.last))
            assert _states(judged[b.id]) == _states(by_sessions)
        # every branch the counts cannot show settled is left to the rules (the dashboard's gaps)
        found = rules.may_owe(branches, TODAY, (chosen.first, chosen.last), rule_set)
        owing = {b.id for b in found.branches}
        # ...and the same when it reads every branch's counts (the whole bureau's dashboard)
        read_all = rules.may_owe(branches, TODAY, (chosen.first, chosen.last), rule_set, every_branch=True)
        assert [b.id for b in read_all.branches] == [b.id for b in found.branches]
        assert sorted(map(tuple, read_all.counts)) == sorted(map(tuple, found.counts))
        for b in branches:
            if b.id not in owing:
                assert not [d for d in judged[b.id].all if d.state in ("overdue", "due_soon")], b.id
        # ...and judged on the counts it read as on counts read again
        again = rules.for_branches(owing, TODAY, rule_set, within=(chosen.first, chosen.last),
                                   branches=found.branches, counts=found.counts)
        assert {i: _states(c) for i, c in again.items()} == {i: _states(judged[i]) for i in owing}

        everyone_months = figures.sessions_by_month(everyone, months)
        assert everyone_months == {m: Counter({kind: n for (month, kind), n in _summed(session).items() if month == m})
                                   for m in months}

        # a rebuild from the sessions writes the same rows
        upkeep.rebuild()
        assert _stored(session, branches) == expected
        assert _totals(session) == _summed(session)
    finally:
        nested.rollback()
        # attendance rows read back after a bulk insert were loaded, not added: the rollback
        # leaves them in the session, under ids the next example may be given again
        session.expunge_all()


def test_a_bulk_load_that_skips_the_upkeep_is_repaired_by_flask_study_rebuild(app, session, make_person,
                                                                               make_branch, make_session):
    person = make_person()
    branch = make_branch(members=[person])
    s = make_session(branch, status="reviewed", held_on=TODAY)
    mine = select(StudyMonth.sessions, StudyMonth.expected, StudyMonth.present).where(
        StudyMonth.branch_id == branch.id)
    assert session.execute(mine).all() == [(1, 1, 1)]
    other = make_person()
    session.info[upkeep.OFF] = True  # a loader that rebuilds at its end
    try:
        session.execute(insert(Attendance), [{"session_id": s.id, "person_id": other.id, "status": "absent",
                                              "reason": ""}])
        assert session.execute(mine).all() == [(1, 1, 1)]
    finally:
        session.info.pop(upkeep.OFF)
    session.flush()
    result = app.test_cli_runner().invoke(args=["study", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "study months written" in result.output
    assert session.execute(mine).all() == [(1, 2, 1)]


def _judged_both_ways(session, branches, settings, within):
    """The rules' states from the kept months (for_branches), checked against their states
    from the sessions themselves."""
    judged = rules.for_branches([b.id for b in branches], TODAY, settings, within=within)
    for b in branches:
        held = [rules.Held(s.held_on, s.session_type, s.id) for s in session.scalars(
            select(StudySession).where(StudySession.branch_id == b.id, StudySession.status.in_(rules.COUNTED)))]
        by_sessions = rules.compliance(rules.period_of(b), held, TODAY, settings, within=within)
        assert _states(judged[b.id]) == _states(by_sessions)
    return [{(d.session_type, d.name): d.state for d in judged[b.id].all} for b in branches]


def test_a_month_is_judged_as_its_sessions_are(session, make_branch, make_session):
    """The days inside a month's count matter: the first session by a due day in the month,
    the n-th by a due day, and sessions on both sides of a branch's approval or dissolution
    (recorded before the dates changed)."""
    steady, approved, dissolved = (make_branch(approval_date=dt.date(2025, 1, 1)) for _ in range(3))
    for branch, kind, days in ((steady, "theme_party_day", (5, 25)), (steady, "party_lesson", (10, 12, 25)),
                               (approved, "committee_meeting", (5, 6, 25)),
                               (dissolved, "committee_meeting", (2, 8, 10))):
        for d in days:
            make_session(branch, session_type=kind, held_on=dt.date(2026, 6, d), status="reviewed")
    approved.approval_date = dt.date(2026, 6, 20)
    dissolved.status, dissolved.dissolved_on = "dissolved", dt.date(2026, 6, 9)
    session.flush()
    settings = {"due_soon_days": 7, "sessions": {
        "theme_party_day": {"due_day": 10}, "party_lesson": {"every_months": 3, "required": 2, "due_day": 20},
        "committee_meeting": {"required": 2}}}
    steady_states, approved_states, dissolved_states = _judged_both_ways(
        session, (steady, approved, dissolved), settings, (TODAY, TODAY))
    assert steady_states[("theme_party_day", "2026-06")] == "done"
    assert steady_states[("party_lesson", "2026 Q2")] == "done"
    assert approved_states[("committee_meeting", "2026-06")] == "not_yet_due"  # one of two, by 30 June
    assert dissolved_states[("committee_meeting", "2026-06")] == "done"  # two by its last day, the 9th


def test_only_branches_the_counts_cannot_show_settled_are_left_to_the_rules(session, make_branch, make_session):
    """may_owe: a branch active all the months and quarters with the sessions the rules ask
    is settled; one that lacks a session due, one marked not applicable for what it lacks,
    and one approved during the month after its only meeting are told apart."""
    settled, lacking, exempt, new = (make_branch(approval_date=dt.date(2025, 1, 1)) for _ in range(4))
    for branch in (settled, lacking, exempt, new):
        make_session(branch, session_type="party_lesson", held_on=dt.date(2026, 4, 20), status="reviewed")
    for branch in (settled, new):
        make_session(branch, session_type="committee_meeting", held_on=dt.date(2026, 6, 3), status="submitted")
    make_session(lacking, session_type="committee_meeting", held_on=dt.date(2026, 6, 3), status="draft")
    exempt.not_applicable = "committee_meeting"
    new.approval_date = dt.date(2026, 6, 5)  # after its meeting of the 3rd, which then counts for nothing
    session.flush()
    settings = {"due_soon_days": 7, "sessions": {"party_lesson": {"every_months": 3},
                                                 "committee_meeting": {"due_day": 10}}}
    june = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    owing = {b.id for b in rules.may_owe([settled, lacking, exempt, new], TODAY, june, settings).branches}
    assert owing == {lacking.id, new.id}
    # June's meeting due on its last day, more than a week off: nobody owes it yet
    settings["sessions"]["committee_meeting"] = {}
    assert [b.id for b in rules.may_owe([lacking], TODAY, june, settings).branches] == []
