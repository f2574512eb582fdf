"""The team leader's sign-in code page (with its roster, polled), and the member's side:
scanning the code, then one button."""
from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from tracker import permissions as perm
from tracker.branches.models import Branch, Membership
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.selfsign import codes, services
from tracker.study.models import StudySession
from tracker.web import get_or_404, require

bp = Blueprint("selfsign", __name__)


def _study_session(session_id: int) -> StudySession:
    return get_or_404(StudySession, session_id, options=(
        joinedload(StudySession.branch).selectinload(Branch.memberships).joinedload(Membership.person),))


# The team leader's side -------------------------------------------------------------------
@bp.get("/study/<int:session_id>/sign-in-code")
@login_required
def code_page(session_id: int):
    study_session = _study_session(session_id)
    require(perm.can_show_sign_in_code(current_user, study_session))
    opens, closes = services.window(study_session)
    return render_template("selfsign/code.html", study_session=study_session, roster=services.roster(study_session),
                           opens=opens, closes=closes, is_open=services.is_open(study_session),
                           refresh=codes.SLOT_SECONDS)


@bp.get("/study/<int:session_id>/sign-in-code.svg")
@login_required
def code_svg(session_id: int):
    """This minute's code: the page reloads it every minute."""
    study_session = _study_session(session_id)
    require(perm.can_show_sign_in_code(current_user, study_session))
    url = url_for("selfsign.scan", code=codes.make_code(study_session.id), _external=True)
    response = make_response(codes.qr_svg(url, _("Sign-in code")))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/study/<int:session_id>/sign-ins")
@login_required
def roster(session_id: int):
    """Who has signed in and who has not, for the code page to poll."""
    study_session = _study_session(session_id)
    require(perm.can_show_sign_in_code(current_user, study_session))
    response = services.roster_json(study_session)
    return response, 200, {"Cache-Control": "no-store"}


# The member's side --------------------------------------------------------------------------
@bp.get("/s/<code>")
def scan(code: str):
    """A scanned code: a ticket for its session (the sign-in page may come first)."""
    try:
        session_id = codes.read_code(code)
    except codes.Forged:
        return _refused(_("This is not a sign-in code of this system. Scan the code shown at the session."), 400)
    except codes.Stale:
        return _refused(_("This sign-in code is out of date: codes change every minute. Scan the code "
                          "shown at the session again."), 400)
    return redirect(url_for("selfsign.sign_in", ticket=codes.make_ticket(session_id)))


@bp.route("/me/sign-in/<ticket>", methods=["GET", "POST"])
@login_required
def sign_in(ticket: str):
    require(perm.can_sign_in_with_code(current_user))
    try:
        session_id = codes.read_ticket(ticket)
    except codes.Forged:
        return _refused(_("This is not a sign-in link of this system. Scan the code shown at the session."), 400)
    except codes.Stale:
        return _refused(_("This sign-in link is out of date. Scan the code shown at the session again."), 400)
    study_session = _study_session(session_id)
    form = EmptyForm()
    try:
        if form.validate_on_submit():
            services.sign_in(current_user, study_session)
            db.session.commit()
            return redirect(url_for("selfsign.signed", session_id=study_session.id))
        if form.is_submitted():
            abort(400)
        services.check(current_user, study_session)
    except services.Refused as refusal:
        db.session.rollback()
        return _refused(refusal.message, refusal.status, study_session)
    return render_template("selfsign/sign_in.html", study_session=study_session, form=form)


@bp.get("/me/sign-in/done/<int:session_id>")
@login_required
def signed(session_id: int):
    """Where a sign-in lands: the time, and the member's own session page one tap away."""
    study_session = _study_session(session_id)
    require(perm.can_sign_in_with_code(current_user))
    at = services.signed_at(current_user.person_id, study_session)
    require(at is not None)  # the page shows one's own sign-in only
    return render_template("selfsign/signed.html", study_session=study_session, at=at)


@bp.app_template_filter("hm")
def hours_minutes(moment) -> str:
    """A timestamp as 14:30 in the bureau's time zone."""
    return format_time(moment, "HH:mm") if moment else ""


def _refused(message: str, status: int, study_session: StudySession | None = None):
    return render_template("selfsign/refused.html", message=message, study_session=study_session), status
