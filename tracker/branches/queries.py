"""Reads of temporary branches shared by several pages."""
from __future__ import annotations

from sqlalchemy import select

from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.web import kept_options


def filter_options() -> str:
    """The options of a list's branch filter: every branch by name, rendered once and kept
    until the data changes (web.kept_options)."""
    return kept_options("branches", lambda: db.session.execute(
        select(Branch.id, Branch.name).where(Branch.deleted_at.is_(None)).order_by(Branch.name, Branch.id)
    ))
