"""The "branch needed" rule (DESIGN.md): a project of at least N days with at least M full
party members dispatched should have a temporary branch. It reads dispatches and the
branches serving a project, so it sits here, above both (the projects list and page get it
through tracker.panels)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import Integer, and_, bindparam, literal_column, select

from tracker.branches import queries as branch_queries
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.statements import built_statement
from tracker.web import inline

#: a live full party member, as the partial index ix_person_full_member says it (written into
#: the SQL: a prepared statement's generic plan uses a partial index only for a literal)
_FULL_MEMBER = and_(Person.deleted_at.is_(None), Person.party_status == literal_column("'full'"))
#: the ids a page gives `branch_needed`, an expanding parameter of its statement built once
_IDS = bindparam("ids", expanding=True)


def branch_needed(project_ids: list[int]) -> set[int]:
    """Of these projects, the ids of those that need a branch and have none (one query,
    `needing_branch`'s: each project's dispatches read only up to its M-th full member, where
    counting them all read every dispatch of the page's projects, 50 a project at ten times
    province scale)."""
    if not project_ids:
        return set()
    return {row.id for row in needing_branch(_IDS, kept=("ids",), params={"ids": list(project_ids)})}


def needing_branch(projects, *columns, order_by=(), kept: tuple | None = None, params: dict | None = None) -> list:
    """Of the projects `projects` selects (a SELECT of ids, or an expanding parameter of them
    given in `params`), those that need a branch (DESIGN.md: at least N days, at least M full
    party members dispatched) and have none, in one query: rows of id, start_date, end_date
    and `columns` (of Project), in the order of `order_by`. `kept`: a key that names the
    statement (what `projects` is built from), to keep it built per process
    (tracker.statements)."""
    def build():
        # each candidate project's dispatches read in the index's order (project_id,
        # deleted_at, person_id) only until its M-th full member: a few entries a project,
        # where counting them all read every dispatch of every candidate. Grouped and ordered
        # by deleted_at too, all NULL here: PostgreSQL takes the index's order for one only
        # then (it sees no constant in IS NULL), and sorted every dispatch first. Each
        # person looked up in ix_person_full_member as a subquery, not joined: joined,
        # PostgreSQL merged each project's dispatches with the whole index.
        full_member = select(Person.id).where(Person.id == Dispatch.person_id, _FULL_MEMBER).scalar_subquery()
        enough = (
            select(Dispatch.person_id)
            .where(Dispatch.project_id == Project.id, Dispatch.deleted_at.is_(None), full_member.is_not(None))
            .group_by(Dispatch.deleted_at, Dispatch.person_id).order_by(Dispatch.deleted_at, Dispatch.person_id)
            .offset(bindparam("fewer_members", type_=Integer, literal_execute=True)).limit(inline(1))
            .scalar_subquery()
        )
        return (
            select(Project.id, Project.start_date, Project.end_date, *columns)
            .where(Project.id.in_(projects), Project.id.not_in(branch_queries.served_by_working(projects)),
                   enough.is_not(None))
            .order_by(*order_by)
        )
    rules = current_app.config["RULES"]
    stmt = build() if kept is None else built_statement(("projects needing a branch", *kept), build)
    # the M-th full member is the one after M - 1 others
    values = {**(params or {}), "fewer_members": rules["branch_needed_min_members"] - 1}
    return [row for row in db.session.execute(stmt, values)
            if (row.end_date - row.start_date).days + 1 >= rules["branch_needed_min_days"]]
