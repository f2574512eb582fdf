from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, validates

from tracker.db import Base, Tracked
from tracker.people import pinyin

#: a live full party member, written as the partial index's condition (a query that names it
#: the same way, as tracker.dispatches.rules does, may be answered from the index)
FULL_MEMBER = "deleted_at IS NULL AND party_status = 'full'"


class Person(Tracked, Base):
    """Someone who can be dispatched or be a branch member. No ID numbers, no birth dates."""

    __tablename__ = "person"
    __table_args__ = (
        # the points table counts the non-members among the live people from it alone
        Index("ix_person_party_status", "party_status", "deleted_at"),
        # the live full party members, whom the "branch needed" rule counts on each project
        # (tracker/dispatches/rules.py): asked of this index alone, a dispatch's person is an
        # index entry, not a row of the table
        Index("ix_person_full_member", "id", sqlite_where=text(FULL_MEMBER),
              postgresql_where=text(FULL_MEMBER)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    #: the name's pinyin with tone digits (pinyin.sort_key): lists sort on it in the database
    name_pinyin: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)
    #: initials and full pinyin (pinyin.search_key), what a person picker matches typing against
    name_search: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: vocab.PARTY_STATUSES
    party_status: Mapped[str] = mapped_column(String(20))
    #: vocab.SOURCES
    source: Mapped[str] = mapped_column(String(20))
    #: the party organisation the person's membership stays with (组织关系所在党组织)
    home_organisation: Mapped[str] = mapped_column(String(100), default="")
    post: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    #: vocab.GENDERS; empty when not recorded
    gender: Mapped[str] = mapped_column(String(10), default="", server_default="")
    #: the day the person joined the party (入党时间), as on the roster
    joined_party_on: Mapped[dt.date | None]

    @validates("name")
    def _keep_pinyin(self, _key: str, name: str) -> str:
        # every way a name is set (forms, demo data, imports) keeps its keys in step
        self.name_pinyin = pinyin.sort_key(name or "")
        self.name_search = pinyin.search_key(name or "")
        return name

    def __str__(self) -> str:
        return self.name


class NameCharacter(Base):
    """A character of a person's name that is not ASCII, one row per person and character
    (tracker/people/name_index.py keeps them): the people whose names hold a character are a
    range of the primary key, so a search for 王 reads the names that hold 王, not every name."""

    __tablename__ = "person_name_character"

    character: Mapped[str] = mapped_column(String(1), primary_key=True)
    #: every person's, deleted or not: lists of talks and dispatches search deleted people's too
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)
