"""The one period type: a month, a quarter, a year or custom dates, first to last day both
included. The dashboard, the ledger, the to-do box and the study rules (the time a branch is
active) all use it; the month arithmetic it needs is in tracker/months.py."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.dates import MAX_DATE, parse_day
from tracker.months import add_months, month_end, month_label, quarter_label

#: the periods the dashboard offers, each around today
KINDS = {
    "month": _l("This month"),
    "quarter": _l("This quarter"),
    "year": _l("This year"),
    "custom": _l("Custom dates"),
}
#: a custom dashboard period longer than this is cut (the charts have a bar per month)
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, custom (or active: the time a branch is active)
    first: dt.date
    last: dt.date

    @property
    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        out, month = [], self.first.replace(day=1)
        while month <= self.last:
            out.append(month)
            month = add_months(month, 1)
        return out

    def clip(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
        """The days of `first`..`last` that fall in this period, or None."""
        lo, hi = max(first, self.first), min(last, self.last)
        return (lo, hi) if lo <= hi else None

    def args(self) -> dict:
        """The dashboard's query arguments that select this period again (for links)."""
        if self.kind == "custom":
            return {"period": "custom", "from": self.first.isoformat(), "to": self.last.isoformat()}
        return {"period": self.kind}

    def label(self) -> str:
        """How headings and captions call the period, in the user's language."""
        if self.kind == "year":
            return _("Year %(year)d", year=self.first.year)
        if self.kind == "quarter":
            return quarter_label(self.first)
        if self.kind == "month":
            return month_label(self.first)
        return _("%(first)s to %(last)s", first=format_date(self.first, "medium"),
                 last=format_date(self.last, "medium"))

    def code(self) -> str:
        """Language-neutral, for history and ASCII file names: 2026, 2026-Q2, 2026-06, …"""
        if self.kind == "year":
            return f"{self.first.year}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


def year(number: int) -> Period:
    return Period("year", dt.date(number, 1, 1), dt.date(number, 12, 31))


def quarter(number: int, q: int) -> Period:
    first = dt.date(number, 3 * q - 2, 1)
    return Period("quarter", first, month_end(add_months(first, 2)))


def month(first: dt.date) -> Period:
    first = first.replace(day=1)
    return Period("month", first, month_end(first))


def active(start: dt.date, end: dt.date | None = None) -> Period:
    """The time a branch is active: from `start`, to `end` or open-ended (while not dissolved)."""
    return Period("active", start, end or MAX_DATE)


def current(kind: str, today: dt.date) -> Period:
    """This month, quarter or year around `today`."""
    if kind == "year":
        return year(today.year)
    if kind == "quarter":
        return quarter(today.year, (today.month - 1) // 3 + 1)
    return month(today)


def from_args(args, today: dt.date) -> tuple[Period, str | None]:
    """The period the request asks for, and a message when it had to be corrected.

    period=month|quarter|year (default month) or period=custom&from=YYYY-MM-DD&to=YYYY-MM-DD.
    """
    kind = args.get("period", "month")
    if kind not in KINDS:
        kind = "month"
    if kind != "custom":
        return current(kind, today), None
    first, last = parse_day(args.get("from")), parse_day(args.get("to"))
    if first is None or last is None:
        return current("month", today), str(_l("Give both dates of a custom period; showing this month."))
    if first > last:
        first, last = last, first
    if (last - first).days > MAX_DAYS:
        last = first + dt.timedelta(days=MAX_DAYS)
        return Period("custom", first, last), str(_l("A period can be at most three years; it was shortened."))
    return Period("custom", first, last), None
