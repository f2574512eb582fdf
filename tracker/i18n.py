"""Language choice: the user's pick (kept in the session), else the browser's."""
from __future__ import annotations

import datetime as dt
import functools
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from tracker.extensions import babel
from tracker.months import month_label

LANGUAGES = {"en": "English", "zh": "中文"}
#: one Locale per language for the process: Flask-Babel would parse the code into a new
#: one on every request (a file lookup and the locale data loaded again)
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale() -> str:
    if not has_request_context():
        return "en"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans", "zh-TW"])
    return "zh" if best and best.lower().startswith("zh") else "en"


def request_cache(name: str) -> dict:
    """A dict kept on the current request, for what is translated or formatted once per
    request: the language cannot change during a request."""
    # the request itself, not the proxy: templates ask this for every string, and a read
    # through the proxy goes through its lookup first
    return request._get_current_object().__dict__.setdefault(name, {})


def request_language() -> str:
    """The request's language code ("en", "zh"), found once per request."""
    known = request_cache("_i18n")
    if "locale" not in known:
        known["locale"] = str(get_locale())
    return known["locale"]


def per_language(maxsize: int):
    """A decorator: `words(*args)` made once per language and process in a request (its
    arguments and the request's language are the key, at most `maxsize` kept), and every time
    outside one. For words made from the catalogue and hashable arguments only: the
    catalogues do not change while a process runs."""
    def decorate(words):
        @lru_cache(maxsize=maxsize)
        def kept(language: str, *args):  # `language` is the key's: the words come from the request's catalogue
            return words(*args)

        @functools.wraps(words)
        def made(*args):
            return kept(request_language(), *args) if has_request_context() else words(*args)
        return made
    return decorate


@lru_cache(maxsize=16384)
def _medium_date(day: dt.date, locale: str) -> str:
    """Babel's "medium" date (what flask_babel.format_date(day, "medium") gives with the
    default formats). Formatting a date costs about as much as rendering a table row, and a
    list shows dates on every row, so each (date, language) is formatted once per worker."""
    return babel_dates.format_date(day, "medium", locale=locale)


def date_label(d) -> str:
    """A date in the user's language (the templates' `date` filter; a list's rows made in
    Python call it directly)."""
    if not d:
        return ""
    if not has_request_context() or isinstance(d, dt.datetime):  # a moment: in the user's time zone
        return format_date(d, "medium")
    return _medium_date(d, request_language())


def date_labeller():
    """`date_label` for many days (dates, not moments) of one request, its language found
    once: what rows made in Python call for each row."""
    if not has_request_context():
        return date_label
    language = request_language()
    return lambda day: _medium_date(day, language) if day else ""


def colon() -> str:
    """The colon between a label and its value: full width in Chinese (标题：内容)."""
    return "：" if has_request_context() and request_language() == "zh" else ": "


def request_translations():
    """The request's catalogue, looked up once per request rather than once per string."""
    if not has_request_context():
        return get_translations()
    known = request_cache("_i18n")
    if "translations" not in known:
        known["translations"] = get_translations()
    return known["translations"]


#: (language, autoescaped, message) -> what a template's `_(message)` without variables gives:
#: a page's headings, labels and buttons are the same strings on every request (the branch
#: page asks 80), translated once per process — the catalogues do not change while it runs —
#: instead of through Jinja's three calls and the request's catalogue each time. Templates
#: translate literals only; the bound is a guard.
_TEMPLATE_TEXTS: dict[tuple[str, bool, str], str] = {}
_TEMPLATE_TEXTS_MAX = 4096


@pass_context
def template_gettext(context, message: str, **variables) -> str:
    """Jinja's newstyle `gettext` and `_` (jinja2.ext._make_new_gettext over the request's
    catalogue: the translation, Markup where the template escapes, formatted with the
    variables escaped), its answers without variables kept per language."""
    autoescape = context.eval_ctx.autoescape
    key = (request_language(), autoescape, message) if not variables and has_request_context() else None
    if key is not None and (made := _TEMPLATE_TEXTS.get(key)) is not None:
        return made
    translated = request_translations().ugettext(message)
    # Markup: the catalogue's text is the template's own, as Jinja's gettext takes it.
    made = (Markup(translated) if autoescape else translated) % variables  # noqa: S704  # nosec B704
    if key is not None and len(_TEMPLATE_TEXTS) < _TEMPLATE_TEXTS_MAX:
        _TEMPLATE_TEXTS[key] = made
    return made


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=lambda: _LOCALES[select_locale()])
    app.jinja_env.filters["date"] = date_label
    app.jinja_env.filters["month"] = month_label
    # Flask-Babel's template gettext finds the catalogue anew for every string; a list page
    # asks for hundreds of strings.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)
    app.jinja_env.filters["datetime"] = lambda d: format_datetime(d, "medium") if d else ""
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["colon"] = colon
    app.jinja_env.globals["get_locale"] = get_locale
    # what base.html asks on every page: the code, without Flask-Babel's lookup each time
    app.jinja_env.globals["locale_code"] = request_language
