"""Results kept in memory until the data changes: for costly reads that many people ask
for again and again (the dashboard, the due items of the "Talks due" list, list totals and
filter options in tracker.web, the branch page's panels).

Every write goes through tracker.records / the services, and every one of them records an
entry in history (DESIGN.md: "Every change to any record is kept in a history"). So the
newest history id is a version of all the data: one primary-key lookup tells whether a kept
result may still be used. Results are also keyed by today's date (due states move with the
calendar) and expire after MEMO_SECONDS anyway (0 turns keeping off; tests run with it off
unless a test turns it on), so a write that forgot its history entry is seen within a minute.

Each gunicorn worker keeps its own results (bounded, least recently used dropped first);
workers on several machines stay correct because the version lives in the shared database.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import func, select

from tracker import clock
from tracker.extensions import db

T = TypeVar("T")
MAX_ENTRIES = 256
_kept: OrderedDict[Hashable, tuple[object, float, object]] = OrderedDict()
_lock = threading.Lock()


def data_version() -> object:
    """The newest history entry's id and today's date; read once per request."""
    if "memo_version" not in g:
        from tracker.history.models import HistoryEntry

        g.memo_version = (db.session.scalar(select(func.max(HistoryEntry.id))), clock.today())
    return g.memo_version


def kept(key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or the result kept for `key` at the current data version.

    Only GET requests keep and reuse results: a request that writes reads what it wrote."""
    seconds = current_app.config.get("MEMO_SECONDS", 60)
    if not seconds or not has_request_context() or request.method != "GET":
        return compute()
    version, now = data_version(), time.monotonic()
    with _lock:
        entry = _kept.get(key)
        if entry is not None and entry[0] == version and entry[1] > now:
            _kept.move_to_end(key)
            return entry[2]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _kept[key] = (version, now + seconds, value)
        _kept.move_to_end(key)
        while len(_kept) > MAX_ENTRIES:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept result (tests)."""
    with _lock:
        _kept.clear()
