"""Reads of temporary branches shared by several pages."""
from __future__ import annotations

from sqlalchemy import select

from tracker.branches.models import Branch
from tracker.extensions import db


def filter_options() -> list[tuple[int, str]]:
    """The options of a list's branch filter: every branch by name, as (id, name)."""
    return [tuple(row) for row in db.session.execute(
        select(Branch.id, Branch.name).where(Branch.deleted_at.is_(None)).order_by(Branch.name, Branch.id)
    )]
