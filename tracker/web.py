"""Helpers every view uses: load (404), authorize (403), paginate, and template globals."""
from __future__ import annotations

from flask import Flask, abort, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select

from tracker import permissions, vocab
from tracker.extensions import db


def get_or_404(model, record_id: int, *, allow_deleted: bool = False):
    """The record, or 404; a deleted one only where the caller allows it."""
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    if getattr(record, "deleted_at", None) is not None and not (
        allow_deleted and permissions.can_restore(current_user)
    ):
        abort(404)
    return record


def require(allowed: bool) -> None:
    """Stop with 403 unless the permission predicate said yes."""
    if not allowed:
        abort(403)


def paginate(stmt: Select):
    return db.paginate(
        stmt,
        # a page number beyond any real list would overflow the database's OFFSET
        page=min(max(request.args.get("page", 1, type=int), 1), 100_000),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
        count=True,
    )


def page_url(number: int) -> str:
    """This page's URL with its filters kept and another page number."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "page": number}
    return url_for(request.endpoint, **args)


def like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    # No stored text is longer than a few hundred characters, and SQLite refuses LIKE
    # patterns past 50,000 bytes: cut a search to a length no stored text reaches.
    text = text[:1000]
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


RECORD_TYPES = {
    "person": _l("Person"),
    "project": _l("Audit project"),
    "branch": _l("Temporary branch"),
    "membership": _l("Branch member"),
    "dispatch": _l("Dispatch"),
    "user": _l("Account"),
    "talk": _l("Talk"),
    "study_session": _l("Study session"),
}
ACTIONS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "restore": _l("restored"),
    "projects": _l("projects set"),
    "checkpoints": _l("checkpoints changed"),
    "password": _l("password changed"),
    "submit": _l("submitted for review"),
    "approve": _l("approved"),
    "return": _l("returned to the author"),
    "reopen": _l("reopened"),
    "export": _l("exported"),
    "calendar": _l("calendar link changed"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters["record_type_label"] = lambda code: vocab.label(RECORD_TYPES, code)
    app.jinja_env.filters["action_label"] = lambda code: vocab.label(ACTIONS, code)
    app.jinja_env.globals.update(
        perm=permissions,
        page_url=page_url,
        vocab=vocab,
        label=vocab.label,
    )
