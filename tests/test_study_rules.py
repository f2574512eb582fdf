"""The study rules as pure functions: a fixed `today`, table-driven over month and quarter
edges and branches that start or dissolve mid-period."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.periods import active
from tracker.study.rules import Held, Rule, compliance, dues

D = dt.date


def theme_days(period, held, today, *, day_of_month=10):
    return dues(Rule("theme_party_day", 1, 1, day_of_month), period, held, today)


def party_lessons(period, held, today, *, per_quarter=1):
    return dues(Rule("party_lesson", 3, per_quarter), period, held, today)


def theme(day):
    return Held(day, "theme_party_day")


def lesson(day):
    return Held(day, "party_lesson")


def states(dues):
    return [(d.first.isoformat()[:7], d.due.isoformat(), d.state) for d in dues]


@pytest.mark.parametrize(("period", "held", "today", "expected"), [
    # Active all along: held on the 10th is on time, on the 11th late, not at all overdue.
    (active(D(2026, 3, 1)), [theme(D(2026, 3, 10)), theme(D(2026, 4, 11))], D(2026, 5, 20), [
        ("2026-03", "2026-03-10", "done"),
        ("2026-04", "2026-04-10", "done_late"),
        ("2026-05", "2026-05-10", "overdue"),
    ]),
    # Today's month: before the due day it is due soon (within 7 days) or not yet due.
    (active(D(2026, 6, 1)), [], D(2026, 6, 3), [("2026-06", "2026-06-10", "due_soon")]),
    (active(D(2026, 6, 1)), [], D(2026, 6, 2), [("2026-06", "2026-06-10", "not_yet_due")]),
    # On the due day itself it is still due soon, not overdue; the day after it is overdue.
    (active(D(2026, 6, 1)), [], D(2026, 6, 10), [("2026-06", "2026-06-10", "due_soon")]),
    (active(D(2026, 6, 1)), [], D(2026, 6, 11), [("2026-06", "2026-06-10", "overdue")]),
    # Started after the 10th: that month is still owed, by its last day.
    (active(D(2026, 1, 20)), [theme(D(2026, 1, 31))], D(2026, 2, 1), [
        ("2026-01", "2026-01-31", "done"),
        ("2026-02", "2026-02-10", "not_yet_due"),
    ]),
    # Dissolved before the 10th: owed by the dissolution day; nothing after it.
    (active(D(2026, 1, 1), D(2026, 3, 5)), [theme(D(2026, 1, 9)), theme(D(2026, 2, 10))], D(2026, 6, 15), [
        ("2026-01", "2026-01-10", "done"),
        ("2026-02", "2026-02-10", "done"),
        ("2026-03", "2026-03-05", "overdue"),
    ]),
    # A theme day held in the next month does not make up for a missed one.
    (active(D(2026, 4, 1)), [theme(D(2026, 5, 2))], D(2026, 5, 3), [
        ("2026-04", "2026-04-10", "overdue"),
        ("2026-05", "2026-05-10", "done"),
    ]),
    # Other session types do not count as theme party days.
    (active(D(2026, 6, 1)), [lesson(D(2026, 6, 5))], D(2026, 6, 15), [("2026-06", "2026-06-10", "overdue")]),
    # Year edge: December to January.
    (active(D(2025, 12, 15)), [theme(D(2025, 12, 20))], D(2026, 1, 12), [
        ("2025-12", "2025-12-31", "done"),
        ("2026-01", "2026-01-10", "overdue"),
    ]),
    # Not yet started (approved for a later day): nothing owed yet.
    (active(D(2026, 7, 1)), [], D(2026, 6, 15), []),
])
def test_theme_days(period, held, today, expected):
    assert states(theme_days(period, held, today)) == expected


def test_theme_day_setting_moves_the_due_day():
    dues = theme_days(active(D(2026, 2, 1)), [theme(D(2026, 2, 20))], D(2026, 3, 1), day_of_month=25)
    assert states(dues) == [("2026-02", "2026-02-25", "done"), ("2026-03", "2026-03-25", "not_yet_due")]
    # A day past the month's end means the month's last day.
    dues = theme_days(active(D(2026, 2, 1)), [], D(2026, 2, 27), day_of_month=31)
    assert states(dues) == [("2026-02", "2026-02-28", "due_soon")]


@pytest.mark.parametrize(("period", "held", "today", "per_quarter", "expected"), [
    # Q1 met, Q2 not yet due far from the quarter end.
    (active(D(2026, 1, 5)), [lesson(D(2026, 3, 31))], D(2026, 4, 2), 1, [
        ("2026-01", "2026-03-31", "done"),
        ("2026-04", "2026-06-30", "not_yet_due"),
    ]),
    # Quarter edge: a lesson on 1 April counts for Q2, not for Q1.
    (active(D(2026, 1, 5)), [lesson(D(2026, 4, 1))], D(2026, 4, 2), 1, [
        ("2026-01", "2026-03-31", "overdue"),
        ("2026-04", "2026-06-30", "done"),
    ]),
    # Two required: one is not enough.
    (active(D(2026, 4, 1)), [lesson(D(2026, 4, 3))], D(2026, 6, 25), 2, [
        ("2026-04", "2026-06-30", "due_soon"),
    ]),
    (active(D(2026, 4, 1)), [lesson(D(2026, 4, 3)), lesson(D(2026, 6, 30))], D(2026, 7, 1), 2, [
        ("2026-04", "2026-06-30", "done"),
        ("2026-07", "2026-09-30", "not_yet_due"),
    ]),
    # Dissolved mid-quarter: owed by the dissolution day, nothing in later quarters.
    (active(D(2026, 2, 1), D(2026, 5, 15)), [lesson(D(2026, 3, 1))], D(2026, 9, 1), 1, [
        ("2026-01", "2026-03-31", "done"),
        ("2026-04", "2026-05-15", "overdue"),
    ]),
    # Started in the quarter's last month: still owed by the quarter's end.
    (active(D(2026, 6, 20)), [], D(2026, 6, 24), 1, [("2026-04", "2026-06-30", "due_soon")]),
    # A micro party lesson does not replace the party lesson.
    (active(D(2026, 4, 1)), [Held(D(2026, 5, 1), "micro_party_lesson")], D(2026, 7, 5), 1, [
        ("2026-04", "2026-06-30", "overdue"),
        ("2026-07", "2026-09-30", "not_yet_due"),
    ]),
])
def test_party_lessons(period, held, today, per_quarter, expected):
    assert states(party_lessons(period, held, today, per_quarter=per_quarter)) == expected


def test_compliance_reads_the_settings_and_lists_what_is_missing():
    rules = {"sessions": {"theme_party_day": {"every_months": 1, "due_day": 10, "required": 1},
                          "party_lesson": {"every_months": 3, "due_day": 0, "required": 1}},
             "due_soon_days": 7}
    result = compliance(active(D(2026, 4, 1)), [theme(D(2026, 4, 8)), lesson(D(2026, 5, 1))], D(2026, 6, 5), rules)
    assert [d.first for d in result.missing] == [D(2026, 5, 1)]
    assert [d.first for d in result.due_soon] == [D(2026, 6, 1)]
    assert compliance(None, [], D(2026, 6, 5), rules).all == []


# Judged only within some days (the dashboard's period): the same months and quarters, with
# the same states, as when every month since the branch began is judged; and `for_branches`,
# reading only the sessions of those quarters, agrees with the whole reading.

START = D(2025, 1, 1)
days_st = st.integers(0, 800).map(lambda n: START + dt.timedelta(days=n))
rules_st = st.lists(st.builds(Rule, st.sampled_from(["theme_party_day", "party_lesson", "branch_meeting"]),
                              st.sampled_from([1, 3]), st.integers(1, 2), st.integers(0, 31)),
                    min_size=1, max_size=3, unique_by=lambda r: r.session_type)


def _overlapping(found, first, last):
    return [d for d in found if d.first <= last and d.last >= first]


@settings(max_examples=200, deadline=None)
@given(rules=rules_st, start=days_st, length=st.one_of(st.none(), st.integers(0, 500)),
       held=st.lists(st.tuples(days_st, st.sampled_from(["theme_party_day", "party_lesson", "branch_meeting"])),
                     max_size=30),
       today=days_st, first=days_st, span=st.integers(0, 400))
def test_judging_within_some_days_is_judging_everything_then_keeping_those(rules, start, length, held, today,
                                                                         first, span):
    period = active(start, None if length is None else start + dt.timedelta(days=length))
    sessions = [Held(day, kind) for day, kind in held]
    last = first + dt.timedelta(days=span)
    for rule in rules:
        everything = dues(rule, period, sessions, today)
        assert dues(rule, period, sessions, today, within=(first, last)) == _overlapping(everything, first, last)
        # fed only the sessions of the quarters around those days, as for_branches reads them
        q_first = D(first.year, first.month - (first.month - 1) % 3, 1)
        q_last = D(last.year, last.month - (last.month - 1) % 3, 1)
        q_end = D(q_last.year + (q_last.month + 2) // 12, (q_last.month + 2) % 12 + 1, 1) - dt.timedelta(days=1)
        read = [s for s in sessions if q_first <= s.day <= q_end]
        assert dues(rule, period, read, today, within=(first, last)) == _overlapping(everything, first, last)
