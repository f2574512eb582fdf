"""Language choice: the user's pick (kept in the session), else the browser's."""
from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale

from tracker.extensions import babel

LANGUAGES = {"en": "English", "zh": "中文"}


def select_locale() -> str:
    if not has_request_context():
        return "en"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans", "zh-TW"])
    return "zh" if best and best.lower().startswith("zh") else "en"


def _date(d) -> str:
    """A date in the user's language. A list shows the same few dates on many rows: within
    a request each date is formatted once (the language cannot change during a request)."""
    if not d:
        return ""
    if not has_request_context():
        return format_date(d, "medium")
    known = request.__dict__.setdefault("_formatted_dates", {})
    if d not in known:
        known[d] = format_date(d, "medium")
    return known[d]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["datetime"] = lambda d: format_datetime(d, "medium") if d else ""
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["get_locale"] = get_locale
