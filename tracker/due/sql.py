"""The due rules of tracker/due/rules.py as SQL expressions, so the database filters, counts,
sorts and pages due items instead of Python building every one of them.

Due talks are read from stored rows (tracker/due/models.py): per live dispatch and kind,
the dispatch date the due day counts from and the earliest fulfilling talk, kept in step by
every flush (tracker/due/upkeep.py). Nothing stored depends on the rules or on today, so
the states below are computed on read from those columns; so are the integrity
checkpoints', read from their stored rows (per live project and kind, the project date the
due day counts from and the day the checkpoint was done). `tests/test_due_sql.py` checks these
expressions against the pure functions of rules.py on random data, and
`tests/test_due_stored.py` the stored rows after random sequences of writes, on SQLite and
PostgreSQL.

Date arithmetic differs by dialect: SQLite keeps dates as ISO text and adds days with
date(x, 'N days'); PostgreSQL adds an integer to a date.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, case, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from tracker.statements import word


class add_days(FunctionElement):
    """date + n days, n an integer expression."""

    type = Date()
    inherit_cache = True


@compiles(add_days)
def _add_days_default(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} + {compiler.process(days, **kw)})"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, CAST({compiler.process(days, **kw)} AS TEXT) || ' days')"


class days_between(FunctionElement):
    """The whole days from a to b (b - a)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    first, last = list(element.clauses)
    return f"({compiler.process(last, **kw)} - {compiler.process(first, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    first, last = list(element.clauses)
    return (f"CAST(julianday({compiler.process(last, **kw)}) - julianday({compiler.process(first, **kw)})"
            " AS INTEGER)")


def _int(n: int) -> ColumnElement:
    """A rule's number of days, written into the statement (an int from the configuration),
    so that the same expression compiles on both dialects without a typed parameter."""
    return literal_column(str(int(n)), Integer)


def day(d: dt.date) -> ColumnElement:
    """A date written into the statement, not sent as a parameter: the due statements are
    built per day (tracker.statements), so the text is still the same all day. With dates as
    parameters, PostgreSQL planned a prepared due statement again for the dates given on its
    first executions on each connection (0.5-0.9 ms for a union of kinds), then kept a plan
    for any dates that guesses how many rows each range holds (the due list's page window:
    0.47 ms a request, 0.34 ms planned for the dates); a statement left without parameters is
    planned once, for its dates, when psycopg prepares it. An ISO date compares the same on
    both dialects (SQLite keeps dates as ISO text; PostgreSQL reads the literal as a date)."""
    return literal_column(f"'{d.isoformat()}'", Date)


#: a kind's or a state's name written into the statement (see `day`)
name = word


def _half_floor(days: ColumnElement) -> ColumnElement:
    """days // 2 as Python floors it; both databases truncate integer division toward zero."""
    two = _int(2)
    return (days - ((days % two) + two) % two) // two


def _plus(day, days: int) -> ColumnElement:
    """day + a fixed number of days; the date itself when that is 0 (SQLite's date() costs
    microseconds a row, and the pre-talk is due on the departure day by default)."""
    return day if int(days) == 0 else add_days(day, _int(days))


def talk_due_shift(kind: str, rules: dict) -> tuple[str, int]:
    """(which dispatch date, days added): the pre-talk is due a fixed number of days before the
    departure, the post-talk after the return, so a period of due dates is a period of that
    date — which its index serves."""
    if kind == "pre_talk":
        return "departure_date", -rules["pre_talk_days_before_departure"]
    return "return_date", rules["post_talk_grace_days"]


#: checkpoint kind -> the project date its due day counts from (the mid-term check: its middle day)
_CHECKPOINT_BASE = {"disclosure": "start_date", "pledges": "start_date", "closing_report": "end_date",
                    "revisit": "end_date"}


def checkpoint_base_on(kind: str, start, end) -> ColumnElement:
    """The project date a checkpoint's due day counts from, whatever the rules: the start
    (disclosure, pledges), the middle day (mid_check) or the end (closing_report, revisit)."""
    if kind == "mid_check":
        return add_days(start, _half_floor(days_between(start, end)))
    return start if _CHECKPOINT_BASE[kind] == "start_date" else end


def checkpoint_shift(kind: str, rules: dict) -> int:
    """The days from checkpoint_base_on to the due day (rules.checkpoint_due_dates)."""
    if kind in ("disclosure", "pledges"):
        return rules["integrity_disclosure_days"]
    if kind == "revisit":
        return rules["integrity_revisit_days"]
    return 0  # the mid-term check, the closing report


def state(due_on, done_on, today: dt.date, soon_days: int, opens_on=None,
          shifted: tuple[ColumnElement, int] | None = None,
          closed: ColumnElement | None = None) -> ColumnElement:
    """rules.state_of(due, done_on, today, soon_days, opens_on) in SQL.

    `shifted`: (date, n) when due_on is that date + n days, a fixed n. The comparisons of an
    open item with today are then made on the date itself against today - n: the same
    answer, without computing the due date of every row (a date() call a row on SQLite, the
    bulk of counting the states of every dispatch).

    `closed`: the state of a done item when given ("done" or "done_late" from stored
    columns), instead of comparing `done_on` with `due_on`."""
    base, shift = shifted if shifted is not None else (due_on, 0)
    today_ = day(today - dt.timedelta(days=shift))
    soon_limit = day(today + dt.timedelta(days=soon_days - shift))
    soon = base <= soon_limit
    if opens_on is not None:
        soon = soon | (opens_on <= day(today))
    return case(
        (done_on.is_not(None), closed if closed is not None else case(
            (done_on <= due_on, literal_column("'done'")), else_=literal_column("'done_late'"))),
        (base < today_, literal_column("'overdue'")),
        (soon, literal_column("'due_soon'")),
        else_=literal_column("'not_yet_due'"),
    )
