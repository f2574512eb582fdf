"""What the person and project pages show of branches (registered in tracker.panels)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import panels
from tracker.branches.models import Branch, Membership, branch_project
from tracker.extensions import db


def for_person(person) -> dict:
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.person_id == person.id, Membership.deleted_at.is_(None))
        .options(selectinload(Membership.branch))
        .order_by(Membership.joined_on.desc())
    ).all()
    return {"memberships": memberships}


def for_project(project) -> dict:
    branches = db.session.scalars(
        select(Branch)
        .join(branch_project, branch_project.c.branch_id == Branch.id)
        .where(branch_project.c.project_id == project.id, Branch.deleted_at.is_(None))
        .order_by(Branch.approval_date.desc())
    ).all()
    return {"branches": branches}


def register(app) -> None:
    panels.register(app, "person", for_person)
    panels.register(app, "project", for_project)
