"""History is never deleted: the ORM refuses to delete a history entry, one by one or in bulk."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.history.models import HistoryEntry


class HistoryIsKept(RuntimeError):
    pass


def _refuse_delete(mapper, connection, target):
    raise HistoryIsKept("history entries are never deleted")


def _refuse_bulk_delete(state):
    if state.is_delete and any(
        getattr(m, "class_", None) is HistoryEntry for m in state.all_mappers
    ):
        raise HistoryIsKept("history entries are never deleted")


def install() -> None:
    if not event.contains(HistoryEntry, "before_delete", _refuse_delete):
        event.listen(HistoryEntry, "before_delete", _refuse_delete)
        event.listen(Session, "do_orm_execute", _refuse_bulk_delete)
