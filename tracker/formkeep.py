"""Forms never lose what was typed (DESIGN.md, "Qualities"): when the sign-in has ended or
the CSRF token went stale by the time a form is saved, the posted fields are kept on the
server for a short while, the user signs in again, and the form comes back filled in.

Only a known user's input is kept: one signed in whose token went stale, or one whose
sign-in timed out (tracker.auth.signins) — never a stranger's, nor what arrives after a
sign-out. Per user it is bounded in count and bytes, and it expires.

Files cannot be kept this way (a browser never refills a file input); the user is told to
attach them again. A view opts in with `@keeps_form` instead of `@login_required`, and its
blueprint calls `init_blueprint(bp)` so a CSRF failure on such a view is caught.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import JSON, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict

from tracker import clock
from tracker.db import Base
from tracker.errors import MESSAGES
from tracker.extensions import db, login_manager

#: how long a kept form waits for its owner to sign in again
KEEP_FOR = dt.timedelta(days=2)
#: how many kept forms the table holds at most (the oldest go first)
KEEP_AT_MOST = 1000
#: how many forms one user has kept at most (one per form address; the oldest go first)
KEEP_PER_USER = 5
#: the largest input kept, as JSON (a long meeting record is some tens of KB)
KEEP_MAX_BYTES = 256 * 1024
#: fields never kept: the stale token itself, and the buttons (the user presses one again)
SKIP = {"csrf_token", "submit", "submit_review", "refresh"}


class KeptForm(Base):
    """What one user posted to one form when their sign-in had run out."""

    __tablename__ = "kept_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: the form's address, so only that form is refilled
    path: Mapped[str] = mapped_column(String(500))
    #: {field name: [values]}
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime]


def _form_url() -> str:
    query = request.query_string.decode()
    return request.path + (f"?{query}" if query else "")


def _same_site() -> bool:
    """Only keep what this app's own pages posted, not what another site sent."""
    for header in ("Origin", "Referer"):
        if value := request.headers.get(header):
            return urlsplit(value).netloc == request.host
    return True


def timed_out_user_id() -> int | None:
    """The user whose sign-in ran out on this request (not one who signed out), as
    tracker.auth.signins marks it."""
    return g.get("timed_out_user_id")


def _owner() -> int | None:
    """Whose input this is: the signed-in user, or the one whose sign-in just timed out."""
    if current_user.is_authenticated:
        return current_user.id
    return timed_out_user_id()


def keep() -> bool:
    """Store the posted fields (not files) for this user and this form; False when
    nothing is kept (no known user, or more than a form's worth of text)."""
    user_id = _owner()
    if user_id is None:
        return False
    data = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in SKIP}
    if len(json.dumps(data, ensure_ascii=False).encode()) > KEEP_MAX_BYTES:
        return False
    now = clock.now()
    db.session.execute(delete(KeptForm).where(
        ((KeptForm.user_id == user_id) & (KeptForm.path == request.path))
        | (KeptForm.created_at < now - KEEP_FOR)
    ))
    kept = KeptForm(user_id=user_id, path=request.path, data=data, created_at=now)
    db.session.add(kept)
    db.session.flush()
    older = select(KeptForm.id).where(KeptForm.user_id == user_id).order_by(KeptForm.id.desc())
    db.session.execute(delete(KeptForm).where(
        KeptForm.id.not_in(older.limit(KEEP_PER_USER).scalar_subquery()),
        KeptForm.user_id == user_id,
    ))
    db.session.execute(delete(KeptForm).where(KeptForm.id <= kept.id - KEEP_AT_MOST))
    db.session.commit()
    return True


def refill() -> MultiDict | None:
    """The fields this user kept for this form, once; None when there are none."""
    if not current_user.is_authenticated:
        return None
    kept = db.session.scalar(select(KeptForm).where(
        KeptForm.user_id == current_user.id, KeptForm.path == request.path,
        KeptForm.created_at >= clock.now() - KEEP_FOR,
    ))
    if kept is None:
        return None
    data = MultiDict([(k, v) for k, values in kept.data.items() for v in values])
    db.session.delete(kept)
    db.session.commit()
    flash(_("What you typed before signing in again is filled in below. Files are not kept: "
            "attach them again, check the form and save."), "warning")
    return data


def _kept_and_redirect():
    kept = keep()
    url = _form_url()
    if current_user.is_authenticated:
        flash(_("The form had expired, so nothing was saved."), "warning")
        return redirect(url)
    if not kept:
        return login_manager.unauthorized()
    flash(_("Your sign-in had ended, so nothing was saved yet. Sign in again to continue."), "warning")
    return redirect(url_for("auth.sign_in", next=url))


def keeps_form(view):
    """Like @login_required, but a POST from a browser whose sign-in ended is kept."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated:
            return view(*args, **kwargs)
        if request.method == "POST" and _same_site():
            return _kept_and_redirect()
        return login_manager.unauthorized()

    wrapper.keeps_form = True
    return wrapper


def init_blueprint(bp) -> None:
    @bp.errorhandler(CSRFError)
    def csrf_error(e):
        view = current_app.view_functions.get(request.endpoint)
        if request.method == "POST" and getattr(view, "keeps_form", False) and _same_site():
            return _kept_and_redirect()

        title, text = MESSAGES[400]
        return render_template("error.html", code=400, title=title, text=text), 400
