"""Which to-do items there are, and how they are counted: every count that is a SELECT in
one query, the few only Python can judge (the study rules) once a request."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app, has_request_context
from sqlalchemy import Select, select

from tracker import clock
from tracker.extensions import db
from tracker.i18n import request_cache
from tracker.statements import Built
from tracker.todo import items
from tracker.todo.entries import Context, Entry, InSql, Row, in_sql

#: one line per item, in the order the box lists them
ITEMS = (
    items.sessions_returned,
    items.talks_returned,
    items.draft_sessions,
    items.draft_talks,
    items.sessions_waiting,
    items.talks_waiting,
    items.overdue_talks,
    items.overdue_checkpoints,
    items.team_talks_due,
    items.talks_unconfirmed,
    items.talks_disagreed,
    items.branches_missing_sessions,
)

#: in the box, not in the navigation's count on every page (see `badge`): the due items,
#: counted over all dispatches, projects and branches, and the talks not yet confirmed (a
#: date range over all talks, which a planner without statistics may walk)
NOT_IN_BADGE = frozenset({
    items.overdue_talks, items.overdue_checkpoints, items.team_talks_due, items.branches_missing_sessions,
    items.talks_unconfirmed,
})


@dataclass
class Counted:
    entry: Entry
    n: int
    #: counted in the navigation's badge
    in_badge: bool = True


def counted(user, today: dt.date | None = None, *, personal_only: bool = False) -> list[Counted]:
    """Every item that applies to the user, with its count (once a request). With
    `personal_only`, only the items the badge counts (all but NOT_IN_BADGE), taken from the
    whole box when it was already counted in this request."""
    cache = request_cache("_todo") if has_request_context() else {}
    today = today or clock.today()
    whole = (getattr(user, "id", None), today, False)
    if whole in cache:
        found = cache[whole]
        return [c for c in found if c.in_badge] if personal_only else found
    key = (getattr(user, "id", None), today, personal_only)
    if key not in cache:
        ctx = Context(user, today)
        made = [(e, item not in NOT_IN_BADGE) for item in ITEMS
                if not (personal_only and item in NOT_IN_BADGE) and (e := item(ctx)) is not None]
        numbers: dict[str, int] = {}
        if any(isinstance(e.count, Select | InSql) for e, _ in made):
            stmt, keys = _statement(user, today, personal_only, made)
            numbers = dict(zip(keys, db.session.connection().execute(stmt).one(), strict=True))
        cache[key] = [Counted(e, numbers[e.key] if e.key in numbers else e.count(), badge)
                      for e, badge in made]
    return cache[key]


def badge(user, today: dt.date | None = None) -> int:
    """The number the navigation shows on every page: what waits for the user's own hand
    (records returned to them, their drafts, records waiting for their review, talks whose
    subject disagreed), read in one query that indexes answer alone. The due items and the
    talks not yet confirmed are in the box and on the dashboard: counting them over all the
    data on every page would cost each page more than the page itself."""
    today = today or clock.today()
    whole = (getattr(user, "id", None), today, False)
    if has_request_context() and whole in request_cache("_todo"):
        return sum(c.n for c in counted(user, today, personal_only=True))
    stmt = _badge_statement(user, today)
    if stmt is None:  # an item Python counts: the whole way
        return sum(c.n for c in counted(user, today, personal_only=True))
    # Core, not the ORM session's execute: the statement selects no entities, and the ORM's
    # steps around it cost a third of the query
    return sum(db.session.connection().execute(stmt).one())


#: The count statements, per process, for the last users seen: the badge's, and the whole
#: box's. Building one (every item's Entry, then SQLAlchemy's cache key of the new statement)
#: cost twice what the query costs; it holds no data, only what it is built from: the items,
#: the user's ids and roles, the day. A few KB each: kept apart from the pages' statements,
#: whose room they would take.
STATEMENTS = Built(256)


def _statement(user, today: dt.date, personal_only: bool, made: list) -> tuple[Select, tuple[str, ...]] | None:
    """(the one query of the items of `user` counted in SQL, their keys in its order), None
    when there are none; `made`: the request's (Entry, in badge) of the user's items. The
    settings the box's counts are built from are part of its key."""
    config = current_app.config
    key = (ITEMS, NOT_IN_BADGE, user.id, user.person_id, user.roles_text, today, personal_only,
           config["TALK_CONFIRMATION_DAYS"], repr(sorted(config["RULES"].items())))

    def build():
        counts = [(e.key, stmt) for e, _ in made if (stmt := in_sql(e.count)) is not None]
        if not counts:
            return None
        return select(*(stmt.scalar_subquery().label(key) for key, stmt in counts)), tuple(key for key, _ in counts)
    return STATEMENTS.get(key, build)


def _badge_statement(user, today: dt.date) -> Select | None:
    """The badge's one query for `user`, or None when an item in it is counted in Python."""
    def build():
        ctx = Context(user, today)
        made = [e for item in ITEMS if item not in NOT_IN_BADGE and (e := item(ctx)) is not None]
        if not all(isinstance(e.count, Select | InSql) for e in made):
            return None
        return select(*(in_sql(e.count).scalar_subquery().label(e.key) for e in made)) if made else select(0)
    return STATEMENTS.get((ITEMS, NOT_IN_BADGE, user.id, user.person_id, user.roles_text, today, "badge"), build)


def box(user, today: dt.date | None = None) -> list[tuple[Counted, list[Row]]]:
    """The entries with something to do, each with its short list."""
    return [(c, c.entry.rows() if c.entry.rows else []) for c in counted(user, today) if c.n]
