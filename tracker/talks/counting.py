"""Counts of talks kept by the writes (tracker.kept_counts): the live talks (name "talk"), which
the talks list shows on every page, and those waiting for review, which a reviewer's to-do box
and the dashboard show. Kept by every ORM write that adds, deletes for good, deletes softly,
restores a talk or changes its status; counted again after a bulk write to the talk table run
through a session that sets one of those columns; `flask talks recount` counts the live talks
again, `flask recount-all` every kept count (after writes that bypass the application).
tests/test_due_stored.py and tests/test_kept_list_counts.py compare them with counts after
random writes."""
from __future__ import annotations

from tracker import kept_counts
from tracker.talks.models import Talk

NAME = "talk"

LIVE_TALKS = kept_counts.live_rows(NAME, Talk)
#: the talks waiting for review (submitted), which a reviewer's to-do box and the dashboard
#: show on every page
WAITING_TALKS = kept_counts.Rows(
    "talk_waiting", Talk, ("deleted_at", "status"),
    counts=lambda talk: talk["deleted_at"] is None and talk["status"] == "submitted",
    where=lambda: Talk.deleted_at.is_(None) & (Talk.status == "submitted"))
recount = LIVE_TALKS.recount
recount_command = LIVE_TALKS.recount_command("live talks")
