"""Choosing a ledger: which branch (or all) and which period."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from tracker import clock
from tracker.dates import DateField
from tracker.forms import IdSelectField
from tracker.months import month_end, month_label, quarter_label

PERIOD_KINDS = {
    "year": _l("Year"),
    "quarter": _l("Quarter"),
    "month": _l("Month"),
    "custom": _l("Custom dates"),
}
#: what the ledger includes, stored in history with each export
RECORD_CHOICES = {
    False: ("submitted", "reviewed"),
    True: ("reviewed",),
}


@dataclass(frozen=True)
class Span:
    """The period of a ledger: `first` to `last`, both included."""

    kind: str
    first: dt.date
    last: dt.date

    def label(self) -> str:
        """How headings and file names call the period, in the user's language."""
        if self.kind == "year":
            return _("Year %(year)d", year=self.first.year)
        if self.kind == "quarter":
            return quarter_label(self.first)
        if self.kind == "month":
            return month_label(self.first)
        return _("%(first)s to %(last)s", first=self.first.isoformat(), last=self.last.isoformat())

    def code(self) -> str:
        """Language-neutral, for history and the ASCII file name: 2026, 2026-Q2, 2026-06, …"""
        if self.kind == "year":
            return f"{self.first.year}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


class LedgerForm(FlaskForm):
    """Read from the query string (ledger page, print view) or the POSTed export form.

    Fields left out keep their defaults: this year, all the user's branches.
    """

    class Meta:
        csrf = False  # a GET form; the exports' POSTs are checked by CSRFProtect

    branch_id = IdSelectField(_l("Branch"))
    period = SelectField(_l("Period"), choices=list(PERIOD_KINDS.items()), default="year")
    year = IntegerField(_l("Year"), default=lambda: clock.today().year,
                        validators=[Optional(), NumberRange(2000, 2100)])
    quarter = SelectField(_l("Quarter"), coerce=int, choices=list(enumerate((_l("Q1"), _l("Q2"), _l("Q3"), _l("Q4")), 1)),
                          default=lambda: (clock.today().month - 1) // 3 + 1)
    month = SelectField(_l("Month"), coerce=int, choices=[(m, f"{m:02d}") for m in range(1, 13)],
                        default=lambda: clock.today().month)
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    reviewed_only = BooleanField(_l("Reviewed records only"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.period.data != "custom":
            return valid
        first, last = self.date_from, self.date_to
        if first.data is None and not first.errors:
            first.errors.append(_l("Give the first day of the period."))
        if last.data is None and not last.errors:
            last.errors.append(_l("Give the last day of the period."))
        elif first.data and last.data < first.data:
            last.errors.append(_l("The period cannot end before it starts."))
        elif first.data and (last.data - first.data).days > 366 * 5:
            last.errors.append(_l("Choose a period of at most five years."))
        return valid and not (first.errors or last.errors)

    def span(self) -> Span:
        """The chosen period (call after validate())."""
        year = self.year.data or clock.today().year
        if self.period.data == "quarter":
            first = dt.date(year, 3 * self.quarter.data - 2, 1)
            return Span("quarter", first, month_end(dt.date(year, 3 * self.quarter.data, 1)))
        if self.period.data == "month":
            first = dt.date(year, self.month.data, 1)
            return Span("month", first, month_end(first))
        if self.period.data == "custom":
            return Span("custom", self.date_from.data, self.date_to.data)
        return Span("year", dt.date(year, 1, 1), dt.date(year, 12, 31))

    def statuses(self) -> tuple[str, ...]:
        return RECORD_CHOICES[bool(self.reviewed_only.data)]

    def query_args(self) -> dict:
        """The choice as URL/form parameters (for the print link and the export buttons)."""
        args = {"period": self.period.data, "year": self.year.data}
        if self.branch_id.data:
            args["branch_id"] = self.branch_id.data
        if self.period.data == "quarter":
            args["quarter"] = self.quarter.data
        if self.period.data == "month":
            args["month"] = self.month.data
        if self.period.data == "custom":
            args["date_from"] = self.date_from.data.isoformat()
            args["date_to"] = self.date_to.data.isoformat()
        if self.reviewed_only.data:
            args["reviewed_only"] = "y"
        return args
