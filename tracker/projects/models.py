from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Tracked
from tracker.people.models import Person


class Project(Tracked, Base):
    __tablename__ = "project"
    __table_args__ = (
        # the projects list, the latest start first: its page read in this order, not all sorted
        Index("ix_project_listed", "start_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    audited_entity: Mapped[str] = mapped_column(String(100))
    #: vocab.PROJECT_TYPES
    project_type: Mapped[str] = mapped_column(String(20))
    site: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    #: vocab.PROJECT_STATUSES
    status: Mapped[str] = mapped_column(String(20), default="planned")
    team_leader_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    team_leader: Mapped[Person | None] = relationship()
    checkpoints: Mapped[list[IntegrityCheckpoint]] = relationship(
        back_populates="project", order_by="IntegrityCheckpoint.id"
    )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IntegrityCheckpoint(Base):
    """One of a project's integrity checkpoints (INTEGRITY.md), with the day it was done."""

    __tablename__ = "integrity_checkpoint"
    #: a checkpoint's date or note is part of the project's version (tracker.records)
    __version_owner__ = "project"
    __table_args__ = (UniqueConstraint("project_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    #: vocab.CHECKPOINT_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    project: Mapped[Project] = relationship(back_populates="checkpoints")
