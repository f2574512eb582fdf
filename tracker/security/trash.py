"""The admin's page of deleted records, across every record type, with an undelete button.

Record types are found from the models, not listed: every mapped class with the Tracked
mixin (soft delete) appears here, including those added by features later.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from tracker import permissions as perm
from tracker.db import Base, Tracked
from tracker.extensions import db
from tracker.history.models import HistoryEntry
from tracker.record_pages import undelete_page
from tracker.web import get_or_404, require

bp = Blueprint("trash", __name__, url_prefix="/admin/deleted")

#: most recent deleted records shown per type
PER_TYPE = 200
#: columns that name a record well enough for a list, in order of preference
NAME_COLUMNS = ("name", "title", "topic", "code", "username")


def soft_deleted_models() -> dict[str, type]:
    """{table name: model} of every record type that is deleted softly."""
    models = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Tracked) and hasattr(cls, "__tablename__"):
            models[cls.__tablename__] = cls
    return dict(sorted(models.items()))


def describe(obj) -> str:
    """A short name from the record's own columns (no relationship is loaded)."""
    for column in NAME_COLUMNS:
        value = obj.__dict__.get(column)
        if value:
            return str(value)
    return f"#{obj.id}"


def detail_url(record_type: str, record_id: int) -> str | None:
    """The record's page, if a feature has one: an endpoint `….detail` taking `<type>_id`."""
    arg = f"{record_type}_id"
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.endswith(".detail") and rule.arguments == {arg} and "GET" in rule.methods:
            return url_for(rule.endpoint, **{arg: record_id})
    return None


@bp.get("/")
@login_required
def index():
    require(perm.can_undelete(current_user))
    groups = []
    for record_type, model in soft_deleted_models().items():
        stmt = (
            select(model)
            .where(model.deleted_at.is_not(None))
            .order_by(model.deleted_at.desc(), model.id.desc())
            .limit(PER_TYPE)
        )
        rows = db.session.scalars(stmt).all()
        if rows:
            groups.append((record_type, rows))
    deleters = _deleters(groups)
    return render_template(
        "trash/index.html", groups=groups, deleters=deleters, describe=describe,
        detail_url=detail_url, per_type=PER_TYPE,
    )


def _deleters(groups) -> dict[tuple[str, int], HistoryEntry]:
    """The latest "delete" history entry of each listed record, in one query."""
    if not groups:
        return {}
    match = or_(*(
        and_(HistoryEntry.record_type == record_type, HistoryEntry.record_id.in_([r.id for r in rows]))
        for record_type, rows in groups
    ))
    entries = db.session.scalars(
        select(HistoryEntry)
        .where(HistoryEntry.action == "delete", match)
        .options(joinedload(HistoryEntry.user))
        .order_by(HistoryEntry.at, HistoryEntry.id)
    ).all()
    return {(e.record_type, e.record_id): e for e in entries}


@bp.post("/<record_type>/<int:record_id>/undelete")
@login_required
def undelete(record_type: str, record_id: int):
    # The permission does not depend on the record; asking first keeps non-admins from
    # learning which deleted records exist (they would see 404 vs 403).
    require(perm.can_undelete(current_user))
    model = soft_deleted_models().get(record_type)
    if model is None:
        abort(404)
    obj = get_or_404(model, record_id, allow_deleted=True)
    return undelete_page(obj, url_for("trash.index"))
