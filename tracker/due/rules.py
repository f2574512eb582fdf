"""The compliance rules as pure functions of dates: no database, no clock, easy to test.

Due dates are calendar days. A deadline on a Saturday stays on that Saturday: the
regulations speak of "before departure", and a talk may well be held on a Friday; the
"Due soon" warning (RULES["due_soon_days"], 7 by default) gives the week ahead to plan it.

Integrity checkpoints of a project (INTEGRITY.md, before · during · after):

| checkpoint       | due                                                       |
| ---------------- | --------------------------------------------------------- |
| disclosure       | start + RULES["integrity_disclosure_days"] (on arrival)   |
| pledges          | start + RULES["integrity_disclosure_days"] (on arrival)   |
| mid_check        | the middle day of the project (start + duration // 2)     |
| closing_report   | the end date                                              |
| revisit          | end + RULES["integrity_revisit_days"] (30 by default)     |
"""
from __future__ import annotations

import datetime as dt

TALK_KINDS = ("pre_talk", "post_talk")
CHECKPOINT_KINDS = ("disclosure", "pledges", "mid_check", "closing_report", "revisit")
#: not done yet
OPEN_STATES = frozenset({"not_yet_due", "due_soon", "overdue"})
#: what a secretary has to act on now
ACTION_STATES = frozenset({"due_soon", "overdue"})

_day = dt.timedelta(days=1)


def talk_due_dates(departure: dt.date, return_date: dt.date, rules: dict) -> dict[str, dt.date]:
    """{"pre_talk": due date, "post_talk": due date} of a dispatch."""
    return {
        "pre_talk": departure - rules["pre_talk_days_before_departure"] * _day,
        "post_talk": return_date + rules["post_talk_grace_days"] * _day,
    }


def checkpoint_due_dates(start: dt.date, end: dt.date, rules: dict) -> dict[str, dt.date]:
    """{checkpoint kind: due date} of a project (see the table above)."""
    arrival = start + rules["integrity_disclosure_days"] * _day
    return {
        "disclosure": arrival,
        "pledges": arrival,
        "mid_check": start + ((end - start).days // 2) * _day,
        "closing_report": end,
        "revisit": end + rules["integrity_revisit_days"] * _day,
    }


def state_of(
    due: dt.date,
    done_on: dt.date | None,
    today: dt.date,
    soon_days: int,
    opens_on: dt.date | None = None,
) -> str:
    """One of vocab.DUE_STATES.

    - done on or before the due day: Done; after it: Done late;
    - not done: Overdue once the due day has passed (the due day itself is still in time),
      Due soon within `soon_days` of it or once the window has opened (`opens_on`: a
      post-dispatch talk can be held from the return date on), else Not yet due.
    """
    if done_on is not None:
        return "done" if done_on <= due else "done_late"
    if today > due:
        return "overdue"
    if (due - today).days <= soon_days or (opens_on is not None and today >= opens_on):
        return "due_soon"
    return "not_yet_due"
