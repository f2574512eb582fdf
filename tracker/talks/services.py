"""Writes to talks. Every rule that needs the database is checked here and raises
records.Invalid with the field to blame, so the form comes back with the message."""
from __future__ import annotations

import datetime as dt

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import or_, select

from tracker import clock, records
from tracker.auth.models import User
from tracker.branches import queries as branch_queries
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.talks.models import IntegrityItem, IntegrityListVersion, Talk

OFFICER_ROLES = ("secretary", "deputy_secretary")


def current_integrity_version(day: dt.date | None = None) -> IntegrityListVersion | None:
    """The newest list version in force on `day` (today by default)."""
    day = day or clock.today()
    return db.session.scalar(
        select(IntegrityListVersion)
        .where(IntegrityListVersion.effective_from <= day)
        .order_by(IntegrityListVersion.effective_from.desc(), IntegrityListVersion.id.desc())
        .limit(1)
    )


def is_bureau_secretary(person_id: int) -> bool:
    """The person has an enabled account with the secretary role."""
    roles = db.session.scalars(
        select(User.roles_text).where(
            User.person_id == person_id, User.enabled.is_(True), User.deleted_at.is_(None)
        )
    )
    return any("secretary" in text.split() for text in roles)


def is_branch_officer(person_id: int, day: dt.date, talked_with_id: int, dispatch: Dispatch | None) -> bool:
    """The person is secretary or deputy secretary, on `day`, of a temporary branch of the
    member talked with: one serving the dispatch's project, or one the member belongs to."""
    own_branches = select(Membership.branch_id).where(
        Membership.person_id == talked_with_id,
        Membership.deleted_at.is_(None),
        Membership.joined_on <= day,
        or_(Membership.left_on.is_(None), Membership.left_on >= day),
    )
    member_of = [Membership.branch_id.in_(own_branches)]
    if dispatch is not None:
        member_of.append(Membership.branch_id.in_(
            branch_queries.branches_serving(dispatch.project_id)
        ))
    found = db.session.scalar(
        select(Membership.id)
        .join(Branch, Branch.id == Membership.branch_id)
        .where(
            Membership.person_id == person_id,
            Membership.role.in_(OFFICER_ROLES),
            Membership.deleted_at.is_(None),
            Membership.joined_on <= day,
            or_(Membership.left_on.is_(None), Membership.left_on >= day),
            Branch.deleted_at.is_(None),
            or_(*member_of),
        )
        .limit(1)
    )
    return found is not None


def _validate(data: dict, item_ids: list[int], version_id: int | None) -> Dispatch | None:
    day = data["talk_date"]
    if day > clock.today():
        raise records.Invalid("talk_date", _("A talk cannot be dated in the future."))
    dispatch = None
    if data["dispatch_id"] is not None:
        dispatch = db.session.get(Dispatch, data["dispatch_id"])
        if dispatch is None or dispatch.deleted_at is not None:
            raise records.Invalid("dispatch_id", _("This dispatch no longer exists."))
        if data["person_id"] != dispatch.person_id:
            raise records.Invalid(
                "person_id",
                _("The talk of a dispatch is held with the person dispatched: %(name)s.",
                  name=dispatch.person.name),
            )
        late = data["talk_type"] == "pre_dispatch" and day > dispatch.departure_date
        # A talk held late is still a talk held: it is recorded (and counts as Done late)
        # with the reason, so the item does not stay Overdue with no honest way to close it.
        if late and not (data.get("late_reason") or "").strip():
            raise records.Invalid("late_reason", _(
                "The talk was held after the departure date (%(day)s). Say why it was late.",
                day=format_date(dispatch.departure_date, "medium"),
            ))
        if not late:
            data["late_reason"] = ""
        if data["talk_type"] == "post_dispatch" and day < dispatch.return_date:
            raise records.Invalid("talk_date", _(
                "A post-dispatch talk must be held on or after the return date (%(day)s).",
                day=format_date(dispatch.return_date, "medium"),
            ))
    conductor = data["conducted_by_id"]
    if not (is_bureau_secretary(conductor)
            or is_branch_officer(conductor, day, data["person_id"], dispatch)):
        raise records.Invalid("conducted_by_id", _(
            "Talks are conducted by the secretary or deputy secretary of the member's temporary "
            "branch on the day of the talk, or by a secretary of the bureau."
        ))
    if item_ids:
        known = set(db.session.scalars(select(IntegrityItem.id).where(
            IntegrityItem.version_id == version_id, IntegrityItem.id.in_(item_ids)
        )))
        if known != set(item_ids):
            raise records.Invalid("integrity_item_ids", _("Tick only items of the list shown."))
    return dispatch


def _items(item_ids: list[int]) -> list[IntegrityItem]:
    if not item_ids:
        return []
    return list(db.session.scalars(
        select(IntegrityItem).where(IntegrityItem.id.in_(item_ids))
        .order_by(IntegrityItem.list_code, IntegrityItem.position)
    ))


def create_talk(data: dict, item_ids: list[int], author) -> Talk:
    version = current_integrity_version(data["talk_date"]) or current_integrity_version()
    version_id = version.id if version else None
    _validate(data, item_ids, version_id)
    return records.create(Talk, {
        **data, "integrity_items": _items(item_ids), "integrity_version_id": version_id,
        "author_id": author.id,
    })


def update_talk(talk: Talk, data: dict, item_ids: list[int], version: int | None) -> Talk:
    records.check_version(talk, version)
    if talk.is_locked:
        raise records.Invalid(None, _("This talk is locked while it is in review. Reopen it to change it."))
    _validate(data, item_ids, talk.integrity_version_id)
    records.update(talk, {**data, "integrity_items": _items(item_ids)}, version)
    return talk
