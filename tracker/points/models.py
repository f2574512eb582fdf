"""The points scheme (versioned reference data) and the manual points items (reviewed records).

Derived points (sessions, lessons, talks) are not stored: tracker.points.derive counts them
from the reviewed records whenever a card or table is read, so nothing can go stale.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Tracked
from tracker.people.models import Person
from tracker.review.models import Reviewable
from tracker.study.models import Attendance
from tracker.talks.models import Talk

#: where an item's occurrences come from; every source but "manual" is derived
SOURCES = ("session_present", "session_absent", "lesson_speaker", "talk_held", "talk_attended", "manual")


class PointsScheme(Base):
    """One published version of the points scheme. Never changed once loaded: a bureau loads a
    new version, and earlier years keep theirs (see tracker.points)."""

    __tablename__ = "points_scheme"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50), unique=True)
    #: governs the cards of the years starting on or after this day
    effective_from: Mapped[dt.date] = mapped_column(index=True)
    #: every member's card starts the year with this score
    base_score: Mapped[int] = mapped_column(Integer)
    #: a yearly total at or above this earns the vanguard post (党员先锋岗)
    threshold: Mapped[int] = mapped_column(Integer, default=95)
    note: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[PointsCategory]] = relationship(
        back_populates="scheme", order_by="PointsCategory.position")
    items: Mapped[list[PointsItem]] = relationship(back_populates="scheme", order_by="PointsItem.position")

    def __str__(self) -> str:
        return self.label


class PointsCategory(Base):
    __tablename__ = "points_category"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("points_scheme.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[int]
    scheme: Mapped[PointsScheme] = relationship(back_populates="categories")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_zh


class PointsItem(Base):
    __tablename__ = "points_item"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("points_scheme.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("points_category.id"), index=True)
    #: manual items are recorded by this code, so a later version can keep or drop them
    code: Mapped[str] = mapped_column(String(30))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150), default="")
    #: points per occurrence; negative for deductions
    points: Mapped[int] = mapped_column(Integer)
    #: the most the item adds (or, for deductions, takes away) in a year; None: no cap
    yearly_cap: Mapped[int | None] = mapped_column(Integer)
    #: SOURCES
    source: Mapped[str] = mapped_column(String(20))
    #: space-separated session or talk types the item counts (vocab codes); empty: any
    record_types: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int]
    scheme: Mapped[PointsScheme] = relationship(back_populates="items")
    category: Mapped[PointsCategory] = relationship()

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_zh

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self.record_types.split())


class PointsEntry(Reviewable, Tracked, Base):
    """A manual points item (volunteering, an award, a deduction) for one person, with its
    reason and evidence; it counts once reviewed."""

    __tablename__ = "points_entry"
    __table_args__ = (
        # the bureau table sums a year's reviewed entries per person from this index
        Index("ix_points_entry_counted", "occurred_on", "status", "deleted_at", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: the code of a manual item of the scheme governing the entry's year
    item_code: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[dt.date]
    #: how many times it happened (e.g. three volunteering days)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    reason: Mapped[str] = mapped_column(Text)
    #: the evidence file in the attachment store (tracker.study.storage); empty: none yet
    evidence_key: Mapped[str] = mapped_column(String(100), default="")
    evidence_name: Mapped[str] = mapped_column(String(200), default="")
    evidence_type: Mapped[str] = mapped_column(String(100), default="")
    person: Mapped[Person] = relationship()

    def __str__(self) -> str:
        return f"{self.person} {self.occurred_on.isoformat()} {self.item_code}"


# The bureau's points table counts a year's attendance and talks per person (tracker.points.
# derive). These indexes let the database answer from the index alone; they are declared here,
# with the feature that needs them, so the study and talks models stay as their owners keep them.
Index("ix_attendance_points", Attendance.session_id, Attendance.status, Attendance.person_id)
Index("ix_talk_points_held", Talk.talk_date, Talk.status, Talk.deleted_at, Talk.talk_type, Talk.conducted_by_id)
Index("ix_talk_points_talked", Talk.talk_date, Talk.status, Talk.deleted_at, Talk.talk_type, Talk.person_id)


class PointsTally(Base):
    """A person's points for a year per category of the governing scheme, and on the row of
    category "" the sum of all categories (the card's total less the base score).

    Kept in the same flush as every change to the records points come from
    (tracker.points.tally); `flask points rebuild` makes it again from the records. Only the
    tables and exports read it: a card is always derived from the records themselves."""

    __tablename__ = "points_tally"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    #: a category code of the year's scheme; "" for the sum of every category
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    #: the person's name, which the table orders equal scores by: written with the row and
    #: again with every change of the name (tracker.points.tally)
    name: Mapped[str] = mapped_column(String(50), default="", server_default="")


# The ranking reads a year's totals (or one category's subtotals) in the table's own order,
# best first and equal scores by name, so a page reads its rows and those before it, not every
# row of a tie (a category has a handful of scores for everyone).
Index("ix_points_tally_rank", PointsTally.year, PointsTally.category, PointsTally.points.desc(), PointsTally.name,
      PointsTally.person_id)


# A person's rows of every year: the spread of scores (tracker.points.score_counts) counts them
# before and after a change of the person's party status or deletion, and a rename rewrites
# their names; the primary key starts with the year.
Index("ix_points_tally_person", PointsTally.person_id, PointsTally.year, PointsTally.category, PointsTally.points)


class PointsTallyStatus(Base):
    """One row (id 1) when the tally may lack records written before it existed (a database
    upgraded by migration 0021 with reviewed records in it): the tables then derive points
    from the records until `flask points rebuild` deletes it. No row: the tally is whole."""

    __tablename__ = "points_tally_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(200), default="")


class PointsScoreCount(Base):
    """How many live party members (deleted_at NULL, a party status other than "none") have a
    tally row of (year, category) at these points: the tally's spread of scores among the
    bureau table's people, so the table counts its vanguard post from the few scores above
    the threshold instead of every row above it. A count is SHARDS rows (tracker.kept_counts)
    whose sum it is, one per database connection's shard, so concurrent writers seldom wait.
    Kept in the same flush as the tally and every change of a person's party status or
    deletion (tracker/points/score_counts.py)."""

    __tablename__ = "points_score_count"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: a category code, or "" for the tally's total row (tracker.points.tally.TOTAL)
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    points: Mapped[int] = mapped_column(Integer, primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
