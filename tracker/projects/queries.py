from __future__ import annotations

from sqlalchemy import Select, or_, select

from tracker import permissions, vocab
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.web import like


def projects(args, *, include_deleted: bool = False, leader_person_id: int | None = None) -> Select:
    """Ids of the projects matching the list filters, what counting needs: q (name, code or
    entity), project_type, status, mine. `listed` adds what a row shows."""
    stmt = select(Project.id).where(
        Project.deleted_at.is_not(None) if include_deleted else Project.deleted_at.is_(None)
    )
    if q := (args.get("q") or "").strip():
        pattern = like(q)
        stmt = stmt.where(or_(
            Project.name.like(pattern, escape="\\"),
            Project.code.like(pattern, escape="\\"),
            Project.audited_entity.like(pattern, escape="\\"),
        ))
    if (kind := args.get("project_type")) in vocab.PROJECT_TYPES:
        stmt = stmt.where(Project.project_type == kind)
    if (status := args.get("status")) in vocab.PROJECT_STATUSES:
        stmt = stmt.where(Project.status == status)
    if args.get("mine") == "1":
        stmt = stmt.where(Project.team_leader_id == (leader_person_id or -1))
    return stmt.order_by(Project.start_date.desc(), Project.id.desc())


def listed(found: Select) -> Select:
    """The projects that `found` (projects()) selects, as plain rows with the team leader's
    name, not records."""
    return found.with_only_columns(
        Project.id, Project.code, Project.name, Project.project_type, Project.start_date,
        Project.end_date, Project.status, Person.name.label("team_leader_name"),
        maintain_column_froms=True,
    ).outerjoin(Person, Person.id == Project.team_leader_id)


def choices() -> Select:
    return (
        select(Project.id, Project.code, Project.name)
        .where(Project.deleted_at.is_(None))
        .order_by(Project.code)
    )


def named(text: str) -> Select:
    """Ids of the live projects whose code or name contains `text`: a list's project filter,
    a search field rather than an option for each of hundreds of projects."""
    pattern = like(text.strip())
    return select(Project.id).where(
        Project.deleted_at.is_(None),
        or_(Project.code.ilike(pattern, escape="\\"), Project.name.ilike(pattern, escape="\\")),
    )


def label_of(project_id: int | None) -> str | None:
    """"code name" of a project, what a filter by its id (a link's) shows; None when none."""
    if project_id is None:
        return None
    row = db.session.execute(select(Project.code, Project.name).where(Project.id == project_id)).first()
    return f"{row.code} {row.name}" if row else None


def choice_list(user) -> list[tuple[int, str]]:
    """Projects the user may attach things to: all for the office, else those they lead."""
    stmt = choices()
    if not permissions.is_office(user):
        stmt = stmt.where(Project.team_leader_id == (user.person_id or -1))
    return [(row.id, f"{row.code} {row.name}") for row in db.session.execute(stmt)]
