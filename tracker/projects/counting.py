"""The kept count of live projects (tracker.kept_counts), which the unfiltered projects list
shows on every page (tracker.web.count_of). tests/test_kept_list_counts.py compares it with a
count after random writes."""
from __future__ import annotations

from tracker import kept_counts
from tracker.projects.models import Project

LIVE_PROJECTS = kept_counts.live_rows("project", Project)
