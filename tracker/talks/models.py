from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Tracked
from tracker.dispatches.models import Dispatch
from tracker.people.models import Person
from tracker.review.models import Reviewable, waiting_index

LIST_SHORT_NAMES = {"eight_prohibitions": "八不准", "four_bans": "四严禁"}


class IntegrityListVersion(Base):
    """One published version of the audit discipline lists (八不准 / 四严禁).

    Versions are never edited once talks use them: a bureau adds a new version, and
    every talk keeps the version it was recorded with.
    """

    __tablename__ = "integrity_list_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a short name people recognise, e.g. "2018"
    label: Mapped[str] = mapped_column(String(50), unique=True)
    #: the day the bureau started using this version; the newest one applies to new talks
    effective_from: Mapped[dt.date]
    note: Mapped[str] = mapped_column(String(500), default="")
    items: Mapped[list[IntegrityItem]] = relationship(
        back_populates="version", order_by="[IntegrityItem.list_code, IntegrityItem.position]"
    )

    def __str__(self) -> str:
        return self.label


class IntegrityItem(Base):
    """One rule of a list, in Chinese as published and with its English rendering."""

    __tablename__ = "integrity_item"
    __table_args__ = (UniqueConstraint("version_id", "list_code", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("integrity_list_version.id"), index=True)
    #: vocab.INTEGRITY_LISTS
    list_code: Mapped[str] = mapped_column(String(30))
    #: 1-based number of the rule in its list
    position: Mapped[int]
    text_zh: Mapped[str] = mapped_column(Text)
    #: English rendering; empty where none exists (the Chinese text is shown instead)
    text_en: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[IntegrityListVersion] = relationship(back_populates="items")

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" and self.text_en else self.text_zh

    def __str__(self) -> str:
        # how history shows a covered item, e.g. "八不准 3"
        return f"{LIST_SHORT_NAMES.get(self.list_code, self.list_code)} {self.position}"


#: which integrity items a talk covered
talk_integrity_item = Table(
    "talk_integrity_item",
    Base.metadata,
    Column("talk_id", ForeignKey("talk.id"), primary_key=True),
    Column("item_id", ForeignKey("integrity_item.id"), primary_key=True, index=True),
)


class Talk(Reviewable, Tracked, Base):
    """A talk record (谈话记录); pre- and post-dispatch talks belong to a dispatch."""

    __tablename__ = "talk"
    #: the integrity items covered are part of the talk's version (tracker.records)
    __version_links__ = ("integrity_items",)
    __table_args__ = (
        # the earliest live talk of a type for a dispatch, which fulfils a due talk
        # (tracker/due/sql.py), read from the index alone
        Index("ix_talk_fulfils", "dispatch_id", "talk_type", "deleted_at", "talk_date", "id"),
        # the talks list, the latest first: a page read in this order (by date alone, a day's
        # hundreds of talks at ten times province scale were all read and sorted by id)
        Index("ix_talk_listed", "talk_date", "id"),
        # the to-do box counts each author's drafts and returned records on every page, and
        # the talks whose subject disagreed; only answered talks are in it, so a planner never
        # walks it for the unanswered (they are found through the few people with accounts)
        Index("ix_talk_author", "author_id", "status", "deleted_at"),
        Index("ix_talk_waiting", "status", "deleted_at"),
        # the dashboard's review queue
        waiting_index("ix_talk_waiting_since"),
        Index("ix_talk_answered", "confirmation", sqlite_where=text("confirmation IS NOT NULL"),
              postgresql_where=text("confirmation IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: vocab.TALK_TYPES
    talk_type: Mapped[str] = mapped_column(String(20), index=True)
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatch.id"), index=True)
    #: the person talked with
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: the day the talk took place (it decides whether a due talk was on time)
    talk_date: Mapped[dt.date]
    place: Mapped[str] = mapped_column(String(100), default="")
    conducted_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: vocab.TALK_FORMS
    talk_form: Mapped[str] = mapped_column(String(20), default="in_person")
    key_points: Mapped[str] = mapped_column(Text, default="")
    concerns: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    follow_up_due: Mapped[dt.date | None]
    #: why the talk was held after its due day (a pre-dispatch talk after the departure)
    late_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: the integrity list version in force when the talk was recorded
    integrity_version_id: Mapped[int | None] = mapped_column(ForeignKey("integrity_list_version.id"))
    #: the person talked with answered the record (tracker/talks/confirmation.py): vocab.CONFIRMATIONS
    confirmation: Mapped[str | None] = mapped_column(String(20))
    confirmed_at: Mapped[dt.datetime | None]
    #: their comment; required with a disagreement
    confirmation_comment: Mapped[str] = mapped_column(Text, default="", server_default="")

    dispatch: Mapped[Dispatch | None] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    conducted_by: Mapped[Person] = relationship(foreign_keys=[conducted_by_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])
    integrity_version: Mapped[IntegrityListVersion | None] = relationship()
    integrity_items: Mapped[list[IntegrityItem]] = relationship(
        secondary=talk_integrity_item, order_by=[IntegrityItem.list_code, IntegrityItem.position]
    )

    # who conducted the talk, who was talked with and who wrote it down may not approve it
    party_person_columns = ("conducted_by_id", "person_id", "recorder_id")

    def __str__(self) -> str:
        return f"{self.person} {self.talk_date.isoformat()}"
