"""Reads of temporary branches shared by several pages."""
from __future__ import annotations

from sqlalchemy import Select, select

from tracker.branches.models import Branch


def filter_options() -> Select:
    """(id, name) of every branch, for a list's branch filter (web.kept_options)."""
    return select(Branch.id, Branch.name).where(Branch.deleted_at.is_(None)).order_by(Branch.name, Branch.id)
