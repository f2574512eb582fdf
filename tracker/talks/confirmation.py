"""The person talked with confirms the record of their talk (确认), or disagrees with it.

- who may answer is `tracker.permissions.can_answer_talk`: the talk's own subject, once the
  record is submitted (a draft may still change), and only once.
- `answer` writes the answer with a plain UPDATE, like the other bookkeeping beside a record
  (a sign-in, a language choice): the secretary's open edit form does not turn stale, and
  nothing of what the secretary wrote changes. The answer goes into the talk's history.
- `unconfirmed(user)`: talks not yet answered TALK_CONFIRMATION_DAYS after they were held,
  of people who have an account to answer with, cut by tracker.access for the user: the
  talks list's filter, and what the secretary's to-do lists.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, select, update

from tracker import access, clock
from tracker.auth.models import User
from tracker.extensions import db
from tracker.history.services import record
from tracker.permissions import ANSWERABLE
from tracker.talks.models import Talk


def answer(talk: Talk, user, confirmation: str, comment: str) -> dt.datetime | None:
    """Record the answer ("confirmed" or "disagreed") and return its time; None when the
    talk was answered meanwhile (a double tap): the first answer stands."""
    now = clock.now()
    done = db.session.execute(
        update(Talk).where(Talk.id == talk.id, Talk.confirmation.is_(None))
        .values(confirmation=confirmation, confirmed_at=now, confirmation_comment=comment)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done:
        db.session.refresh(talk, ["confirmation", "confirmed_at", "confirmation_comment"])
        changes = {"confirmation": (None, confirmation)}
        if comment:
            changes["confirmation_comment"] = (None, comment)
        record(talk, "confirm" if confirmation == "confirmed" else "disagree", changes, user=user)
    return now if done else None


def days() -> int:
    return current_app.config["TALK_CONFIRMATION_DAYS"]


def has_account() -> ColumnElement:
    """Where-clause on Talk: the person talked with has an enabled account to answer with."""
    # IN over the few accounts tied to a person, not EXISTS per talk: the talks are many
    return Talk.person_id.in_(select(User.person_id).where(
        User.person_id.is_not(None), User.enabled.is_(True), User.deleted_at.is_(None)))


def overdue(today: dt.date | None = None, after_days: int | None = None) -> ColumnElement:
    """Where-clause on Talk: a live, submitted or reviewed talk held at least `after_days`
    (TALK_CONFIRMATION_DAYS) ago that its subject, who has an account, has not answered."""
    today = today or clock.today()
    after_days = days() if after_days is None else after_days
    return and_(
        Talk.deleted_at.is_(None), Talk.status.in_(ANSWERABLE), Talk.confirmation.is_(None),
        Talk.talk_date <= today - dt.timedelta(days=after_days), has_account(),
    )


def disagreed() -> ColumnElement:
    return and_(Talk.deleted_at.is_(None), Talk.confirmation == "disagreed")


#: the talks list's filter ("confirmation" argument) -> its where-clause
FILTERS = {"overdue": overdue, "disagreed": disagreed}


def unconfirmed(user, after_days: int | None = None) -> Select:
    """The talks `user` may read that are not confirmed `after_days` after they were held,
    oldest first: `select(Talk)`, for a to-do list to count or page."""
    stmt = select(Talk).where(overdue(after_days=after_days)).order_by(Talk.talk_date, Talk.id)
    return access.readable_talks(user, stmt)
