"""What the person and project pages and the projects list show of dispatches (registered
in tracker.panels)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import panels
from tracker.dispatches import rules
from tracker.dispatches.models import Dispatch
from tracker.extensions import db


def for_person(person) -> dict:
    dispatches = db.session.scalars(
        select(Dispatch)
        .where(Dispatch.person_id == person.id, Dispatch.deleted_at.is_(None))
        .options(selectinload(Dispatch.project))
        .order_by(Dispatch.departure_date.desc())
    ).all()
    return {"dispatches": dispatches}


def for_project(project) -> dict:
    dispatches = db.session.scalars(
        select(Dispatch)
        .where(Dispatch.project_id == project.id, Dispatch.deleted_at.is_(None))
        .options(selectinload(Dispatch.person))
        .order_by(Dispatch.departure_date, Dispatch.id)
    ).all()
    return {"dispatches": dispatches, "branch_needed": project.id in rules.branch_needed([project.id])}


def for_project_list(projects) -> dict:
    """The projects list marks those that need a branch (the list of one page)."""
    return {"needed": rules.branch_needed([p.id for p in projects])}


def register(app) -> None:
    panels.register(app, "person", for_person)
    panels.register(app, "project", for_project)
    panels.register(app, "project list", for_project_list)
