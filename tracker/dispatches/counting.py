"""The kept count of live dispatches (tracker.kept_counts), which the unfiltered dispatches
list shows on every page (tracker.web.count_of). tests/test_kept_list_counts.py compares it
with a count after random writes."""
from __future__ import annotations

from tracker import kept_counts
from tracker.dispatches.models import Dispatch

LIVE_DISPATCHES = kept_counts.live_rows("dispatch", Dispatch)
