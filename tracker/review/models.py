"""The review workflow every reviewable record shares (study sessions, talks, …):
draft → submitted → reviewed, or back to the author as returned with a comment."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tracker.history.display import register_values

STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "reviewed": _l("Reviewed"),
    "returned": _l("Returned"),
}
register_values("status", STATUSES, ("study_session", "talk", "review"))
#: statuses in which the author may still change the record
EDITABLE = ("draft", "returned")

#: since when a waiting record waits: the moment it was submitted, or its last change for a
#: record submitted before that moment was stored
WAITING_SINCE = "coalesce(submitted_at, updated_at)"


def waiting_index(name: str) -> Index:
    """The records of a table waiting for review in the order they wait (since, id): the
    review queue reads its oldest from the start and counts those not yet late from the end,
    whatever the number waiting. Partial: only a query that names the status 'submitted' as
    a literal can use it; not leading with the status, which its condition fixes, so that
    PostgreSQL, which drops a condition the index's own implies, still reads a range of it."""
    submitted = text("status = 'submitted'")
    # the expression's columns after it: PostgreSQL reads an index alone only when it holds
    # every column a query names
    return Index(name, "deleted_at", text(WAITING_SINCE), "id", "submitted_at", "updated_at",
                 sqlite_where=submitted, postgresql_where=submitted)


class Reviewable:
    """Mix into a Tracked model to give it the review workflow."""

    #: tracker.review.models.STATUSES
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[dt.datetime | None]
    reviewed_at: Mapped[dt.datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: the reviewer's comment when returning, or the reason given when reopening
    review_comment: Mapped[str] = mapped_column(Text, default="")
    #: approved by someone who wrote, conducted or is the subject of the record, which only
    #: REVIEW_ALLOW_SELF_APPROVAL permits; the ledger says so next to the status
    self_approved: Mapped[bool] = mapped_column(default=False, server_default=sql_false())

    #: columns naming the people a record is about or was held by (who may not approve it)
    party_person_columns: tuple[str, ...] = ()

    @declared_attr
    def author(cls):
        return relationship("User", foreign_keys=[cls.author_id])

    @declared_attr
    def reviewed_by(cls):
        return relationship("User", foreign_keys=[cls.reviewed_by_id])

    @property
    def is_locked(self) -> bool:
        """Only drafts and returned records can be edited; reviewed ones need reopening."""
        return self.status not in EDITABLE
