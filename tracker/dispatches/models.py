from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Tracked
from tracker.people.models import Person
from tracker.projects.models import Project


class Dispatch(Tracked, Base):
    """A person sent to work on a project away from home; it makes talks due."""

    __tablename__ = "dispatch"
    __table_args__ = (
        # a project's live dispatches and their people from the index alone: the projects
        # list counts each project's full party members for the branch-needed rule
        Index("ix_dispatch_project_live_person", "project_id", "deleted_at", "person_id"),
        # the dispatches list, the latest departure first: a page read in this order
        Index("ix_dispatch_listed", "departure_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # looked up through ix_dispatch_project_live_person, which starts with it
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    #: indexed: the due engine narrows dispatches by a period of due dates
    departure_date: Mapped[dt.date]
    return_date: Mapped[dt.date] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    person: Mapped[Person] = relationship()
    project: Mapped[Project] = relationship()

    def __str__(self) -> str:
        return f"{self.person} → {self.project.code}"
