"""Who may read what: for every record type, the predicate (`can_read_<type>(user, record)`)
and the query filter (`readable_<type>s(user, stmt)`, or a where-clause) side by side.

Every rule starts from the user's reach (`reach`):

- ALL — admins, secretaries and viewers read every record; viewers not the contents of
  talks (key points, concerns, follow-up, integrity items), which are personal.
- TEAM — a team leader reads the organisation (people, projects, branches, dispatches) and
  that talks exist, but the sessions, due items, dashboard figures and ledgers only of the
  projects they lead and the branches serving them. "The projects they lead" is written
  once, in SQL (`projects_led_by`) and in Python (`leads`), the two tested to agree.
- SELF — a party member's own account (role `member`, tied to one person): the sessions of
  the branches they belong to on the dates they belong, their own attendance, the talks
  they were the subject of (with contents) and their own due items; nothing of other
  people, and none of the organisation's lists, dashboard, ledger or calendar.
- NONE — signed out, or an account without a reading role.

This module is the core of `tracker.permissions` (which re-exports it, so templates keep
asking `perm.…`); it is separate because its rules are queries over the features' tables.
It sits in the core, below every feature, and reads the features' models (the schema) but
nothing else of theirs (tests/test_layers.py), so every feature may import it.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, true

from tracker.branches.models import Branch, Membership, branch_project
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk

ALL, TEAM, SELF, NONE = "all", "team", "self", "none"


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def reach(user) -> str:
    if not _signed_in(user):
        return NONE
    if user.has_role("admin", "secretary", "viewer"):
        return ALL
    if user.has_role("team-leader"):
        return TEAM
    if user.has_role("member") and user.person_id is not None:
        return SELF
    return NONE


def is_member_only(user) -> bool:
    """The account reads only what concerns its own person (the member's pages)."""
    return reach(user) == SELF


def is_office(user) -> bool:
    """Admins and secretaries, who edit every record and read every talk in full."""
    return _signed_in(user) and user.has_role("admin", "secretary")


def sees_everything(user) -> bool:
    return reach(user) == ALL


# The team rule, once ---------------------------------------------------------------------
def leads(user, project) -> bool:
    """The user is a team leader and this project's (not deleted) team leader."""
    return (
        _signed_in(user) and user.has_role("team-leader")
        and user.person_id is not None
        and project is not None and project.deleted_at is None
        and project.team_leader_id == user.person_id
    )


def projects_led_by(person_id: int | None) -> Select:
    """Ids of the (not deleted) projects this person leads: `leads` in SQL."""
    return select(Project.id).where(
        Project.team_leader_id == (person_id or -1), Project.deleted_at.is_(None)
    )


def led_projects(user) -> Select:
    return projects_led_by(user.person_id if user.has_role("team-leader") else None)


def led_branches(user) -> Select:
    """Ids of the branches serving a project this user leads."""
    return select(branch_project.c.branch_id).where(branch_project.c.project_id.in_(led_projects(user)))


def leads_branch(user, branch) -> bool:
    return any(leads(user, p) for p in branch.projects)


# The organisation: people, projects, branches, dispatches ------------------------------
# Every signed-in reader sees the whole organisation (a team leader picks people and
# projects from it); a person-scoped role will narrow these.
def _organisation(user, stmt: Select) -> Select:
    return stmt if reach(user) in (ALL, TEAM) else stmt.where(false())


def can_read(user) -> bool:
    return reach(user) in (ALL, TEAM)


def can_read_person(user, person) -> bool:
    if reach(user) == SELF:
        return person is not None and person.id == user.person_id
    return can_read(user)


def can_read_project(user, project) -> bool:
    return can_read(user)


def can_read_branch(user, branch) -> bool:
    return can_read(user)


def can_read_dispatch(user, dispatch) -> bool:
    return can_read(user)


# Study sessions, and what hangs on a branch's sessions (its ledger) ---------------------
def can_read_branch_sessions(user, branch) -> bool:
    """Every session of the branch (and so its ledger); a member reads only some of them."""
    r = reach(user)
    return r == ALL or (r == TEAM and leads_branch(user, branch))


def can_read_session_files(user, session) -> bool:
    """A session's photos and scans: a member's pages leave them out, for a scanned sign-in
    sheet carries every member's signature."""
    return reach(user) != SELF and can_read_session(user, session)


def member_on(person_id: int | None, branch_id, day) -> ColumnElement:
    """Where-clause: this person belonged to the branch on that day (joined, not yet left).
    `branch_id` and `day` may be columns (a correlated test) or values."""
    return exists().where(
        Membership.person_id == (person_id or -1), Membership.branch_id == branch_id,
        Membership.deleted_at.is_(None), Membership.joined_on <= day,
        or_(Membership.left_on.is_(None), Membership.left_on >= day),
    )


def can_read_session(user, session) -> bool:
    if reach(user) == SELF:
        return session.deleted_at is None and any(
            m.deleted_at is None and m.person_id == user.person_id and m.current_on(session.held_on)
            for m in session.branch.memberships
        )
    return can_read_branch_sessions(user, session.branch)


def session_branches(user) -> ColumnElement | None:
    """Where-clause on a branch id column's owner: None when the user reads every branch's
    sessions; else a subquery of the branch ids (empty for NONE)."""
    r = reach(user)
    if r == ALL:
        return None
    if r == TEAM:
        return led_branches(user)
    # a member reads single sessions (by date, `readable_sessions`), never a whole branch
    return select(-1)


def readable_sessions(user, stmt: Select) -> Select:
    if reach(user) == SELF:
        return stmt.where(StudySession.deleted_at.is_(None),
                          member_on(user.person_id, StudySession.branch_id, StudySession.held_on))
    ids = session_branches(user)
    return stmt if ids is None else stmt.where(StudySession.branch_id.in_(ids))


def readable_attendance(user, stmt: Select) -> Select:
    """A statement over Attendance: a member reads only their own."""
    return stmt.where(Attendance.person_id == user.person_id) if reach(user) == SELF else stmt


def readable_ledger_branches(user, stmt: Select) -> Select:
    """A statement over Branch cut to the branches whose ledger the user may print."""
    ids = session_branches(user)
    return stmt if ids is None else stmt.where(Branch.id.in_(ids))


def can_read_ledger(user, branch) -> bool:
    return branch.deleted_at is None and can_read_branch_sessions(user, branch)


# Due items and dashboard figures ---------------------------------------------------------
def due_leader(user) -> int | None:
    """The due items (and dashboard figures) a user sees: None for every project's, else
    those of the projects this person id leads (`projects_led_by`; -1 leads none). The due
    engine filters by it (`DueFilters.leader_person_id`)."""
    r = reach(user)
    if r == ALL:
        return None
    return (user.person_id or -1) if r == TEAM and user.has_role("team-leader") else -1


def due_person(user) -> int | None:
    """A member sees the due items of their own person only (`DueFilters.person_id`)."""
    return user.person_id if reach(user) == SELF else None


# Talks: everyone reads that a talk exists; its contents are personal ---------------------
def _own_talk(user, talk) -> bool:
    return talk.deleted_at is None and talk.person_id == user.person_id


def can_read_talk(user, talk) -> bool:
    if reach(user) == SELF:
        return _own_talk(user, talk)
    return can_read(user)


def readable_talks(user, stmt: Select) -> Select:
    if reach(user) == SELF:
        return stmt.where(Talk.person_id == user.person_id, Talk.deleted_at.is_(None))
    return _organisation(user, stmt)


def talk_contents(user) -> ColumnElement:
    """Where-clause on Talk: the talks whose contents the user may read — the office's all;
    the talks the user conducted or recorded in the tracker; for a team leader, talks with a
    person dispatched to a project they lead."""
    if is_office(user):
        return true()
    if reach(user) == NONE:
        return false()
    if reach(user) == SELF:
        # the member reads what was said in their own talks, nothing of anyone else's
        return Talk.person_id == user.person_id
    own = [Talk.conducted_by_id == (user.person_id or -1), Talk.author_id == user.id]
    # by role, not reach: a viewer who also leads a team reads their team's talks
    if user.has_role("team-leader"):
        own.append(Talk.person_id.in_(
            select(Dispatch.person_id).where(Dispatch.deleted_at.is_(None),
                                             Dispatch.project_id.in_(led_projects(user)))
        ))
    return or_(*own)


def can_read_talk_contents(user, talk) -> bool:
    if is_office(user):
        return True
    if reach(user) == NONE:
        return False
    if reach(user) == SELF:
        return _own_talk(user, talk)
    if (user.person_id is not None and talk.conducted_by_id == user.person_id) or talk.author_id == user.id:
        return True
    if not user.has_role("team-leader"):
        return False

    return bool(db.session.scalar(select(exists().where(Talk.id == talk.id, talk_contents(user)))))


def talks_with_contents(user, talk_ids) -> set[int]:
    """Of these talk ids, those whose contents the user may read (one query)."""
    ids = sorted(set(talk_ids))
    if not ids:
        return set()
    if is_office(user):
        return set(ids)
    return set(db.session.scalars(select(Talk.id).where(Talk.id.in_(ids), talk_contents(user))))


# Points cards: everyone's for ALL; for a team leader their own and their team's; for a
# member (SELF) their own ------------------------------------------------------------------
def points_people(user) -> ColumnElement | None:
    """A condition on person.id for the cards and tables this user may read; None: all.
    A team leader's team: people dispatched to a project they lead, and members of the
    branches serving those projects."""
    r = reach(user)
    if r == ALL:
        return None
    if r == SELF:  # a member's own card (and the manual items on it)
        return Person.id == user.person_id
    if r != TEAM or user.person_id is None:
        return false()
    team = select(Dispatch.person_id).where(
        Dispatch.project_id.in_(led_projects(user)), Dispatch.deleted_at.is_(None))
    members = select(Membership.person_id).where(
        Membership.branch_id.in_(led_branches(user)), Membership.deleted_at.is_(None))
    return or_(Person.id == user.person_id, Person.id.in_(team), Person.id.in_(members))


def can_read_points_card(user, person) -> bool:
    condition = points_people(user)
    if condition is None:
        return True
    return db.session.scalar(select(Person.id).where(Person.id == person.id, condition)) is not None
