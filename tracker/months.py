"""Calendar-month arithmetic on first-of-month dates, shared by the study rules, the
dashboard's periods and the ledger's periods."""
from __future__ import annotations

import datetime as dt


def add_months(first: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after the month of `first`."""
    index = first.year * 12 + first.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month `day` falls in."""
    return add_months(day.replace(day=1), 1) - dt.timedelta(days=1)


def month_label(first: dt.date) -> str:
    """A month as people write it: "2026-06"; 2026年6月."""
    from flask_babel import gettext as _

    return _("%(year)s-%(month)02d", year=first.year, month=first.month)


def quarter_label(first: dt.date) -> str:
    """A quarter as people write it: "2026 Q2"; 2026年第二季度."""
    from flask_babel import gettext as _

    year = first.year
    # one string per quarter: Chinese writes the quarter's number in words (第二季度)
    return (_("%(year)s Q1", year=year), _("%(year)s Q2", year=year),
            _("%(year)s Q3", year=year), _("%(year)s Q4", year=year))[(first.month - 1) // 3]


def period_label(first: dt.date, every_months: int) -> str:
    """The one place a month or a quarter gets its words, for lists, dashboard, branch
    page and ledger alike."""
    return quarter_label(first) if every_months == 3 else month_label(first)
