"""What a branch's ledger no longer holds because a record it depended on was deleted: the
talks of a deleted dispatch, the members whose membership was deleted. The ledger lists
them as withdrawn, with when, by whom and why (the reason asked when deleting), instead of
dropping them silently."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tracker import vocab
from tracker.branches import queries as branch_queries
from tracker.branches.models import Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.history.models import HistoryEntry
from tracker.talks.models import Talk


@dataclass
class Withdrawn:
    record: str
    because: str
    on: dt.datetime | None
    by: str
    reason: str


def _deletions(table: str, ids: set[int]) -> dict[int, HistoryEntry]:
    """The newest "delete" history entry of each record."""
    if not ids:
        return {}
    entries = db.session.scalars(
        select(HistoryEntry).options(joinedload(HistoryEntry.user))
        .where(HistoryEntry.record_type == table, HistoryEntry.record_id.in_(sorted(ids)),
               HistoryEntry.action == "delete")
        .order_by(HistoryEntry.id)
    ).all()
    return {e.record_id: e for e in entries}


def _entry_parts(entry: HistoryEntry | None) -> tuple:
    if entry is None:
        return None, "", ""
    reason = (entry.changes or {}).get("reason", [None, ""])[1] or ""
    return entry.at, entry.user.name if entry.user else "", reason


def add(ledgers: dict, span, statuses) -> None:
    """Fill each BranchLedger's `withdrawn` (three queries, whatever the number of branches)."""
    ids = list(ledgers)
    talks = db.session.execute(
        branch_queries.per_serving_branch(
            select(Talk).join(Dispatch, Dispatch.id == Talk.dispatch_id), Dispatch.project_id, ids)
        .where(Dispatch.deleted_at.is_not(None), Talk.deleted_at.is_(None), Talk.status.in_(statuses),
               Talk.talk_date.between(span.first, span.last))
        .options(joinedload(Talk.person), joinedload(Talk.dispatch).joinedload(Dispatch.project))
        .order_by(Talk.talk_date, Talk.id)
    ).all()
    members = db.session.scalars(
        select(Membership).options(joinedload(Membership.person))
        .where(Membership.branch_id.in_(ids), Membership.deleted_at.is_not(None),
               Membership.joined_on <= span.last,
               or_(Membership.left_on.is_(None), Membership.left_on >= span.first))
        .order_by(Membership.joined_on, Membership.id)
    ).all()
    dispatch_deleted = _deletions("dispatch", {t.dispatch_id for t, _b in talks})
    member_deleted = _deletions("membership", {m.id for m in members})
    for talk, branch_id in talks:
        ledgers[branch_id].withdrawn.append(Withdrawn(
            _("Talk record: %(type)s, %(person)s, %(day)s", type=vocab.label(vocab.TALK_TYPES, talk.talk_type),
              person=talk.person.name, day=talk.talk_date.isoformat()),
            _("Its dispatch (%(project)s) was deleted.", project=talk.dispatch.project.code),
            *_entry_parts(dispatch_deleted.get(talk.dispatch_id)),
        ))
    for m in members:
        ledgers[m.branch_id].withdrawn.append(Withdrawn(
            _("Branch member: %(person)s", person=m.person.name),
            _("The membership was deleted."), *_entry_parts(member_deleted.get(m.id)),
        ))
