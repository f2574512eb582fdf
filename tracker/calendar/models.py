from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.db import Base


class CalendarFeed(Base):
    """A user's personal calendar feed. Only a hash of the secret token is kept."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    #: SHA-256 of the token in the feed URL (the token itself is shown once, never stored)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    #: when a calendar client last fetched the feed
    last_used_at: Mapped[dt.datetime | None]
    user: Mapped[User] = relationship()
