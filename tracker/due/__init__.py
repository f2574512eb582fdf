"""What is due, and when: the ONE place that computes due dates and states.

Pages, the "Talks due" list, the dashboard, the calendar feed and the ledger all ask
`due_items()` (or `due_counts()`); the database computes them (tracker/due/sql.py).
States are computed from the current dates every time, never stored. What a due talk's
state is computed from — its dispatch date and the earliest talk that fulfils it — is kept
in the table due_talk (tracker/due/models.py), rewritten in the transaction of every write
that changes it (tracker/due/upkeep.py), so a dispatch whose dates change, or a talk
recorded, has its states follow at once.

    from tracker.due import DueFilters, due_items
    items = due_items(DueFilters(project_id=7, states=frozenset({"overdue"})))
"""
from tracker.due import upkeep  # noqa: F401  (keeps due_talk in step with every flush)
from tracker.due.engine import DueFilters, DueItem, due_items, due_items_each
from tracker.due.rules import (
    ACTION_STATES,
    CHECKPOINT_KINDS,
    OPEN_STATES,
    TALK_KINDS,
    checkpoint_due_dates,
    state_of,
    talk_due_dates,
)

__all__ = [
    "ACTION_STATES", "CHECKPOINT_KINDS", "OPEN_STATES", "TALK_KINDS", "DueFilters", "DueItem",
    "checkpoint_due_dates", "due_items", "due_items_each", "state_of", "talk_due_dates",
]
