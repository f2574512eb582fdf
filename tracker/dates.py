"""The one reader of dates typed into filters and forms, and the one range every date must
fall in. A date far outside it (0001-01-01, 9999-12-31) is refused with a message, so no
period arithmetic overflows and no database is asked for a year it cannot hold."""
from __future__ import annotations

import datetime as dt

from flask import Flask, g, has_request_context
from flask_babel import lazy_gettext as _l
from wtforms import DateField as _DateField
from wtforms.validators import ValidationError

#: no record of the bureau's work lies outside these years
MIN_DATE = dt.date(1950, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
OUT_OF_RANGE = _l("Give a date between %(first)s and %(last)s.",
                  first=MIN_DATE.isoformat(), last=MAX_DATE.isoformat())


def in_range(day: dt.date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def _refused() -> None:
    """Remember for the page that a date argument was out of range (filter_messages)."""
    if has_request_context():
        g.date_out_of_range = True


def parse_day(text: str | None) -> dt.date | None:
    """'2026-05-31' -> that date; None when empty, not a date, or out of range."""
    text = (text or "").strip()
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    if day is not None and not in_range(day):
        _refused()
        return None
    return day


def parse_month(text: str | None) -> dt.date | None:
    """'2026-05' -> 2026-05-01; None when empty, not a month, or out of range."""
    return parse_day(f"{(text or '').strip()}-01") if len((text or "").strip()) == 7 else None


def parse_year(text: str | None) -> int | None:
    """'2026' -> 2026; None when empty, not a year, or out of range."""
    text = (text or "").strip()
    day = parse_day(f"{text}-01-01") if len(text) == 4 and text.isdigit() else None
    return day.year if day else None


IGNORED = _l("A date outside the range the tracker holds was ignored: give a date between "
             "%(first)s and %(last)s.", first=MIN_DATE.isoformat(), last=MAX_DATE.isoformat())


def filter_messages() -> list[str]:
    """What the page says about its date arguments (base.html shows it above the content)."""
    return [str(IGNORED)] if g.get("date_out_of_range") else []


def init_app(app: Flask) -> None:
    app.jinja_env.globals["date_messages"] = filter_messages


def check_range(form, field) -> None:
    """The one validator of every date field of every form."""
    if field.data is not None and not in_range(field.data):
        raise ValidationError(OUT_OF_RANGE)


class DateField(_DateField):
    """A form's date field: ISO dates within the bureau's range, refused next to the field."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or []), check_range], **kwargs)
