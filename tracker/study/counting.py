"""Counts of study sessions kept by the writes (tracker.kept_counts): the live sessions, which
the unfiltered sessions list shows on every page (tracker.web.count_of), and those waiting
for review (submitted), which a reviewer's to-do box and the dashboard show on every page.
tests/test_kept_list_counts.py compares them with counts after random writes."""
from __future__ import annotations

from tracker import kept_counts
from tracker.study.models import StudySession

LIVE_SESSIONS = kept_counts.live_rows("study_session", StudySession)
WAITING_SESSIONS = kept_counts.Rows(
    "study_session_waiting", StudySession, ("deleted_at", "status"),
    counts=lambda session: session["deleted_at"] is None and session["status"] == "submitted",
    where=lambda: StudySession.deleted_at.is_(None) & (StudySession.status == "submitted"))
