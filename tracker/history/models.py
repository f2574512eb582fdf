from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base


class HistoryEntry(Base):
    """Who did what to which record, when, with the values before and after. Never deleted."""

    __tablename__ = "history_entry"
    __table_args__ = (Index("ix_history_entry_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: table name of the record, e.g. "project"
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int]
    #: create, update, delete, restore, or a workflow step
    action: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[dt.datetime]
    #: {field: [before, after]} as JSON-safe values
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    user = relationship("User")

    @property
    def user_name(self) -> str | None:
        """The name of who did it (None for the system), as the history tables show it; a
        page that reads its history as plain rows selects it as a column."""
        return self.user.name if self.user is not None else None
