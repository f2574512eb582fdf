"""The due-date rules and states as pure functions: table-driven and property-based."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import vocab
from tracker.due import checkpoint_due_dates, state_of, talk_due_dates

D = dt.date
RULES = {
    "pre_talk_days_before_departure": 0,
    "post_talk_grace_days": 10,
    "due_soon_days": 7,
    "integrity_disclosure_days": 3,
    "integrity_revisit_days": 30,
}


def rules(**changes):
    return {**RULES, **changes}


@pytest.mark.parametrize("departure, return_date, changes, pre_due, post_due", [
    # departure on a Saturday: the talk is due that Saturday, not moved to a weekday
    (D(2026, 6, 20), D(2026, 7, 20), {}, D(2026, 6, 20), D(2026, 7, 30)),
    # two days before a Sunday departure is the Friday
    (D(2026, 6, 21), D(2026, 7, 5), {"pre_talk_days_before_departure": 2}, D(2026, 6, 19), D(2026, 7, 15)),
    # return on a month end: the grace period runs into the next month
    (D(2026, 1, 5), D(2026, 1, 31), {}, D(2026, 1, 5), D(2026, 2, 10)),
    (D(2026, 2, 2), D(2026, 2, 28), {}, D(2026, 2, 2), D(2026, 3, 10)),
    # leap day and year end
    (D(2028, 2, 1), D(2028, 2, 29), {}, D(2028, 2, 1), D(2028, 3, 10)),
    (D(2026, 12, 1), D(2026, 12, 25), {}, D(2026, 12, 1), D(2027, 1, 4)),
    # days before departure reach back over a month start
    (D(2026, 3, 1), D(2026, 3, 31), {"pre_talk_days_before_departure": 3}, D(2026, 2, 26), D(2026, 4, 10)),
    # a one-day dispatch
    (D(2026, 6, 15), D(2026, 6, 15), {"post_talk_grace_days": 0}, D(2026, 6, 15), D(2026, 6, 15)),
])
def test_talk_due_dates(departure, return_date, changes, pre_due, post_due):
    assert talk_due_dates(departure, return_date, rules(**changes)) == {"pre_talk": pre_due, "post_talk": post_due}


DUE = D(2026, 6, 20)  # a Saturday


@pytest.mark.parametrize("today, done_on, opens_on, expected", [
    (D(2026, 6, 12), None, None, "not_yet_due"),   # 8 days ahead
    (D(2026, 6, 13), None, None, "due_soon"),      # 7 days ahead
    (DUE, None, None, "due_soon"),                 # the due day itself is still in time
    (D(2026, 6, 21), None, None, "overdue"),       # the day after
    (D(2026, 12, 31), None, None, "overdue"),
    (D(2026, 6, 1), DUE, None, "done"),            # a talk exactly on the due day is on time
    (D(2026, 7, 1), D(2026, 6, 21), None, "done_late"),
    (D(2026, 6, 10), D(2026, 6, 9), None, "done"),  # done before it was even due soon
    # a post-dispatch talk: due soon from the return date on, even 10 days before its due date
    (D(2026, 6, 10), None, D(2026, 6, 10), "due_soon"),
    (D(2026, 6, 9), None, D(2026, 6, 10), "not_yet_due"),
])
def test_state_of(today, done_on, opens_on, expected):
    assert state_of(DUE, done_on, today, 7, opens_on) == expected


@pytest.mark.parametrize("start, end, expected", [
    (D(2026, 6, 1), D(2026, 6, 30), {
        "disclosure": D(2026, 6, 4), "pledges": D(2026, 6, 4), "mid_check": D(2026, 6, 15),
        "closing_report": D(2026, 6, 30), "revisit": D(2026, 7, 30),
    }),
    # a project ending on a month end: the revisit lands in the month after next
    (D(2026, 1, 1), D(2026, 1, 31), {
        "disclosure": D(2026, 1, 4), "pledges": D(2026, 1, 4), "mid_check": D(2026, 1, 16),
        "closing_report": D(2026, 1, 31), "revisit": D(2026, 3, 2),
    }),
    # a one-day task: the middle is that day
    (D(2026, 6, 15), D(2026, 6, 15), {
        "disclosure": D(2026, 6, 18), "pledges": D(2026, 6, 18), "mid_check": D(2026, 6, 15),
        "closing_report": D(2026, 6, 15), "revisit": D(2026, 7, 15),
    }),
])
def test_checkpoint_due_dates(start, end, expected):
    assert checkpoint_due_dates(start, end, RULES) == expected
    assert list(expected) == list(vocab.CHECKPOINT_KINDS)


# Properties ---------------------------------------------------------------------------
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))
RANK = {"not_yet_due": 0, "due_soon": 1, "overdue": 2}


@given(due=dates, today=dates, done_on=st.none() | dates, soon=st.integers(0, 60))
def test_state_is_one_of_the_glossary_states_and_done_means_a_date(due, today, done_on, soon):
    state = state_of(due, done_on, today, soon)
    assert state in vocab.DUE_STATES
    assert (state in ("done", "done_late")) == (done_on is not None)
    if done_on is not None:
        assert (state == "done_late") == (done_on > due)
    else:
        assert (state == "overdue") == (today > due)


@given(due=dates, day1=dates, day2=dates, soon=st.integers(0, 60))
def test_an_open_item_only_gets_more_urgent_as_days_pass(due, day1, day2, soon):
    early, late = sorted((day1, day2))
    assert RANK[state_of(due, None, early, soon)] <= RANK[state_of(due, None, late, soon)]


@given(departure=dates, length=st.integers(0, 400), shift=st.integers(-200, 200),
       pre=st.integers(0, 30), grace=st.integers(0, 60))
def test_due_dates_follow_the_dispatch_dates(departure, length, shift, pre, grace):
    r = rules(pre_talk_days_before_departure=pre, post_talk_grace_days=grace)
    return_date = departure + dt.timedelta(days=length)
    before = talk_due_dates(departure, return_date, r)
    moved = talk_due_dates(departure + dt.timedelta(days=shift), return_date + dt.timedelta(days=shift), r)
    assert moved["pre_talk"] - before["pre_talk"] == dt.timedelta(days=shift)
    assert moved["post_talk"] - before["post_talk"] == dt.timedelta(days=shift)
    assert before["pre_talk"] <= departure and before["post_talk"] >= return_date


@given(departure=dates, length=st.integers(0, 400), pre=st.integers(0, 30), grace=st.integers(0, 60),
       today=dates)
def test_a_talk_on_its_due_day_is_done_and_a_day_later_is_late(departure, length, pre, grace, today):
    r = rules(pre_talk_days_before_departure=pre, post_talk_grace_days=grace)
    for due in talk_due_dates(departure, departure + dt.timedelta(days=length), r).values():
        assert state_of(due, due, today, 7) == "done"
        assert state_of(due, due + dt.timedelta(days=1), today, 7) == "done_late"


@given(start=dates, length=st.integers(0, 800))
def test_checkpoints_fall_before_during_and_after_the_project(start, length):
    end = start + dt.timedelta(days=length)
    due = checkpoint_due_dates(start, end, RULES)
    assert start <= due["mid_check"] <= end
    assert due["disclosure"] == due["pledges"] == start + dt.timedelta(days=3)
    assert due["closing_report"] == end < due["revisit"]
