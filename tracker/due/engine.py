"""`due_items(filters)`: every due talk and integrity checkpoint, with its state.

It costs at most five queries however many dispatches there are (dispatches; their
talks; projects; their checkpoints; and, when asked for, the branches serving those projects), and works
on plain rows, not ORM objects, so thousands of dispatches stay fast.

What counts as done:
- a pre-/post-dispatch talk is done when a talk of that type exists for the dispatch
  and is not deleted, whatever its review status: drafts count. The talk took place on
  its date; review is about the record, and pending reviews are watched by the review
  rule. The item carries the talk's status so pages can show "Done · Draft". When
  several talks exist, the earliest one counts.
- an integrity checkpoint is done when the project records the day it was done.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from tracker import clock, vocab
from tracker.branches.models import Branch, branch_project
from tracker.dispatches.models import Dispatch
from tracker.due.rules import CHECKPOINT_KINDS, TALK_KINDS, checkpoint_due_dates, state_of, talk_due_dates
from tracker.extensions import db
from tracker.people.models import Person
from tracker.people.queries import name_matches
from tracker.projects.models import IntegrityCheckpoint, Project
from tracker.talks.models import Talk

ALL_KINDS = frozenset(TALK_KINDS + CHECKPOINT_KINDS)
#: due item kind -> the talk type that fulfils it
TALK_TYPE_OF = {"pre_talk": "pre_dispatch", "post_talk": "post_dispatch"}
KIND_LABELS = {
    "pre_talk": _l("Pre-dispatch talk"),
    "post_talk": _l("Post-dispatch talk"),
    **vocab.CHECKPOINT_KINDS,
}
_ORDER = {kind: n for n, kind in enumerate(TALK_KINDS + CHECKPOINT_KINDS)}


@dataclass(frozen=True)
class DueFilters:
    """Which due items to compute. Every field left at None means "no restriction"."""

    kinds: frozenset[str] = ALL_KINDS
    states: frozenset[str] | None = None
    dispatch_id: int | None = None
    person_id: int | None = None
    #: people whose name contains this text
    person_name: str | None = None
    project_id: int | None = None
    #: projects served by this temporary branch
    branch_id: int | None = None
    #: only these projects (e.g. those whose branch a user is secretary of)
    project_ids: frozenset[int] | None = None
    #: only projects this person leads (a team leader's own team)
    leader_person_id: int | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None

    @property
    def talks_only(self) -> bool:
        """A person or a dispatch has talks, not project checkpoints."""
        return self.person_id is not None or self.dispatch_id is not None or bool(self.person_name)


class DueItem(NamedTuple):
    """One due talk or checkpoint: a named tuple of plain values, so a list that keeps
    thousands of them (tracker.memo) can keep them as plain tuples, which the garbage
    collector stops walking."""

    kind: str
    due_on: dt.date
    state: str
    project_id: int
    project_code: str
    project_name: str
    done_on: dt.date | None = None
    dispatch_id: int | None = None
    person_id: int | None = None
    person_name: str = ""
    departure_date: dt.date | None = None
    return_date: dt.date | None = None
    #: the talk that fulfils a talk item, and its review status
    talk_id: int | None = None
    talk_status: str | None = None
    team_leader_id: int | None = None
    #: (id, name) of the temporary branches serving the project
    branches: tuple[tuple[int, str], ...] = ()

    @property
    def is_talk(self) -> bool:
        return self.kind in TALK_KINDS

    @property
    def talk_type(self) -> str | None:
        return TALK_TYPE_OF.get(self.kind)

    @property
    def label(self) -> str:
        return vocab.label(KIND_LABELS, self.kind)

    @property
    def is_open(self) -> bool:
        return self.done_on is None


def due_items(filters: DueFilters | None = None, *, today: dt.date | None = None,
              rules: dict | None = None, with_branches: bool = False) -> list[DueItem]:
    """Due items matching `filters`, earliest due first; `with_branches` fills each item's
    `branches` (one query more), for pages that show or group by them."""
    filters = filters or DueFilters()
    today = today or clock.today()
    rules = rules or current_app.config["RULES"]
    items: list[DueItem] = []
    if filters.kinds & set(TALK_KINDS):
        items += _talk_items(filters, today, rules)
    if filters.kinds & set(CHECKPOINT_KINDS) and not filters.talks_only:
        items += _checkpoint_items(filters, today, rules)
    if with_branches:
        branches = _branches_of({i.project_id for i in items})
        items = [i._replace(branches=branches[i.project_id]) if i.project_id in branches else i for i in items]
    items.sort(key=lambda i: (i.due_on, _ORDER[i.kind], i.project_code, i.person_name, i.dispatch_id or 0))
    return items


def _wanted(filters: DueFilters, due: dt.date, state: str) -> bool:
    """Whether an item of this due date and state passes the period and state filters:
    asked before the item is built, so a page that wants the few open items of hundreds
    does not build the done ones."""
    return (
        (filters.states is None or state in filters.states)
        and (filters.due_from is None or due >= filters.due_from)
        and (filters.due_to is None or due <= filters.due_to)
    )


def _project_conditions(filters: DueFilters) -> list:
    conditions = [Project.deleted_at.is_(None)]
    if filters.project_id is not None:
        conditions.append(Project.id == filters.project_id)
    if filters.project_ids is not None:
        conditions.append(Project.id.in_(sorted(filters.project_ids) or [-1]))
    if filters.leader_person_id is not None:
        conditions.append(Project.team_leader_id == filters.leader_person_id)
    if filters.branch_id is not None:
        conditions.append(Project.id.in_(
            select(branch_project.c.project_id).where(branch_project.c.branch_id == filters.branch_id)
        ))
    return conditions


def _dispatch_statement(filters: DueFilters, rules: dict):
    stmt = (
        select(
            Dispatch.id, Dispatch.person_id, Dispatch.project_id, Dispatch.departure_date,
            Dispatch.return_date, Person.name.label("person_name"), Project.code, Project.name,
            Project.team_leader_id,
        )
        .join(Person, Person.id == Dispatch.person_id)
        .join(Project, Project.id == Dispatch.project_id)
        .where(Dispatch.deleted_at.is_(None), Person.deleted_at.is_(None), *_project_conditions(filters))
    )
    if filters.dispatch_id is not None:
        stmt = stmt.where(Dispatch.id == filters.dispatch_id)
    if filters.person_id is not None:
        stmt = stmt.where(Dispatch.person_id == filters.person_id)
    if filters.person_name:
        stmt = stmt.where(name_matches(filters.person_name))
    if filters.due_from is not None or filters.due_to is not None:
        # Narrow in SQL with the inverse of the due-date rules; the exact cut is in Python.
        pre = dt.timedelta(days=rules["pre_talk_days_before_departure"])
        grace = dt.timedelta(days=rules["post_talk_grace_days"])
        low, high = filters.due_from or dt.date.min + grace, filters.due_to or dt.date.max - pre
        stmt = stmt.where(or_(
            and_(Dispatch.departure_date >= low + pre, Dispatch.departure_date <= high + pre),
            and_(Dispatch.return_date >= low - grace, Dispatch.return_date <= high - grace),
        ))
    return stmt


def _talk_items(filters: DueFilters, today: dt.date, rules: dict) -> list[DueItem]:
    stmt = _dispatch_statement(filters, rules)
    dispatches = db.session.execute(stmt).all()
    if not dispatches:
        return []
    done = {}
    talks = db.session.execute(
        select(Talk.dispatch_id, Talk.talk_type, Talk.talk_date, Talk.id, Talk.status)
        .where(
            Talk.dispatch_id.in_(stmt.with_only_columns(Dispatch.id).scalar_subquery()),
            Talk.talk_type.in_(tuple(TALK_TYPE_OF.values())),
            Talk.deleted_at.is_(None),
        )
        .order_by(Talk.talk_date.desc(), Talk.id.desc())
    )
    for row in talks:  # newest first, so the earliest talk is the one left in `done`
        done[(row.dispatch_id, row.talk_type)] = row
    soon = rules["due_soon_days"]
    items = []
    for d in dispatches:
        due_dates = talk_due_dates(d.departure_date, d.return_date, rules)
        for kind in TALK_KINDS:
            if kind not in filters.kinds:
                continue
            talk = done.get((d.id, TALK_TYPE_OF[kind]))
            done_on = talk.talk_date if talk else None
            opens_on = d.return_date if kind == "post_talk" else None
            state = state_of(due_dates[kind], done_on, today, soon, opens_on)
            if not _wanted(filters, due_dates[kind], state):
                continue
            items.append(DueItem(
                kind=kind,
                due_on=due_dates[kind],
                state=state,
                done_on=done_on,
                project_id=d.project_id, project_code=d.code, project_name=d.name,
                dispatch_id=d.id, person_id=d.person_id, person_name=d.person_name,
                departure_date=d.departure_date, return_date=d.return_date,
                talk_id=talk.id if talk else None, talk_status=talk.status if talk else None,
                team_leader_id=d.team_leader_id,
            ))
    return items


def _checkpoint_items(filters: DueFilters, today: dt.date, rules: dict) -> list[DueItem]:
    stmt = select(
        Project.id, Project.code, Project.name, Project.start_date, Project.end_date,
        Project.team_leader_id,
    ).where(*_project_conditions(filters))
    projects = db.session.execute(stmt).all()
    if not projects:
        return []
    done = {
        (row.project_id, row.kind): row.done_on
        for row in db.session.execute(
            select(IntegrityCheckpoint.project_id, IntegrityCheckpoint.kind, IntegrityCheckpoint.done_on)
            .where(IntegrityCheckpoint.project_id.in_(stmt.with_only_columns(Project.id).scalar_subquery()))
        )
    }
    soon = rules["due_soon_days"]
    items = []
    for p in projects:
        for kind, due in checkpoint_due_dates(p.start_date, p.end_date, rules).items():
            if kind not in filters.kinds:
                continue
            done_on = done.get((p.id, kind))
            state = state_of(due, done_on, today, soon)
            if not _wanted(filters, due, state):
                continue
            items.append(DueItem(
                kind=kind, due_on=due, state=state, done_on=done_on,
                project_id=p.id, project_code=p.code, project_name=p.name,
                team_leader_id=p.team_leader_id,
            ))
    return items


def _branches_of(project_ids: set[int]) -> dict[int, tuple[tuple[int, str], ...]]:
    """The temporary branches (not deleted) serving each project, active ones first."""
    if not project_ids:
        return {}
    rows = db.session.execute(
        select(branch_project.c.project_id, Branch.id, Branch.name)
        .join(Branch, Branch.id == branch_project.c.branch_id)
        .where(branch_project.c.project_id.in_(sorted(project_ids)), Branch.deleted_at.is_(None))
        .order_by((Branch.status == "dissolved"), Branch.approval_date.desc(), Branch.id)
    )
    result: dict[int, list] = {}
    for row in rows:
        result.setdefault(row.project_id, []).append((row.id, row.name))
    return {k: tuple(v) for k, v in result.items()}
