"""Builders for manual points items (listed in conftest's pytest_plugins)."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.points.models import PointsEntry


@pytest.fixture
def make_points_entry(session, attachment_store):
    """A manual points item written straight to the database, with a stored evidence file."""
    def make(person, item_code="volunteering", **kw):
        kw.setdefault("occurred_on", dt.date(2026, 5, 1))
        kw.setdefault("reason", "社区志愿服务")
        kw.setdefault("status", "draft")
        if "evidence_key" not in kw:
            kw["evidence_key"] = attachment_store.save(b"%PDF-1.4 evidence", ".pdf")
            kw.setdefault("evidence_name", "证明.pdf")
            kw.setdefault("evidence_type", "application/pdf")
        entry = PointsEntry(person=person, item_code=item_code, **kw)
        session.add(entry)
        session.flush()
        return entry
    return make
