"""A study session (学习教育活动) of a temporary branch, who attended it, and its files."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.branches.models import Branch
from tracker.db import Base, Tracked
from tracker.people.models import Person
from tracker.review.models import Reviewable, waiting_index

#: a live session that counts as held (tracker.study.rules.COUNTED), as the partial index
#: ix_study_session_held says it: the study rules' statements write the same words
COUNTED_LIVE = "deleted_at IS NULL AND status IN ('submitted', 'reviewed')"


class StudySession(Reviewable, Tracked, Base):
    __tablename__ = "study_session"
    __table_args__ = (
        # the sessions list, newest first, reads this index in order and stops after a page
        Index("ix_study_session_listed", "held_on", "start_time", "id"),
        # the dashboard counts sessions per month, type and branch from the index alone
        Index("ix_study_session_counted", "held_on", "status", "session_type", "branch_id", "deleted_at"),
        # the sessions list counts its live sessions per branch from the index alone, and
        # the branch page reads its latest ones in the index's order
        Index("ix_study_session_live_branch", "deleted_at", "branch_id", "held_on", "start_time", "id"),
        # the to-do box counts each author's drafts and returned records on every page
        Index("ix_study_session_author", "author_id", "status", "deleted_at"),
        # ...and the records waiting for review, from the index alone
        Index("ix_study_session_waiting", "status", "deleted_at"),
        # the dashboard's review queue
        waiting_index("ix_study_session_waiting_since"),
        # the study rules read a branch's counted sessions from the index alone (the branch
        # page on every request), not from a table row each
        Index("ix_study_session_held", "branch_id", "held_on", "session_type", "id",
              sqlite_where=text(COUNTED_LIVE), postgresql_where=text(COUNTED_LIVE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    #: vocab.SESSION_TYPES
    session_type: Mapped[str] = mapped_column(String(30), index=True)
    #: the day the session was held (in the bureau's time zone)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    start_time: Mapped[dt.time]
    end_time: Mapped[dt.time]
    place: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(200))
    speaker: Mapped[str] = mapped_column(String(100), default="")
    host: Mapped[str] = mapped_column(String(50), default="")
    recorder: Mapped[str] = mapped_column(String(50), default="")
    #: content and minutes: the agenda and the points each speaker made
    content: Mapped[str] = mapped_column(Text, default="")
    #: resolutions and follow-up tasks (owner, deadline)
    resolutions: Mapped[str] = mapped_column(Text, default="")
    #: guests who are not branch members, with their roles
    guests: Mapped[str] = mapped_column(Text, default="")

    branch: Mapped[Branch] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Attendance.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="session", order_by="Attachment.id"
    )

    @property
    def expected_count(self) -> int:
        return len(self.attendance)

    @property
    def actual_count(self) -> int:
        return sum(1 for a in self.attendance if a.status == "present")

    @property
    def live_attachments(self) -> list[Attachment]:
        return [a for a in self.attachments if a.deleted_at is None]

    def __str__(self) -> str:
        return f"{self.held_on.isoformat()} {self.topic}"


class Attendance(Base):
    """One branch member at one session. Its changes are kept in the session's history."""

    __tablename__ = "attendance"
    #: attendance is part of the session's version (tracker.records)
    __version_owner__ = "session"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_session.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: vocab.ATTENDANCE
    status: Mapped[str] = mapped_column(String(10))
    #: why the member was on leave or absent (sick leave, on duty, …)
    reason: Mapped[str] = mapped_column(String(200), default="")
    #: when the member signed themselves in with the session's code (tracker/selfsign); the
    #: status above stays the team leader's entry, so the two are shown side by side
    self_signed_at: Mapped[dt.datetime | None]
    session: Mapped[StudySession] = relationship(back_populates="attendance")
    person: Mapped[Person] = relationship()

    @property
    def self_sign_differs(self) -> bool:
        """The member signed in with the code, but the team leader's entry says otherwise."""
        return self.self_signed_at is not None and self.status != "present"


class Attachment(Base):
    """A photo or document of a session; the bytes live in the attachment store under `key`."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_session.id"), index=True)
    #: where the attachment store keeps the file
    key: Mapped[str] = mapped_column(String(100))
    #: a scaled-down JPEG of an image, in the store too; None for documents
    thumbnail_key: Mapped[str | None] = mapped_column(String(100))
    #: the name as uploaded, its extension corrected to the content
    filename: Mapped[str] = mapped_column(String(200))
    #: the type found by looking at the content, not the name
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: removed from the session; the file is kept so history can still name it
    deleted_at: Mapped[dt.datetime | None]
    session: Mapped[StudySession] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.thumbnail_key is not None


class StudyMonth(Base):
    """A branch's counted sessions (tracker.study.rules.COUNTED, not deleted) of one type held
    in one month, with their attendance: what the dashboard's figures and the study rules'
    gaps read instead of every session and attendance row. tracker/study/upkeep.py writes the
    rows again from the sessions in the transaction of every change to them."""

    __tablename__ = "study_month"
    __table_args__ = (
        # the dashboard's figures and the study rules over a range of months from the index
        # alone, its sessions per month and type summed in the index's order
        Index("ix_study_month_month", "month", "session_type", "branch_id", "sessions", "expected", "present",
              "first_held_on", "last_held_on"),
    )

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), primary_key=True)
    #: the month's first day
    month: Mapped[dt.date] = mapped_column(primary_key=True)
    session_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    sessions: Mapped[int]
    #: the days the first and the last of them were held: the study rules judge the month
    #: by them (tracker.study.rules.for_branches)
    first_held_on: Mapped[dt.date]
    last_held_on: Mapped[dt.date]
    #: attendance rows of these sessions (members expected), and those marked present
    expected: Mapped[int]
    present: Mapped[int]


class StudyMonthTotal(Base):
    """The bureau's counted sessions of one type held in one month: the sum of every branch's
    StudyMonth row, which the dashboard's chart of sessions per month reads for the whole
    bureau (twelve months of every branch's rows, 3,000 at province scale, 30,000 at ten
    times). tracker/study/upkeep.py adds to it what each write of StudyMonth rows changes, in
    the same transaction."""

    __tablename__ = "study_month_total"

    #: the month's first day
    month: Mapped[dt.date] = mapped_column(primary_key=True)
    session_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    sessions: Mapped[int]
