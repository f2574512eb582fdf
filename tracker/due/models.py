"""The due talks and integrity checkpoints kept as rows: one per live dispatch and talk kind,
with the earliest live talk that fulfils it; one per live project and checkpoint kind, with
the day the project recorded it done.

What is stored does not depend on the rules nor on today: the dispatch or project date a
kind's due day counts from (`base_on`: the departure for a pre-dispatch talk, the return for
a post-dispatch one; a project's start, middle day or end for a checkpoint) and how many days
after that date it was done (`done_lag`). A due state
is then a comparison of these indexed columns with numbers from the rules and today
(tracker/due/engine.py), so the database counts and pages due talks from an index, and a
change of the rules needs no rebuild. tracker/due/upkeep.py keeps the rows in step with
dispatches, talks, people, projects and checkpoints in the transaction that changes them.
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
        # the items due in a period, by state (the dashboard): a range of due days, done_lag
        # read from the index
        Index("ix_due_talk_day", "kind", "base_on", "done_lag"),
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


class DueCheckpoint(Base):
    """An integrity checkpoint due for a live project (any status: rules.checkpoint_due_dates)."""

    __tablename__ = "due_checkpoint"
    __table_args__ = (
        # counts by state (done_lag NULL: open), open items by date
        Index("ix_due_checkpoint_state", "kind", "done_lag", "base_on"),
        # the items due in a period, by state (the dashboard)
        Index("ix_due_checkpoint_day", "kind", "base_on", "done_lag"),
        # a project's (a branch's, a team leader's) due checkpoints
        Index("ix_due_checkpoint_project", "project_id", "kind", "done_lag", "base_on"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    #: rules.CHECKPOINT_KINDS
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: the project date the due day counts from: the start (disclosure, pledges), the middle
    #: day, start + (end - start) // 2 (mid_check), or the end (closing_report, revisit)
    base_on: Mapped[dt.date]
    #: the day the project's checkpoint of this kind was done, and that day - base_on in days
    done_on: Mapped[dt.date | None]
    done_lag: Mapped[int | None]


class DueLagCount(Base):
    """How many done due items of a kind were done this many days after the date their due
    day counts from (due_talk and due_checkpoint rows with a done_lag), kept by the writes
    (tracker/due/kept.py): done and done late are two ranges of these few rows, whatever the
    rules say about the lag allowed."""

    __tablename__ = "due_lag_count"

    #: a kind of due_talk or due_checkpoint row
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    done_lag: Mapped[int] = mapped_column(primary_key=True)
    #: the kept_count shard of the writers that add to this row (tracker.kept_counts)
    shard: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int]


class DueOpenCount(Base):
    """How many open due items of a kind count their due day from this date (due_talk and
    due_checkpoint rows without a done_lag), kept by the writes (tracker/due/kept.py):
    overdue, due soon and not yet due are ranges of these rows, one per date."""

    __tablename__ = "due_open_count"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    base_on: Mapped[dt.date] = mapped_column(primary_key=True)
    #: the kept_count shard of the writers that add to this row (tracker.kept_counts)
    shard: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int]
