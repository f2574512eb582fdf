"""The study rules of a temporary branch (DESIGN.md, "What is due, and when"):

- a theme party day every calendar month the branch is active, due on the setting day of
  the month (RULES["theme_day_of_month"], default the 10th);
- party lessons every quarter the branch is active (RULES["party_lessons_per_quarter"],
  default 1), due by the quarter's last day.

A branch is active from its approval date to its dissolution day (open-ended while not
dissolved); a proposed branch owes nothing. A branch owes a month (a quarter) if it is
active on any day of it. The due day is the usual one when the branch is active on it;
otherwise — it started after the usual day, or dissolved before — it is the last day the
branch is active in that month (quarter). So a branch approved on the 20th still owes that
month's theme party day, by the month's end; one dissolved on the 5th owed it by the 5th.

Which sessions count as held: those submitted for review or reviewed (COUNTED). A draft
is the team leader's unfinished note and a returned record has been sent back as not
acceptable yet; neither is a claim the branch stands behind. A submitted record that is
still waiting for review counts, so a slow review never turns a month red; the review
deadline is a rule of its own.

The functions below are pure (no database, no clock): give them the active period, the
held sessions and today. `for_branches` does the reading, in two queries for any number
of branches.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracker.months import add_months, month_end

COUNTED = ("submitted", "reviewed")
THEME_TYPES = ("theme_party_day",)
#: a micro party lesson is shorter and given by any member; it does not replace the lesson
LESSON_TYPES = ("party_lesson",)


@dataclass(frozen=True)
class Held:
    """A session as the rules see it."""

    day: dt.date
    session_type: str
    session_id: int | None = None


@dataclass(frozen=True)
class Period:
    """When a branch is active: from `start` to `end` (inclusive; None while active)."""

    start: dt.date
    end: dt.date | None = None

    def clip(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
        lo = max(first, self.start)
        hi = min(last, self.end) if self.end else last
        return (lo, hi) if lo <= hi else None


@dataclass(frozen=True)
class Due:
    """One month's or quarter's obligation and its state on `today`."""

    first: dt.date  # the month's (quarter's) first day, which names it
    due: dt.date
    required: int
    held: tuple[Held, ...] = field(default=())
    state: str = "not_yet_due"  # vocab.DUE_STATES

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def month(self) -> int:
        return self.first.month

    @property
    def quarter(self) -> int:
        return (self.first.month - 1) // 3 + 1

    @property
    def is_met(self) -> bool:
        return self.state in ("done", "done_late")


@dataclass(frozen=True)
class Compliance:
    months: list[Due]
    quarters: list[Due]

    @property
    def missing(self) -> list[Due]:
        return [d for d in self.months + self.quarters if d.state == "overdue"]

    @property
    def due_soon(self) -> list[Due]:
        return [d for d in self.months + self.quarters if d.state == "due_soon"]


def _state(due: dt.date, held: list[Held], required: int, today: dt.date, soon_days: int) -> str:
    if len(held) >= required:
        return "done" if held[required - 1].day <= due else "done_late"
    if today > due:
        return "overdue"
    if (due - today).days <= soon_days:
        return "due_soon"
    return "not_yet_due"


def _walk(period, sessions, today, *, step, usual_day, required, types, soon_days) -> list[Due]:
    """The periods (`step` months long) from the branch's start up to today's period."""
    matching = sorted((s for s in sessions if s.session_type in types), key=lambda s: s.day)
    first = dt.date(period.start.year, period.start.month - (period.start.month - 1) % step, 1)
    out = []
    while first <= today and (period.end is None or first <= period.end):
        last = month_end(add_months(first, step - 1))
        window = period.clip(first, last)
        if window is not None:
            usual = usual_day(first, last)
            due = usual if window[0] <= usual <= window[1] else window[1]
            held = [s for s in matching if window[0] <= s.day <= window[1]]
            out.append(Due(first, due, required, tuple(held),
                           _state(due, held, required, today, soon_days)))
        first = add_months(first, step)
    return out


def theme_days(period: Period, sessions: Iterable[Held], today: dt.date, *,
               day_of_month: int = 10, due_soon_days: int = 7) -> list[Due]:
    """Month by month, from the branch's first month up to today's: was a theme party day held?"""
    def usual(first, last):
        return min(first.replace(day=1) + dt.timedelta(days=day_of_month - 1), last)

    return _walk(period, list(sessions), today, step=1, usual_day=usual, required=1,
                 types=THEME_TYPES, soon_days=due_soon_days)


def party_lessons(period: Period, sessions: Iterable[Held], today: dt.date, *,
                  per_quarter: int = 1, due_soon_days: int = 7) -> list[Due]:
    """Quarter by quarter: were enough party lessons held?"""
    if per_quarter < 1:
        return []
    return _walk(period, list(sessions), today, step=3, usual_day=lambda first, last: last,
                 required=per_quarter, types=LESSON_TYPES, soon_days=due_soon_days)


def compliance(period: Period | None, sessions: Iterable[Held], today: dt.date,
               rules: dict) -> Compliance:
    """Both rules for one branch, with the settings of config RULES."""
    if period is None:
        return Compliance([], [])
    sessions = list(sessions)
    soon = rules.get("due_soon_days", 7)
    return Compliance(
        theme_days(period, sessions, today, day_of_month=rules.get("theme_day_of_month", 10),
                   due_soon_days=soon),
        party_lessons(period, sessions, today, per_quarter=rules.get("party_lessons_per_quarter", 1),
                      due_soon_days=soon),
    )


def period_of(branch) -> Period | None:
    """The active period of a branch (model or row with status, approval_date, dissolved_on)."""
    if branch.status == "proposed" or getattr(branch, "deleted_at", None) is not None:
        return None
    return Period(branch.approval_date, branch.dissolved_on)


def for_branches(branch_ids: Iterable[int], today: dt.date | None = None,
                 rules: dict | None = None) -> dict[int, Compliance]:
    """{branch id: Compliance} for many branches in two queries (dashboard, calendar feed)."""
    from flask import current_app
    from sqlalchemy import select

    from tracker import clock
    from tracker.branches.models import Branch
    from tracker.extensions import db
    from tracker.study.models import StudySession

    ids = list(set(branch_ids))
    if not ids:
        return {}
    today = today or clock.today()
    rules = rules if rules is not None else current_app.config["RULES"]
    branches = db.session.execute(
        select(Branch.id, Branch.status, Branch.approval_date, Branch.dissolved_on, Branch.deleted_at)
        .where(Branch.id.in_(ids))
    ).all()
    held: dict[int, list[Held]] = {i: [] for i in ids}
    rows = db.session.execute(
        select(StudySession.branch_id, StudySession.held_on, StudySession.session_type, StudySession.id)
        .where(
            StudySession.branch_id.in_(ids),
            StudySession.deleted_at.is_(None),
            StudySession.status.in_(COUNTED),
            StudySession.session_type.in_(THEME_TYPES + LESSON_TYPES),
        )
    )
    for row in rows:
        held[row.branch_id].append(Held(row.held_on, row.session_type, row.id))
    return {b.id: compliance(period_of(b), held[b.id], today, rules) for b in branches}
