"""The kept count of live talks (tracker.kept_counts, name "talk"), which the talks list
shows on every page: kept by every ORM write that adds, deletes for good, deletes softly or
restores a talk, counted again after a bulk write to the talk table run through a session
(the confirmation's guarded UPDATE, a data load); `flask talks recount` counts it again
(after writes that bypass the application). tests/test_due_stored.py compares it with a count
after random writes."""
from __future__ import annotations

from tracker import kept_counts
from tracker.talks.models import Talk

NAME = "talk"

LIVE_TALKS = kept_counts.Rows(NAME, Talk, ("deleted_at",),
                              counts=lambda talk: talk["deleted_at"] is None,
                              where=lambda: Talk.deleted_at.is_(None))
recount = LIVE_TALKS.recount
recount_command = LIVE_TALKS.recount_command("live talks")
