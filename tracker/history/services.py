"""Recording history: every service that writes calls `record`."""
from __future__ import annotations

import datetime as dt
import decimal

from flask_login import current_user
from sqlalchemy import select

from tracker import clock
from tracker.extensions import db
from tracker.history.models import HistoryEntry


def jsonable(value):
    """A value as history stores it: dates as ISO text, records by their name."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return str(value)


def record(obj, action: str, changes: dict | None = None, user=None) -> HistoryEntry:
    """Add one history entry for `obj` (already flushed, so it has an id)."""
    user = user if user is not None else current_user
    entry = HistoryEntry(
        record_type=obj.__tablename__,
        record_id=obj.id,
        action=action,
        user_id=user.id if getattr(user, "is_authenticated", False) else None,
        at=clock.now(),
        changes={k: [jsonable(b), jsonable(a)] for k, (b, a) in (changes or {}).items()},
    )
    db.session.add(entry)
    return entry


def entries_for(obj):
    """The statement for a record's history, newest first, with the users loaded."""
    from sqlalchemy.orm import joinedload

    return (
        select(HistoryEntry)
        .where(HistoryEntry.record_type == obj.__tablename__, HistoryEntry.record_id == obj.id)
        .options(joinedload(HistoryEntry.user))
        .order_by(HistoryEntry.at.desc(), HistoryEntry.id.desc())
    )
