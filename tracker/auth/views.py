from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import update

from tracker import clock
from tracker.auth import signins
from tracker.auth.forms import PasswordChangeForm, SignInForm
from tracker.auth.models import User
from tracker.errors import _render
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.history.services import record
from tracker.i18n import LANGUAGES
from tracker.security.throttle import sign_in_limits

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path inside this app; anything else (other hosts, schemes, //) goes home."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    if "\\" in target:
        return url_for("home.index")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = signins.verify(form.username.data.strip(), form.password.data)
        # One message whether the user exists, is disabled or typed a wrong password.
        if user is None:
            form.password.errors.append(_("Unknown username or wrong password."))
            return render_template("auth/sign_in.html", form=form), 400
        # A plain UPDATE, not the versioned ORM write: signing in is bookkeeping, and must
        # neither conflict with another sign-in of the same user at the same moment nor
        # make an admin's open edit form of this account stale.
        db.session.execute(
            update(User).where(User.id == user.id).values(last_sign_in_at=clock.now()),
            execution_options={"synchronize_session": False},
        )
        signins.start(user)
        db.session.commit()
        if user.language in LANGUAGES:  # the language picked last time, on whatever device
            session["lang"] = user.language
        return redirect(safe_next(form.next.data))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.errorhandler(429)
def too_many(_exc):
    """Too many failed sign-ins (tracker.security.throttle): the sign-in form again, saying so."""
    if request.endpoint == "auth.sign_in":
        form = SignInForm(formdata=None, username=request.form.get("username", "")[:64],
                          next=request.form.get("next", ""))
        form.password.errors = [_("Too many failed sign-ins. Please wait a few minutes and try again.")]
        return render_template("auth/sign_in.html", form=form), 429
    return _render(429)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    if not EmptyForm().validate_on_submit():
        abort(400)
    signins.end()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/language", methods=["POST"])
def set_language():
    if not EmptyForm().validate_on_submit():
        abort(400)
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            # kept on the account for what no browser asks for, such as the calendar feed;
            # a preference, so a plain UPDATE like the sign-in time, not a versioned edit
            db.session.execute(update(User).where(User.id == current_user.id).values(language=lang),
                               execution_options={"synchronize_session": False})
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            user = current_user._get_current_object()
            user.set_password(form.new.data)
            user.session_epoch += 1
            db.session.flush()
            record(user, "password", {})
            db.session.commit()
            login_user(user)  # this sign-in continues; the others end
            flash(_("Your password is changed. Other sign-ins have ended."), "success")
            return redirect(url_for("auth.account"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("auth/account.html", form=form), status
