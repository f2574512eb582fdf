"""The one place that says what time it is, so tests can fix the clock."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

_fixed_now: dt.datetime | None = None


def now() -> dt.datetime:
    """The current moment, timezone-aware, in UTC."""
    return _fixed_now or dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in the bureau's time zone."""
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return now().astimezone(tz).date()


def fix(moment: dt.datetime | None) -> None:
    """Freeze the clock at `moment` (tests only); None unfreezes it."""
    global _fixed_now
    _fixed_now = moment
