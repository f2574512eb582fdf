"""Calendar feeds: secret tokens (only their hash is stored) and what goes in a feed.

Who is responsible for what (the feed shows only open items, with their due dates):
- pre-/post-dispatch talks: a user with the secretary role (the bureau's standing branch
  secretary) for every dispatch; a user whose person is secretary or deputy secretary of
  a temporary branch (not dissolved) for the dispatches to that branch's projects;
- integrity checkpoints: the team leader of the project (the user's person leads it);
- theme party days: the due day of the theme party day rule (tracker.study.rules; the
  10th by default, the month's last day when none is set) of every month a branch the user's
  person belongs to (any role, membership not ended) is active — from its approval date
  to its dissolution, and at most a year ahead of today.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app
from sqlalchemy import or_, select

from tracker import access, clock
from tracker.branches import queries as branch_queries
from tracker.branches.models import Branch, Membership
from tracker.calendar.models import CalendarFeed
from tracker.due import CHECKPOINT_KINDS, OPEN_STATES, TALK_KINDS, DueFilters, DueItem, due_items
from tracker.extensions import db
from tracker.history.services import record
from tracker.months import month_days
from tracker.talks.services import OFFICER_ROLES


def token_hash(token: str) -> str:
    # The token is 256 random bits, so a plain SHA-256 is enough to make a leaked
    # database useless for reading feeds (no salt or slow hash needed).
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def issue_token(user) -> str:
    """Turn the feed on, or replace its token; the old URL stops working. Returns the token."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=token_hash(token), created_at=clock.now())
        db.session.add(feed)
    else:
        feed.token_hash = token_hash(token)
        feed.created_at = clock.now()
        feed.last_used_at = None
    db.session.flush()
    record(user, "calendar", {"calendar_feed": (None, "new link")}, user=user)
    return token


def revoke(user) -> None:
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()
        record(user, "calendar", {"calendar_feed": ("on", "off")}, user=user)


def user_for_token(token: str):
    """The active user whose feed has this token, else None."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    if feed is None or not feed.user.is_active:
        return None
    feed.last_used_at = clock.now()
    return feed.user


def officer_project_ids(person_id: int, today: dt.date) -> frozenset[int]:
    """Projects of the temporary branches this person is secretary or deputy secretary of."""
    return frozenset(db.session.scalars(branch_queries.projects_served_by(
        select(Branch.id)
        .join(Membership, Membership.branch_id == Branch.id)
        .where(
            Membership.person_id == person_id, Membership.role.in_(OFFICER_ROLES),
            Membership.deleted_at.is_(None), or_(Membership.left_on.is_(None), Membership.left_on >= today),
            Branch.deleted_at.is_(None), Branch.status != "dissolved",
        )
    )))


def responsible_items(user) -> list[DueItem]:
    """Open talks and checkpoints the user is responsible for (see the module docstring)."""
    today = clock.today()
    found: dict[tuple, DueItem] = {}
    searches = []
    if access.is_member_only(user):
        # a member's own account: the talks due with them, never their branch's other members
        searches.append(DueFilters(kinds=frozenset(TALK_KINDS), states=OPEN_STATES,
                                   person_id=access.due_person(user)))
    elif user.has_role("secretary"):
        searches.append(DueFilters(kinds=frozenset(TALK_KINDS), states=OPEN_STATES))
    elif user.person_id is not None:
        projects = officer_project_ids(user.person_id, today)
        if projects:
            searches.append(DueFilters(kinds=frozenset(TALK_KINDS), states=OPEN_STATES, project_ids=projects))
    if user.has_role("team-leader") and user.person_id is not None:
        searches.append(DueFilters(kinds=frozenset(CHECKPOINT_KINDS), states=OPEN_STATES,
                                   leader_person_id=user.person_id))
    for filters in searches:
        for item in due_items(filters, today=today):
            found[(item.kind, item.dispatch_id, item.project_id)] = item
    return sorted(found.values(), key=lambda i: (i.due_on, i.kind))


def theme_days(user) -> list[tuple[dt.date, Branch]]:
    """(day, branch) of the monthly theme party days of the user's branches."""
    if user.person_id is None:
        return []
    today = clock.today()
    rule = current_app.config["RULES"]["sessions"].get("theme_party_day")
    if rule is None or rule["every_months"] != 1:
        return []  # the feed marks a monthly day; this bureau has no monthly theme party day
    day_of_month = rule["due_day"] or 31  # month_days clamps 31 to each month's last day
    horizon = today + dt.timedelta(days=365)
    rows = db.session.execute(
        select(Branch, Membership.joined_on, Membership.left_on)
        .join(Membership, Membership.branch_id == Branch.id)
        .where(
            Membership.person_id == user.person_id, Membership.deleted_at.is_(None),
            Branch.deleted_at.is_(None), Branch.status.in_(("active", "dissolved")),
        )
    ).all()
    days = {}
    for branch, joined, left in rows:
        start = max(branch.approval_date, joined, today - dt.timedelta(days=365))
        end = min(d for d in (branch.dissolved_on, left, horizon) if d is not None)
        for day in month_days(start, end, day_of_month):
            days[(day, branch.id)] = branch
    return sorted(((day, b) for (day, _), b in days.items()), key=lambda x: (x[0], x[1].name))
