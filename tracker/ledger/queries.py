"""The one read behind every ledger output. It costs the same number of queries for one
branch or three hundred, ten sessions or ten thousand (tests/test_ledger.py pins it)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import access, clock, vocab
from tracker.branches import queries as branch_queries
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.due import DueFilters, DueItem, due_items
from tracker.extensions import db
from tracker.ledger import withdrawn
from tracker.periods import Period
from tracker.study import rules
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk

#: officers first, in the order of vocab.BRANCH_ROLES
ROLE_ORDER = {role: n for n, role in enumerate(vocab.BRANCH_ROLES)}


@dataclass
class BranchLedger:
    branch: Branch
    #: memberships current at some time in the period, officers first
    members: list[Membership] = field(default_factory=list)
    #: (number in the period, session), oldest first
    sessions: list[tuple[int, StudySession]] = field(default_factory=list)
    talks: list[Talk | SealedTalk] = field(default_factory=list)
    #: (rule, its months or quarters overlapping the period) for every rule of the table,
    #: in its order; a type the branch marked as not applicable has None instead of a list
    session_dues: list[tuple[rules.Rule, list[rules.Due] | None]] = field(default_factory=list)
    talks_due: list[DueItem] = field(default_factory=list)
    checkpoints_due: list[DueItem] = field(default_factory=list)
    #: records the ledger held until something they depended on was deleted
    withdrawn: list[withdrawn.Withdrawn] = field(default_factory=list)


def branches_for(user, span: Period) -> list[int]:
    """Ids of the branches in an "all branches" ledger (see the package docstring)."""
    stmt = select(Branch.id).where(
        Branch.deleted_at.is_(None),
        Branch.status != "proposed",
        Branch.approval_date <= span.last,
        or_(Branch.dissolved_on.is_(None), Branch.dissolved_on >= span.first),
    )
    return list(db.session.scalars(access.readable_ledger_branches(user, stmt)))


def record_count(branch_ids: list[int], span: Period, statuses: tuple[str, ...]) -> int:
    """Sessions and talks an "all branches" ledger would hold, to refuse one too big to build
    in a request. Talks are counted by the branches' projects (a close, cheap estimate)."""
    from sqlalchemy import func

    if not branch_ids:
        return 0
    sessions = db.session.scalar(select(func.count(StudySession.id)).where(
        StudySession.branch_id.in_(branch_ids), StudySession.deleted_at.is_(None),
        StudySession.status.in_(statuses), StudySession.held_on.between(span.first, span.last),
    ))
    talks = db.session.scalar(select(func.count(Talk.id)).join(Dispatch, Dispatch.id == Talk.dispatch_id).where(
        Dispatch.project_id.in_(branch_queries.projects_served_by(branch_ids)),
        Talk.deleted_at.is_(None), Talk.status.in_(statuses), Talk.talk_date.between(span.first, span.last),
    ))
    return sessions + talks


class SealedTalk:
    """A talk as a reader who may not read its contents sees it: type, date, place, who
    conducted it and with whom, its state — and, instead of what was said, a note saying why."""

    sealed = True

    def __init__(self, talk: Talk):
        self._talk = talk

    def __getattr__(self, name: str):
        if name == "key_points":
            from flask_babel import gettext as _

            return _("Not shown: the contents of a talk are personal.")
        if name in ("concerns", "follow_up"):
            return ""
        if name == "follow_up_due":
            return None
        if name == "integrity_items":
            return []
        return getattr(self._talk, name)


def load(branch_ids: list[int], span: Period, statuses: tuple[str, ...], *, reader) -> list[BranchLedger]:
    """The ledgers of these branches for the period, in the order of branch names; the
    talks whose contents `reader` may not read come as SealedTalk."""
    branches = db.session.scalars(
        select(Branch).where(Branch.id.in_(branch_ids))
        .options(selectinload(Branch.projects),
                 selectinload(Branch.memberships).joinedload(Membership.person))
        .order_by(Branch.name, Branch.id)
    ).all()
    ledgers = {b.id: BranchLedger(b, members=_roster(b, span)) for b in branches}
    if not ledgers:
        return []
    ids = list(ledgers)
    for s in _sessions(ids, span, statuses):
        book = ledgers[s.branch_id]
        book.sessions.append((len(book.sessions) + 1, s))
    pairs = _talks(ids, span, statuses)
    readable = access.talks_with_contents(reader, [talk.id for _b, talk in pairs])
    for branch_id, talk in pairs:
        ledgers[branch_id].talks.append(talk if talk.id in readable else SealedTalk(talk))
    for book in ledgers.values():
        book.talks.sort(key=lambda t: (t.talk_date, t.id))
    _add_compliance(ledgers, span)
    withdrawn.add(ledgers, span, statuses)
    return list(ledgers.values())


def _roster(branch: Branch, span: Period) -> list[Membership]:
    members = [
        m for m in branch.memberships
        if m.deleted_at is None and m.joined_on <= span.last and (m.left_on is None or m.left_on >= span.first)
    ]
    return sorted(members, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.joined_on, m.person.name, m.id))


def _sessions(ids: list[int], span: Period, statuses) -> list[StudySession]:
    return db.session.scalars(
        select(StudySession)
        .where(
            StudySession.branch_id.in_(ids),
            StudySession.deleted_at.is_(None),
            StudySession.status.in_(statuses),
            StudySession.held_on.between(span.first, span.last),
        )
        .options(selectinload(StudySession.attendance).joinedload(Attendance.person),
                 selectinload(StudySession.attachments))
        .order_by(StudySession.held_on, StudySession.start_time, StudySession.id)
    ).all()


def _talk_options():
    return (
        joinedload(Talk.person), joinedload(Talk.conducted_by), joinedload(Talk.recorder),
        joinedload(Talk.dispatch).joinedload(Dispatch.project),
        selectinload(Talk.integrity_items),
    )


def _talks(ids: list[int], span: Period, statuses) -> list[tuple[int, Talk]]:
    """(branch id, talk) pairs: dispatch talks of the branches' projects, and talks without
    a dispatch with someone who was a member of the branch that day."""
    common = (
        Talk.deleted_at.is_(None),
        Talk.status.in_(statuses),
        Talk.talk_date.between(span.first, span.last),
    )
    of_projects = db.session.execute(
        branch_queries.per_serving_branch(
            select(Talk).join(Dispatch, Dispatch.id == Talk.dispatch_id), Dispatch.project_id, ids)
        .where(Dispatch.deleted_at.is_(None), *common)
        .options(*_talk_options())
    ).all()
    of_members = db.session.execute(
        select(Talk, Membership.branch_id)
        .join(Membership, and_(
            Membership.person_id == Talk.person_id,
            Membership.joined_on <= Talk.talk_date,
            or_(Membership.left_on.is_(None), Membership.left_on >= Talk.talk_date),
        ))
        .where(Talk.dispatch_id.is_(None), Membership.branch_id.in_(ids), Membership.deleted_at.is_(None),
               *common)
        .options(*_talk_options())
    ).all()
    seen, pairs = set(), []
    for talk, branch_id in [*of_projects, *of_members]:
        if (branch_id, talk.id) not in seen:
            seen.add((branch_id, talk.id))
            pairs.append((branch_id, talk))
    return pairs


def _overlaps(first: dt.date, last: dt.date, span: Period) -> bool:
    return first <= span.last and last >= span.first


def _add_compliance(ledgers: dict[int, BranchLedger], span: Period) -> None:
    """Study rules from tracker.study.rules, talk and checkpoint states from tracker.due."""
    today = clock.today()
    config = current_app.config["RULES"]
    for branch_id, state in rules.for_branches(list(ledgers), today, config).items():
        ledgers[branch_id].session_dues = [
            (rule, None if rule.session_type in state.not_applicable
             else [d for d in state.of(rule.session_type) if _overlaps(d.first, d.last, span)])
            for rule in state.rules
        ]
    project_ids = frozenset(p.id for book in ledgers.values() for p in book.branch.projects)
    if not project_ids:
        return
    items = due_items(DueFilters(project_ids=project_ids, due_from=span.first, due_to=span.last),
                      today=today, rules=config, with_branches=True)
    grouped: dict[int, list[DueItem]] = defaultdict(list)
    for item in items:
        for branch_id, _name in item.branches:
            if branch_id in ledgers:
                grouped[branch_id].append(item)
    for branch_id, book in ledgers.items():
        book.talks_due = [i for i in grouped[branch_id] if i.is_talk]
        book.checkpoints_due = [i for i in grouped[branch_id] if not i.is_talk]
