from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Tracked
from tracker.people.models import Person
from tracker.projects.models import Project

#: which projects a temporary branch serves (one branch may serve several at one site)
branch_project = Table(
    "branch_project",
    Base.metadata,
    Column("branch_id", ForeignKey("branch.id"), primary_key=True),
    Column("project_id", ForeignKey("project.id"), primary_key=True, index=True),
)


class Branch(Tracked, Base):
    __tablename__ = "branch"
    #: its projects are part of its version (tracker.records)
    __version_links__ = ("projects",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    #: the organisation that approved forming the branch
    approved_by: Mapped[str] = mapped_column(String(100))
    approval_date: Mapped[dt.date]
    #: vocab.BRANCH_STATUSES
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    dissolved_on: Mapped[dt.date | None]
    #: session types of the rules table this branch owes nothing of (space-separated codes,
    #: e.g. "party_group_meeting" for a branch without party groups)
    not_applicable: Mapped[str] = mapped_column(String(200), default="", server_default="")
    projects: Mapped[list[Project]] = relationship(secondary=branch_project, order_by=Project.code)
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="branch", order_by="Membership.joined_on"
    )

    @property
    def not_applicable_types(self) -> list[str]:
        return (self.not_applicable or "").split()

    def __str__(self) -> str:
        return self.name


class Membership(Tracked, Base):
    """A person's part in a temporary branch, with their role and dates."""

    __tablename__ = "membership"
    #: a change of a member is a change of the branch (tracker.records)
    __version_owner__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: vocab.BRANCH_ROLES
    role: Mapped[str] = mapped_column(String(20), default="member")
    joined_on: Mapped[dt.date]
    left_on: Mapped[dt.date | None]
    branch: Mapped[Branch] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship()

    def current_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)
