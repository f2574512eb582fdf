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
