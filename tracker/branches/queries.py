"""Reads of temporary branches shared by several pages."""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import BindParameter, Row, Select, bindparam, select

from tracker.branches.models import Branch, Membership, branch_project
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.web import like


def filter_options() -> list[tuple[int, str]]:
    """The options of a list's branch filter: every branch by name, as (id, name)."""
    return [tuple(row) for row in db.session.execute(
        select(Branch.id, Branch.name).where(Branch.deleted_at.is_(None)).order_by(Branch.name, Branch.id)
    )]


#: A branch's memberships (the parameter `branch_id`), removed ones too, with what the branch
#: page shows of their people, in the order they joined: plain rows, not records. Built once:
#: loaded as records with their people, they were a tenth of the page's work.
_MEMBERS = (
    select(Membership.id, Membership.person_id, Membership.role, Membership.joined_on, Membership.left_on,
           Membership.deleted_at, Person.name, Person.party_status, Person.source, Person.home_organisation)
    .join(Person, Person.id == Membership.person_id)
    .where(Membership.branch_id == bindparam("branch_id"))
    .order_by(Membership.joined_on, Membership.id)
)


def members_of(branch: Branch) -> list[Row]:
    """The branch's memberships, removed ones too, as rows with their people's names and
    party status, source and home organisation."""
    return db.session.connection().execute(_MEMBERS, {"branch_id": branch.id}).all()


#: A branch (the parameter `branch_id`) as a record, beside (id, code, name) of each project
#: it serves, by code: a row per project, one with the project's columns None when it serves
#: none. Built once.
_WITH_PROJECTS = (
    select(Branch, Project.id, Project.code, Project.name)
    .outerjoin(branch_project, branch_project.c.branch_id == Branch.id)
    .outerjoin(Project, Project.id == branch_project.c.project_id)
    .where(Branch.id == bindparam("branch_id"))
    .order_by(Project.code)
)


def with_projects(branch_id: int) -> tuple[Branch | None, list[tuple[int, str, str]]]:
    """The branch (None when there is none) and (id, code, name) of the projects it serves, by
    code, in one query: the branch page's, which asked for the projects in a second one (a
    round trip more, and its own execution in Python)."""
    rows = db.session.execute(_WITH_PROJECTS, {"branch_id": branch_id}).all()
    if not rows:
        return None, []
    return rows[0][0], [(p_id, code, name) for _branch, p_id, code, name in rows if p_id is not None]


# Which branch serves which project: the link table is the branches' own, and the features
# above ask these rather than query it.
def _matching(column, ids: int | BindParameter | Collection[int] | Select):
    return column.in_(ids) if isinstance(ids, Collection | Select) else column == ids


def projects_served_by(branch_ids: int | BindParameter | Collection[int] | Select) -> Select:
    """The ids of the projects a branch (an id, or a parameter of one) or branches (ids, or a
    select of ids) serve."""
    return select(branch_project.c.project_id).where(_matching(branch_project.c.branch_id, branch_ids))


def branches_serving(project_ids: int | BindParameter | Collection[int] | Select) -> Select:
    """The ids of the branches serving a project (an id) or projects (ids, or a select)."""
    return select(branch_project.c.branch_id).where(_matching(branch_project.c.project_id, project_ids))


def served_by_working(project_ids: Collection[int]) -> Select:
    """The ids, of `project_ids`, of the projects a branch serves that is neither deleted nor
    dissolved."""
    return (
        select(branch_project.c.project_id)
        .join(Branch, Branch.id == branch_project.c.branch_id)
        .where(branch_project.c.project_id.in_(project_ids),
               Branch.deleted_at.is_(None), Branch.status != "dissolved")
    )


#: (project_id, id, name) of each branch (not deleted) serving one of the projects `ids`,
#: active ones first, then the most recently approved. Built once (the ids an expanding
#: parameter): the "Talks due" list names the branches of every row's project.
_SERVING = (
    select(branch_project.c.project_id, Branch.id, Branch.name)
    .join(Branch, Branch.id == branch_project.c.branch_id)
    .where(branch_project.c.project_id.in_(bindparam("ids", expanding=True)), Branch.deleted_at.is_(None))
    .order_by((Branch.status == "dissolved"), Branch.approval_date.desc(), Branch.id)
)


def serving(project_ids: Collection[int]) -> list[Row]:
    """(project_id, id, name) of each branch (not deleted) serving one of `project_ids`,
    active ones first, then the most recently approved."""
    return db.session.execute(_SERVING, {"ids": list(project_ids)}).all()


def per_serving_branch(stmt: Select, project_id, branch_ids: Collection[int]) -> Select:
    """`stmt` once for each of `branch_ids` that serves the project its column `project_id`
    names, with that branch's id added as the last column of each row."""
    return (
        stmt.join(branch_project, branch_project.c.project_id == project_id)
        .where(branch_project.c.branch_id.in_(branch_ids))
        .add_columns(branch_project.c.branch_id)
    )


def named(text: str) -> Select:
    """Ids of the live branches whose name contains `text`: a list's branch filter, a search
    field rather than an option for each of hundreds of branches."""
    return select(Branch.id).where(Branch.deleted_at.is_(None),
                                   Branch.name.ilike(like(text.strip()), escape="\\"))


def projects_of_named(text: str) -> Select:
    """Ids of the projects served by the branches whose name contains `text`."""
    return select(branch_project.c.project_id).where(branch_project.c.branch_id.in_(named(text)))


def name_of(branch_id: int | None) -> str | None:
    """A branch's name, what a filter by its id (a link's) shows; None when none."""
    if branch_id is None:
        return None
    return db.session.scalar(select(Branch.name).where(Branch.id == branch_id))
