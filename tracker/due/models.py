"""The due talks kept as rows: one per live dispatch and talk kind, with the earliest live
talk that fulfils it.

What is stored does not depend on the rules nor on today: the dispatch date a kind's due day
counts from (`base_on`: the departure for a pre-dispatch talk, the return for a post-dispatch
one) and how many days after that date the earliest talk was held (`done_lag`). A due state
is then a comparison of these indexed columns with numbers from the rules and today
(tracker/due/engine.py), so the database counts and pages due talks from an index, and a
change of the rules needs no rebuild. tracker/due/upkeep.py keeps the rows in step with
dispatches, talks, people and projects in the transaction that changes them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base


class DueTalk(Base):
    """A pre- or post-dispatch talk due for a live dispatch of a live person on a live project."""

    __tablename__ = "due_talk"
    __table_args__ = (
        # the talks due list: counts by state (done_lag NULL: open), open items by date
        Index("ix_due_talk_state", "kind", "done_lag", "base_on"),
        # a project's (a branch's, a team leader's) due talks
        Index("ix_due_talk_project", "project_id", "kind", "done_lag", "base_on"),
    )

    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatch.id"), primary_key=True)
    #: "pre_talk" or "post_talk"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: copies of the dispatch's, for filtering without reading the dispatch
    project_id: Mapped[int]
    person_id: Mapped[int] = mapped_column(index=True)
    #: the dispatch date the due day counts from: departure (pre_talk) or return (post_talk)
    base_on: Mapped[dt.date]
    #: the earliest live talk of the fulfilling type, its date, and that date - base_on in days
    talk_id: Mapped[int | None]
    done_on: Mapped[dt.date | None]
    done_lag: Mapped[int | None]
