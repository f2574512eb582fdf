from __future__ import annotations

from contextlib import nullcontext

from flask import Blueprint, Response, abort, flash, redirect, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.calendar import feed, services
from tracker.extensions import db
from tracker.forms import EmptyForm

bp = Blueprint("calendar", __name__)


@bp.get("/calendar/<token>.ics")
def feed_ics(token: str):
    """PUBLIC: a calendar client fetches this with the secret token; no token, no feed (404)."""
    user = services.user_for_token(token)
    if user is None:
        abort(404)
    # in the language the person chose in the app, not the calendar app's Accept-Language
    with force_locale(user.language) if user.language else nullcontext():
        body = feed.build(user)
    db.session.commit()  # keep last_used_at
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="tracker.ics"',
        "Cache-Control": "private, no-store",
        "Referrer-Policy": "no-referrer",
    })


@bp.post("/account/calendar")
@login_required
def enable():
    """Turn the feed on, or give it a new secret link (the old one stops working)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = services.issue_token(current_user)
    db.session.commit()
    # Shown once on the account page, then gone: only a hash of the token is stored.
    session["calendar_url"] = url_for("calendar.feed_ics", token=token, _external=True)
    flash(_("Your calendar link is ready. Copy it now: it is shown only once."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/calendar/revoke")
@login_required
def revoke():
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.revoke(current_user)
    db.session.commit()
    flash(_("Your calendar link is turned off. Calendars using it show nothing any more."), "info")
    return redirect(url_for("auth.account"))


@bp.app_context_processor
def calendar_on_account_page():
    """The account page's calendar section: whether a feed is on, and a new link once."""
    def calendar_status():
        return {
            "feed": services.feed_of(current_user) if current_user.is_authenticated else None,
            "new_url": session.pop("calendar_url", None),
        }
    return {"calendar_status": calendar_status}
