"""Calendar-month arithmetic, the only place of it: the periods (tracker/periods.py), the
study rules, the calendar feed and the list filters all ask here."""
from __future__ import annotations

import datetime as dt


def add_months(first: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after the month of `first`."""
    index = first.year * 12 + first.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month `day` falls in."""
    return add_months(day.replace(day=1), 1) - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> int:
    """1 to 4."""
    return (day.month - 1) // 3 + 1


def period_start(day: dt.date, every_months: int) -> dt.date:
    """The first day of the month (every_months=1) or quarter (3) that `day` falls in."""
    return dt.date(day.year, day.month - (day.month - 1) % every_months, 1)


def day_in_month(day: dt.date, day_of_month: int) -> dt.date:
    """Day `day_of_month` of the month `day` falls in, clamped to its last day (31 -> 30 April)."""
    last = month_end(day)
    return last.replace(day=min(day_of_month, last.day))


def month_days(start: dt.date, end: dt.date, day_of_month: int) -> list[dt.date]:
    """Day `day_of_month` (clamped to short months) of every month, within start..end."""
    result, month = [], start.replace(day=1)
    while month <= end:
        day = day_in_month(month, day_of_month)
        if start <= day <= end:
            result.append(day)
        month = add_months(month, 1)
    return result


def month_label(first: dt.date) -> str:
    """A month as people write it: "2026-06"; 2026年6月."""
    from flask_babel import gettext as _

    return _("%(year)s-%(month)02d", year=first.year, month=first.month)


def quarter_label(first: dt.date) -> str:
    """A quarter as people write it: "2026 Q2"; 2026年第二季度."""
    from flask_babel import gettext as _

    year, quarter = first.year, quarter_of(first)
    # one string per quarter: Chinese writes the quarter's number in words (第二季度); only
    # the quarter's own is translated
    if quarter == 1:
        return _("%(year)s Q1", year=year)
    if quarter == 2:
        return _("%(year)s Q2", year=year)
    if quarter == 3:
        return _("%(year)s Q3", year=year)
    return _("%(year)s Q4", year=year)


def period_label(first: dt.date, every_months: int) -> str:
    """The one place a month or a quarter gets its words, for lists, dashboard, branch
    page and ledger alike."""
    return quarter_label(first) if every_months == 3 else month_label(first)
