"""Which to-do items there are, and how they are counted: every count that is a SELECT in
one query, the few only Python can judge (the study rules) once a request."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import has_request_context
from sqlalchemy import Select, select

from tracker import clock
from tracker.extensions import db
from tracker.i18n import request_cache
from tracker.todo import items
from tracker.todo.entries import Context, Entry, Row

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


@dataclass
class Counted:
    entry: Entry
    n: int


def counted(user, today: dt.date | None = None) -> list[Counted]:
    """Every item that applies to the user, with its count (once a request)."""
    cache = request_cache("_todo") if has_request_context() else {}
    today = today or clock.today()
    key = (getattr(user, "id", None), today)
    if key not in cache:
        ctx = Context(user, today)
        entries = [e for item in ITEMS if (e := item(ctx)) is not None]
        in_sql = [e for e in entries if isinstance(e.count, Select)]
        numbers: dict[str, int] = {}
        if in_sql:
            row = db.session.execute(select(*(e.count.scalar_subquery().label(e.key) for e in in_sql))).one()
            numbers = dict(zip((e.key for e in in_sql), row, strict=True))
        cache[key] = [Counted(e, numbers[e.key] if e.key in numbers else e.count()) for e in entries]
    return cache[key]


def badge(user, today: dt.date | None = None) -> int:
    """The number the navigation shows: everything in the user's box."""
    return sum(c.n for c in counted(user, today))


def box(user, today: dt.date | None = None) -> list[tuple[Counted, list[Row]]]:
    """The entries with something to do, each with its short list."""
    return [(c, c.entry.rows() if c.entry.rows else []) for c in counted(user, today) if c.n]
