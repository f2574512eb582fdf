"""Choosing a ledger: which branch (or all) and which period."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from tracker import clock, periods
from tracker.dates import DateField
from tracker.forms import IdSelectField
from tracker.months import quarter_of
from tracker.periods import Period

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
                          default=lambda: quarter_of(clock.today()))
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

    def span(self) -> Period:
        """The chosen period (call after validate())."""
        year = self.year.data or clock.today().year
        if self.period.data == "quarter":
            return periods.quarter(year, self.quarter.data)
        if self.period.data == "month":
            return periods.month(dt.date(year, self.month.data, 1))
        if self.period.data == "custom":
            return Period("custom", self.date_from.data, self.date_to.data)
        return periods.year(year)

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
