"""Reads of temporary branches shared by several pages."""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import (
    BindParameter,
    Integer,
    Row,
    Select,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)

from tracker.auth.models import User
from tracker.branches.models import Branch, Membership, branch_project
from tracker.extensions import db
from tracker.history.models import HistoryEntry
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.web import like


def filter_options() -> list[tuple[int, str]]:
    """The options of a list's branch filter: every branch by name, as (id, name)."""
    return [tuple(row) for row in db.session.execute(
        select(Branch.id, Branch.name).where(Branch.deleted_at.is_(None)).order_by(Branch.name, Branch.id)
    )]


#: A branch's memberships (the parameter `branch_id`), removed ones too, with what the branch
#: page shows of their people, in the order they joined: plain rows, not records. Loaded as
#: records with their people, they were a tenth of the page's work.
_MEMBER_COLUMNS = (Membership.id, Membership.person_id, Membership.role, Membership.joined_on, Membership.left_on,
                   Membership.deleted_at, Person.name, Person.party_status, Person.source, Person.home_organisation)

#: The records whose history the branch page shows: the branch (the parameter `branch_id`)
#: and its memberships, removed ones too, as (record_type, record_id).
_HISTORY_RECORDS = union_all(
    select(literal("branch").label("record_type"), bindparam("branch_id", type_=Integer).label("record_id")),
    select(literal("membership"), Membership.id).where(Membership.branch_id == bindparam("branch_id")),
).subquery("record")

#: The history of the branch and of its memberships as plain rows with the name of who did
#: each (user_name), not records with their users. The memberships by a subquery, not a
#: list of their ids: one statement whatever the number of members, prepared once rather
#: than once per length of the list, and no parameter per member to process in Python (half
#: the query's Python time with 20 members). Joined, each record's history is read from the
#: index; as `record_id IN (subquery)` beside the branch's condition, PostgreSQL read the
#: history of every membership and filtered it.
_HISTORY_COLUMNS = (HistoryEntry.record_type, HistoryEntry.action, HistoryEntry.at, HistoryEntry.changes,
                    func.coalesce(func.nullif(User.display_name, ""), User.username).label("user_name"))


def _nulls(columns) -> list:
    """The columns' places in the other part of the union: typed NULLs of their names."""
    return [cast(null(), c.type).label(c.key) for c in columns]


_BOTH = union_all(
    select(*_MEMBER_COLUMNS, *_nulls(_HISTORY_COLUMNS), literal_column("0", Integer).label("part"))
    .join(Person, Person.id == Membership.person_id)
    .where(Membership.branch_id == bindparam("branch_id")),
    select(HistoryEntry.id, *_nulls(_MEMBER_COLUMNS[1:]), *_HISTORY_COLUMNS, literal_column("1", Integer))
    .join(_HISTORY_RECORDS, (HistoryEntry.record_type == _HISTORY_RECORDS.c.record_type)
          & (HistoryEntry.record_id == _HISTORY_RECORDS.c.record_id))
    .outerjoin(User, User.id == HistoryEntry.user_id),
).subquery("both")

#: The members (part 0) in the order they joined, then the history (part 1), newest first:
#: one statement for the two, a round trip and an execution in Python fewer. Built once.
_MEMBERS_AND_HISTORY = select(_BOTH).order_by(
    _BOTH.c.part, _BOTH.c.joined_on, _BOTH.c.at.desc(),
    case((_BOTH.c.part == literal_column("0", Integer), _BOTH.c.id), else_=-_BOTH.c.id),
)


def members_and_history(branch_id: int) -> tuple[list[Row], list[Row]]:
    """The branch's memberships, removed ones too, as rows with their people's names, party
    status, source and home organisation, the first ten columns in _MEMBER_COLUMNS' order;
    and the history of the branch and its memberships, newest first, as rows with id,
    record_type, action, at, changes and user_name."""
    rows = db.session.connection().execute(_MEMBERS_AND_HISTORY, {"branch_id": branch_id}).all()
    history_from = next((n for n, row in enumerate(rows) if row[-1]), len(rows))
    return rows[:history_from], rows[history_from:]


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
