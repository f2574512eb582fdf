"""The main navigation: one list of entries (where each leads, its label, who sees it, whether
it carries the to-do count), rendered by base.html.

The definition is built once per process; a request only asks each entry's predicate and
reads the links, whose URLs are made once per process too (they change only with the
application's root)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user

from tracker import permissions as perm
from tracker.i18n import request_translations
from tracker.web import kept_url


def N_(msgid: str) -> str:  # noqa: N802  # the name pybabel extracts by default
    """Marks a label for translation; `navigation` translates it with the request's
    catalogue (a lazy string would look the catalogue up again for every label)."""
    return msgid


def _staff(user) -> bool:
    """Everyone but a member-only account, whose pages concern their own person."""
    return not perm.is_member_only(user)


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    #: the message id, translated where it is shown
    label: str
    #: the permission predicate: whether the user sees the entry
    shown: Callable[[object], bool]
    #: a place on the endpoint's page rather than a page (the home page's to-do box)
    anchor: str | None = None
    #: the name of the count it carries (a function of the user that a feature registers
    #: with `add_badge`); the entry is left out on pages that must not query
    badge: str | None = None
    #: the link's id, for the tests and the phone layout
    html_id: str | None = None

    @property
    def section(self) -> str:
        """The blueprint whose pages the entry stands for."""
        return self.endpoint.partition(".")[0]


#: in the order the menu shows them
ENTRIES = (
    NavEntry("home.index", N_("My page"), perm.is_member_only),
    NavEntry("points.mine", N_("My points"), perm.is_member_only),
    NavEntry("home.index", N_("To do"), _staff, anchor="todo", badge="todo", html_id="nav-todo"),
    NavEntry("projects.index", N_("Audit projects"), _staff),
    NavEntry("branches.index", N_("Temporary branches"), _staff),
    NavEntry("people.index", N_("People"), _staff),
    NavEntry("dispatches.index", N_("Dispatches"), _staff),
    NavEntry("study.index", N_("Study sessions"), _staff),
    NavEntry("talks.index", N_("Talks"), _staff),
    NavEntry("due.talks", N_("Talks due"), _staff),
    NavEntry("ledger.index", N_("Ledger"), _staff),
    NavEntry("points.table", N_("Points cards"), _staff),
    NavEntry("accounts.index", N_("Accounts"), perm.can_manage_accounts),
    NavEntry("trash.index", N_("Deleted records"), perm.can_undelete),
)


@dataclass(frozen=True)
class Link:
    """An entry as one request shows it."""

    entry: NavEntry
    #: the label in the request's language
    label: str
    url: str
    #: "page" on the entry's own page, "true" elsewhere in its section, else None
    current: str | None


@dataclass(frozen=True)
class Navigation:
    links: list[Link]
    #: each shown badge's count, by name
    counts: dict[str, int]

    @property
    def todo(self) -> int | None:
        """The to-do count, or None where it is not shown."""
        return self.counts.get("todo")


def url(endpoint: str, anchor: str | None = None) -> str:
    """The URL of an endpoint without arguments (and perhaps a place on its page)."""
    return kept_url(endpoint, _anchor=anchor)


def _current(entry: NavEntry, endpoint: str | None) -> str | None:
    if entry.anchor or not endpoint:
        return None
    if endpoint == entry.endpoint:
        return "page"
    return "true" if endpoint.partition(".")[0] == entry.section else None


def add_badge(app, name: str, count: Callable[[object], int]) -> None:
    """Let the entry whose badge is `name` show `count(user)`: the feature that counts
    registers it, so the navigation imports no feature."""
    app.extensions.setdefault("nav_badges", {})[name] = count


def navigation(user, *, badges_off: bool = False) -> Navigation:
    """The entries `user` sees, with the current one marked. A badge is counted only where
    its entry is shown; with `badges_off` (error pages, which must not query) entries with
    a badge are left out."""
    if not user.is_authenticated:
        return Navigation([], {})
    links, counts, answers = [], {}, {}
    endpoint = request._get_current_object().endpoint
    translations = request_translations()
    for entry in ENTRIES:
        if entry.badge and badges_off:
            continue
        if entry.shown not in answers:  # most entries ask the same predicate
            answers[entry.shown] = entry.shown(user)
        if not answers[entry.shown]:
            continue
        if entry.badge:
            counts[entry.badge] = current_app.extensions["nav_badges"][entry.badge](user)
        links.append(Link(entry, translations.ugettext(entry.label), url(entry.endpoint, entry.anchor),
                          _current(entry, endpoint)))
    return Navigation(links, counts)


def init_app(app) -> None:
    # the user itself, not the proxy: every predicate asks it several times
    app.jinja_env.globals["navigation"] = lambda badges_off=False: navigation(
        current_user._get_current_object(), badges_off=badges_off)
    app.jinja_env.globals["nav_url"] = url
