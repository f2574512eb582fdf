"""The period the dashboard covers: this month, this quarter, this year or custom dates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from tracker.dates import parse_day
from tracker.months import add_months, month_label, quarter_label

KINDS = {
    "month": _l("This month"),
    "quarter": _l("This quarter"),
    "year": _l("This year"),
    "custom": _l("Custom dates"),
}
#: a custom period longer than this is cut (the charts have a bar per month)
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    kind: str
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

    def args(self) -> dict:
        """The query arguments that select this period again (for links)."""
        if self.kind == "custom":
            return {"period": "custom", "from": self.first.isoformat(), "to": self.last.isoformat()}
        return {"period": self.kind}

    @property
    def title(self) -> str:
        if self.kind == "month":
            return month_label(self.first)
        if self.kind == "year":
            return str(self.first.year)
        if self.kind == "quarter":
            return quarter_label(self.first)
        return f"{format_date(self.first, 'medium')} – {format_date(self.last, 'medium')}"


def current(kind: str, today: dt.date) -> Period:
    """This month, quarter or year around `today`."""
    if kind == "year":
        return Period(kind, dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    months = 3 if kind == "quarter" else 1
    first = dt.date(today.year, today.month - (today.month - 1) % months, 1)
    return Period(kind, first, add_months(first, months) - dt.timedelta(days=1))


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
