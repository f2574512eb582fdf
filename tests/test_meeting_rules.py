"""The rules table of the 三会一课 and the theme party day, as pure functions: each type with
its default frequency and due day, branches active part of a month or quarter, types a
branch marked as not applicable, and the settings that change a rule."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.config import session_rule, session_rules
from tracker.periods import active
from tracker.study.rules import Held, Rule, caption, compliance, dues, table

D = dt.date
TYPES = ["branch_meeting", "committee_meeting", "party_group_meeting", "party_lesson", "theme_party_day"]


@pytest.fixture
def defaults(monkeypatch):
    """The rules table as a bureau that set nothing gets it."""
    for name in ("RULE_THEME_DAY", "RULE_LESSONS_PER_QUARTER", *(f"RULE_{t.upper()}" for t in TYPES)):
        monkeypatch.delenv(name, raising=False)
    return {"sessions": session_rules(), "due_soon_days": 7}


def rule_of(settings, kind) -> Rule:
    return next(r for r in table(settings) if r.session_type == kind)


def states(found):
    return [(d.name, d.due.isoformat(), d.state) for d in found]


def test_the_default_table(defaults):
    assert [(r.session_type, r.every_months, r.required, r.due_day) for r in table(defaults)] == [
        ("branch_meeting", 3, 1, 0),
        ("committee_meeting", 1, 1, 0),
        ("party_group_meeting", 1, 1, 0),
        ("party_lesson", 3, 1, 0),
        ("theme_party_day", 1, 1, 10),
    ]


@pytest.mark.parametrize(("kind", "period", "held", "today", "expected"), [
    # Committee meeting, monthly, due on the month's last day; another type does not count.
    ("committee_meeting", active(D(2026, 4, 1)),
     [Held(D(2026, 4, 30), "committee_meeting"), Held(D(2026, 5, 2), "party_group_meeting")], D(2026, 6, 15), [
        ("2026-04", "2026-04-30", "done"),
        ("2026-05", "2026-05-31", "overdue"),
        ("2026-06", "2026-06-30", "not_yet_due"),
    ]),
    # Committee meeting held in the next month: the missed month stays missed.
    ("committee_meeting", active(D(2026, 5, 1)), [Held(D(2026, 6, 1), "committee_meeting")], D(2026, 6, 25), [
        ("2026-05", "2026-05-31", "overdue"),
        ("2026-06", "2026-06-30", "done"),
    ]),
    # Party group meeting, a branch active part of two months: approved 05-20, dissolved 06-10.
    ("party_group_meeting", active(D(2026, 5, 20), D(2026, 6, 10)),
     [Held(D(2026, 6, 3), "party_group_meeting")], D(2026, 6, 15), [
        ("2026-05", "2026-05-31", "overdue"),
        ("2026-06", "2026-06-10", "done"),
    ]),
    # Party group meeting due within the week: due soon.
    ("party_group_meeting", active(D(2026, 6, 1)), [], D(2026, 6, 24), [("2026-06", "2026-06-30", "due_soon")]),
    # Branch meeting, quarterly: approved 03-15 still owes Q1 by 03-31; 1 April counts for Q2.
    ("branch_meeting", active(D(2026, 3, 15)), [Held(D(2026, 4, 1), "branch_meeting")], D(2026, 6, 15), [
        ("2026 Q1", "2026-03-31", "overdue"),
        ("2026 Q2", "2026-06-30", "done"),
    ]),
    # Branch meeting after the quarter's end, a branch dissolved mid-quarter (05-15).
    ("branch_meeting", active(D(2026, 1, 5), D(2026, 5, 15)),
     [Held(D(2026, 3, 31), "branch_meeting"), Held(D(2026, 5, 16), "branch_meeting")], D(2026, 9, 1), [
        ("2026 Q1", "2026-03-31", "done"),
        ("2026 Q2", "2026-05-15", "overdue"),  # held the day after dissolution: not the branch's
    ]),
    # Branch meeting over a year edge: Q4 of 2025, then Q1 of 2026.
    ("branch_meeting", active(D(2025, 11, 1)), [Held(D(2025, 12, 31), "branch_meeting")], D(2026, 2, 1), [
        ("2025 Q4", "2025-12-31", "done"),
        ("2026 Q1", "2026-03-31", "not_yet_due"),
    ]),
    # Party lesson, quarterly; a micro party lesson does not replace it.
    ("party_lesson", active(D(2026, 4, 1)), [Held(D(2026, 5, 1), "micro_party_lesson")], D(2026, 7, 5), [
        ("2026 Q2", "2026-06-30", "overdue"),
        ("2026 Q3", "2026-09-30", "not_yet_due"),
    ]),
    # Theme party day, monthly on the 10th; held on the 11th is late.
    ("theme_party_day", active(D(2026, 3, 1)),
     [Held(D(2026, 3, 10), "theme_party_day"), Held(D(2026, 4, 11), "theme_party_day")], D(2026, 5, 20), [
        ("2026-03", "2026-03-10", "done"),
        ("2026-04", "2026-04-10", "done_late"),
        ("2026-05", "2026-05-10", "overdue"),
    ]),
    # Theme party day, a branch approved after the 10th owes that month's by its end.
    ("theme_party_day", active(D(2026, 1, 20)), [], D(2026, 2, 1), [
        ("2026-01", "2026-01-31", "overdue"),
        ("2026-02", "2026-02-10", "not_yet_due"),
    ]),
])
def test_each_type_by_its_default_rule(defaults, kind, period, held, today, expected):
    assert states(dues(rule_of(defaults, kind), period, held, today)) == expected


@pytest.mark.parametrize(("rule", "held", "today", "expected"), [
    # Two committee meetings a month: the second one meets the rule, on its day.
    (Rule("committee_meeting", 1, 2), [D(2026, 6, 2), D(2026, 7, 3)], D(2026, 7, 5), [
        ("2026-06", "2026-06-30", "overdue"), ("2026-07", "2026-07-31", "not_yet_due")]),
    (Rule("committee_meeting", 1, 2), [D(2026, 6, 2), D(2026, 6, 29)], D(2026, 7, 1), [
        ("2026-06", "2026-06-30", "done"), ("2026-07", "2026-07-31", "not_yet_due")]),
    # A quarterly rule with a due day: that day of the quarter's last month.
    (Rule("branch_meeting", 3, 1, 15), [D(2026, 6, 20)], D(2026, 6, 30), [("2026 Q2", "2026-06-15", "done_late")]),
    # A due day past a short month's end means its last day.
    (Rule("theme_party_day", 1, 1, 31), [], D(2026, 2, 25), [("2026-02", "2026-02-28", "due_soon")]),
])
def test_count_and_due_day_settings(rule, held, today, expected):
    sessions = [Held(day, rule.session_type) for day in held]
    assert states(dues(rule, active(D(2026, 2, 1) if rule.due_day == 31 else D(2026, 6, 1)), sessions, today)) == expected


def test_every_type_is_judged_and_a_type_not_applicable_owes_nothing(defaults):
    period, today = active(D(2026, 4, 1)), D(2026, 6, 15)
    held = [Held(D(2026, 4, 8), "theme_party_day"), Held(D(2026, 4, 20), "committee_meeting")]
    full = compliance(period, held, today, defaults)
    assert list(full.by_type) == TYPES
    assert {(d.session_type, d.name) for d in full.missing} == {
        ("committee_meeting", "2026-05"), ("party_group_meeting", "2026-04"),
        ("party_group_meeting", "2026-05"), ("theme_party_day", "2026-05"), ("theme_party_day", "2026-06"),
    }
    assert full.not_applicable == ()
    # No party groups in this branch: the type is neither judged nor missing; unknown codes do nothing.
    marked = compliance(period, held, today, defaults, ["party_group_meeting", "no_such_type"])
    assert list(marked.by_type) == [t for t in TYPES if t != "party_group_meeting"]
    assert marked.not_applicable == ("party_group_meeting",)
    assert {d.session_type for d in marked.missing} == {"committee_meeting", "theme_party_day"}
    assert marked.of("party_group_meeting") == []
    # A proposed branch (no period) owes nothing, but still shows what it marked.
    assert compliance(None, held, today, defaults, ["party_group_meeting"]).all == []


@pytest.mark.parametrize(("text", "expected"), [
    ("monthly", {"every_months": 1, "due_day": 0, "required": 1}),
    ("quarterly", {"every_months": 3, "due_day": 0, "required": 1}),
    ("Monthly day=10", {"every_months": 1, "due_day": 10, "required": 1}),
    ("quarterly count=2 day=20", {"every_months": 3, "due_day": 20, "required": 2}),
    ("off", None),
])
def test_a_rule_setting_is_read(text, expected):
    assert session_rule(text) == expected


@pytest.mark.parametrize("text", ["", "weekly", "monthly day=32", "monthly count=0", "monthly day=x", "monthly on=3"])
def test_a_bad_rule_setting_stops_the_start(text):
    with pytest.raises(ValueError, match="RULE_X"):
        session_rule(text, "RULE_X")


def test_settings_per_bureau(defaults, monkeypatch):
    monkeypatch.setenv("RULE_PARTY_GROUP_MEETING", "off")  # a bureau without party groups at all
    monkeypatch.setenv("RULE_BRANCH_MEETING", "monthly count=2")
    monkeypatch.setenv("RULE_THEME_DAY", "25")  # the older shorthands still work
    monkeypatch.setenv("RULE_LESSONS_PER_QUARTER", "0")
    rules = session_rules()
    assert list(rules) == ["branch_meeting", "committee_meeting", "theme_party_day"]
    assert rules["branch_meeting"] == {"every_months": 1, "due_day": 0, "required": 2}
    assert rules["theme_party_day"]["due_day"] == 25
    monkeypatch.setenv("RULE_THEME_PARTY_DAY", "monthly day=5")  # the full setting wins
    assert session_rules()["theme_party_day"]["due_day"] == 5


@pytest.mark.parametrize(("lang", "rule", "applicable", "expected"), [
    ("en", Rule("committee_meeting", 1), True, "Committee meeting, every month"),
    ("en", Rule("branch_meeting", 3), True, "Branch meeting, every quarter"),
    ("en", Rule("party_lesson", 3, 2), True, "Party lesson, 2 every quarter"),
    ("en", Rule("party_group_meeting", 1), False, "Party group meeting: not applicable to this branch"),
    ("zh", Rule("committee_meeting", 1), True, "支委会，每月一次"),
    ("zh", Rule("branch_meeting", 3), True, "支部党员大会，每季度一次"),
    ("zh", Rule("party_group_meeting", 1), False, "党小组会：本支部不适用"),
])
def test_captions_in_both_languages(app, lang, rule, applicable, expected):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(lang):
        assert caption(rule, applicable) == expected


@pytest.mark.parametrize(("lang", "rule", "first", "expected"), [
    ("en", Rule("committee_meeting", 1), D(2026, 6, 1), "2026-06"),
    ("en", Rule("branch_meeting", 3), D(2026, 4, 1), "2026 Q2"),
    ("zh", Rule("committee_meeting", 1), D(2026, 6, 1), "2026年6月"),
    ("zh", Rule("branch_meeting", 3), D(2026, 10, 1), "2026年第四季度"),
])
def test_months_and_quarters_as_people_write_them(app, lang, rule, first, expected):
    from flask_babel import force_locale

    from tracker.study.rules import period_label

    (due,) = dues(rule, active(first), [], first)
    with app.test_request_context(), force_locale(lang):
        assert period_label(due) == expected
