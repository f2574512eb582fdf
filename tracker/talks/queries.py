from __future__ import annotations

import datetime as dt

from flask_babel import get_locale
from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import aliased, selectinload

from tracker import access, vocab
from tracker.branches import queries as branch_queries
from tracker.dispatches.models import Dispatch
from tracker.people.models import Person
from tracker.people.queries import name_matches
from tracker.projects import queries as project_queries
from tracker.projects.models import Project
from tracker.review.models import STATUSES
from tracker.statements import built_statement
from tracker.talks import confirmation
from tracker.talks.models import IntegrityListVersion, Talk
from tracker.web import inline, like, page_of


def of_team_led_by(person_id: int | None):
    """Condition: the talk belongs to a dispatch on a project this person leads."""
    return Talk.dispatch_id.in_(
        select(Dispatch.id).where(Dispatch.project_id.in_(access.projects_led_by(person_id)))
    )


def of_branch(branch_id: int):
    """Condition: the talk belongs to a dispatch on a project this temporary branch serves."""
    return Talk.dispatch_id.in_(
        select(Dispatch.id).where(Dispatch.project_id.in_(
            branch_queries.projects_served_by(branch_id)
        ))
    )


def talks(args, *, include_deleted: bool = False, leader_person_id: int | None = None, user=None) -> Select:
    """Talks matching the list filters: q (name talked with, or words of the key points,
    concerns and follow-up of the talks whose contents `user` may read), talk_type, status,
    project_id, project (code or name), branch_id (dispatches on the projects the branch serves),
    branch (name), person_id, mine,
    author ("me": written by `user`), confirmation (tracker.talks.confirmation.FILTERS).

    Selects the ids only, what counting needs; `listed` adds what a row shows."""
    stmt = select(Talk.id).where(Talk.deleted_at.is_not(None) if include_deleted else Talk.deleted_at.is_(None))
    if q := (args.get("q") or "").strip():
        pattern = like(q)
        said = or_(*(column.like(pattern, escape="\\") for column in (Talk.key_points, Talk.concerns, Talk.follow_up)))
        # The people named found once, not joined: a statement of the talks alone, which
        # PostgreSQL reads in the list's index order until the page is full (joined, it
        # joined every talk to its person and sorted the matches).
        matches = Talk.person_id.in_(select(Person.id).where(name_matches(q)))
        # Contents are searched only where the user may read them: a match must not reveal
        # what a hidden talk says.
        if user is not None:
            matches = or_(matches, and_(access.talk_contents(user), said))
        stmt = stmt.where(matches)
    if (kind := args.get("talk_type")) in vocab.TALK_TYPES:
        stmt = stmt.where(Talk.talk_type == kind)
    if (status := args.get("status")) in STATUSES:
        stmt = stmt.where(Talk.status == status)
    if project_id := args.get("project_id", type=int):
        stmt = stmt.where(Talk.dispatch_id.in_(select(Dispatch.id).where(Dispatch.project_id == project_id)))
    if project := (args.get("project") or "").strip():
        stmt = stmt.where(Talk.dispatch_id.in_(
            select(Dispatch.id).where(Dispatch.project_id.in_(project_queries.named(project)))))
    if branch_id := args.get("branch_id", type=int):
        stmt = stmt.where(of_branch(branch_id))
    if branch := (args.get("branch") or "").strip():
        stmt = stmt.where(Talk.dispatch_id.in_(
            select(Dispatch.id).where(Dispatch.project_id.in_(branch_queries.projects_of_named(branch)))))
    if person_id := args.get("person_id", type=int):
        stmt = stmt.where(Talk.person_id == person_id)
    if args.get("mine") == "1":
        stmt = stmt.where(of_team_led_by(leader_person_id))
    if args.get("author") == "me" and user is not None:  # the to-do box's own records
        stmt = stmt.where(Talk.author_id == user.id)
    if (answer := args.get("confirmation")) in confirmation.FILTERS:
        stmt = stmt.where(confirmation.FILTERS[answer]())
    return stmt.order_by(Talk.talk_date.desc(), Talk.id.desc())


#: what `talks` reads of the request's arguments: without any, the list is every talk (or
#: every deleted one) and its statements are the same for every request
FILTERS = ("q", "talk_type", "status", "project_id", "project", "branch_id", "branch", "person_id", "mine",
           "author", "confirmation")
# The people a row names, made once: a new alias per request costs more Python than the SQL.
TALKED_WITH, CONDUCTOR = aliased(Person, name="talked_with"), aliased(Person, name="conductor")


def listed_page(args, *, include_deleted: bool = False, leader_person_id: int | None = None,
                user=None) -> tuple[Select, Select]:
    """(the rows of the list `args` ask for (listed()), the talks counted (talks())). The
    unfiltered list's pair is built once per process: building the statements and their
    cache keys cost a page more Python than the database's work on its rows."""
    def build():
        found = talks(args, include_deleted=include_deleted, leader_person_id=leader_person_id, user=user)
        return listed(found), found

    if any(args.get(name) for name in FILTERS):
        return build()
    return built_statement(("talks list", include_deleted), build)


def listed(found: Select) -> Select:
    """The page of talks that `found` (talks()) selects, as plain rows with the names and
    project code a list row shows, not records with their people, dispatch and project
    loaded: for paginate(..., paged=True). The page's talks are picked first
    (web.page_of), then named: joined before the limit, PostgreSQL made its lookups of the
    names for every talk the filters select."""
    talked_with, conductor = TALKED_WITH, CONDUCTOR
    chosen = page_of(found.with_only_columns(
        Talk.id, Talk.talk_date, Talk.talk_type, Talk.person_id, Talk.status, Talk.confirmation,
        Talk.conducted_by_id, Talk.dispatch_id, maintain_column_froms=True,
    )).subquery("chosen")
    return (
        select(chosen.c.id, chosen.c.talk_date, chosen.c.talk_type, chosen.c.person_id, chosen.c.status,
               chosen.c.confirmation, talked_with.name.label("person_name"),
               conductor.name.label("conducted_by_name"), Dispatch.project_id, Project.code.label("project_code"))
        .join(talked_with, talked_with.id == chosen.c.person_id)
        .join(conductor, conductor.id == chosen.c.conducted_by_id)
        .outerjoin(Dispatch, Dispatch.id == chosen.c.dispatch_id)
        .outerjoin(Project, Project.id == Dispatch.project_id)
        .order_by(chosen.c.talk_date.desc(), chosen.c.id.desc())
    )


def talks_of(by: str, limit: int | None = None) -> Select:
    """Talks shown on a dispatch, person or branch page, newest first: plain rows with the
    names a row shows (talks.rows.talk_rows), not records. `by` ("dispatch_id", "person_id" or
    "branch_id": the talks of the dispatches on the projects the branch serves) names the
    parameter to execute it with. Built once per process for each: a page's cost follows its rows, not the
    building of the statement and its cache key."""
    return built_statement(("talks_of", by, limit), lambda: _talks_of(by, limit))


def _talks_of(by: str, limit: int | None) -> Select:
    talked_with, conductor = aliased(Person), aliased(Person)
    newest_first = (Talk.talk_date.desc(), Talk.id.desc())
    stmt = (
        select(Talk.id, Talk.talk_date, Talk.talk_type, Talk.status,
               talked_with.name.label("person_name"), conductor.name.label("conducted_by_name"),
               Project.code.label("project_code"))
        .join(talked_with, talked_with.id == Talk.person_id)
        .join(conductor, conductor.id == Talk.conducted_by_id)
        .order_by(*newest_first)
    )
    if limit is None:
        return (stmt.outerjoin(Dispatch, Dispatch.id == Talk.dispatch_id)
                .outerjoin(Project, Project.id == Dispatch.project_id)
                .where(Talk.deleted_at.is_(None), _talks_by(by, Talk, Dispatch)))
    # The newest talks' ids first, from the indexes alone (a branch's projects have
    # hundreds of talks), then the names and codes of those: joined before the limit, the
    # people of every talk were read, most of the query's work.
    talk, dispatch = aliased(Talk), aliased(Dispatch)
    chosen = select(talk.id)
    if by == "branch_id":
        # each chosen talk's project from the dispatch read to choose it, not from its
        # dispatch read again for each of the talks
        chosen = chosen.add_columns(dispatch.project_id).join(dispatch, dispatch.id == talk.dispatch_id)
    chosen = (
        chosen.where(talk.deleted_at.is_(None), _talks_by(by, talk, dispatch))
        .order_by(talk.talk_date.desc(), talk.id.desc()).limit(inline(limit)).subquery()
    )
    stmt = stmt.join(chosen, chosen.c.id == Talk.id)
    if by == "branch_id":
        return stmt.join(Project, Project.id == chosen.c.project_id)
    return (stmt.outerjoin(Dispatch, Dispatch.id == Talk.dispatch_id)
            .outerjoin(Project, Project.id == Dispatch.project_id))


def _talks_by(by: str, talk, dispatch):
    """talks_of's condition on the talk (and its dispatch) of the parameter `by`."""
    if by == "dispatch_id":
        return talk.dispatch_id == bindparam(by)
    if by == "person_id":
        return talk.person_id == bindparam(by)
    if by == "branch_id":
        return dispatch.project_id.in_(branch_queries.projects_served_by(bindparam(by)))
    raise ValueError(by)


def dispatch_choices(today: dt.date, leader_person_id: int | None, keep_id: int | None) -> Select:
    """Dispatches a talk can belong to: those not back for more than a year (and the one
    already chosen), only the team's own for a team leader."""
    stmt = (
        select(Dispatch.id, Person.name, Project.code, Dispatch.departure_date, Dispatch.return_date)
        .join(Person, Person.id == Dispatch.person_id)
        .join(Project, Project.id == Dispatch.project_id)
        .where(Dispatch.deleted_at.is_(None), Person.deleted_at.is_(None), Project.deleted_at.is_(None))
        .where((Dispatch.return_date >= today - dt.timedelta(days=365)) | (Dispatch.id == (keep_id or -1)))
        .order_by(Dispatch.departure_date.desc(), Person.name_pinyin)
    )
    if leader_person_id is not None:
        stmt = stmt.where(Project.id.in_(access.projects_led_by(leader_person_id)))
    return stmt


def integrity_versions() -> Select:
    return (
        select(IntegrityListVersion)
        .options(selectinload(IntegrityListVersion.items))
        .order_by(IntegrityListVersion.effective_from.desc(), IntegrityListVersion.id.desc())
    )


def checklist(version: IntegrityListVersion | None) -> list[tuple[str, list[tuple[int, str]]]]:
    """[(list code, [(item id, text in the user's language)])] of a version, lists in order."""
    if version is None:
        return []
    locale = str(get_locale() or "en")
    groups: dict[str, list] = {code: [] for code in vocab.INTEGRITY_LISTS}
    for item in sorted(version.items, key=lambda i: (list(groups).index(i.list_code)
                                                     if i.list_code in groups else 99, i.position)):
        groups.setdefault(item.list_code, []).append((item.id, f"{item.position}. {item.text(locale)}"))
    return [(code, items) for code, items in groups.items() if items]
