"""A member's own points (tracker.access SELF): their card of the year in short, their claims
with where each stands, and claiming a manual item (volunteering, an award …) for themselves
with a reason and evidence. A claim is a points entry like a leader's and goes through the
same review; only reviewed items count."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import clock
from tracker import permissions as perm
from tracker.extensions import db
from tracker.points import cards
from tracker.points import scheme as schemes
from tracker.points.forms import ClaimForm
from tracker.points.models import PointsEntry
from tracker.points.services import claim, resend_claim
from tracker.points.views import bp, chosen_year, locale, valuer_for
from tracker.record_pages import form_page
from tracker.web import get_or_404, require

#: a phone page lists the latest few
LIMIT = 30


def my_claims(user):
    """The member's own claims, latest first."""
    return (select(PointsEntry)
            .where(PointsEntry.author_id == user.id, PointsEntry.person_id == user.person_id,
                   PointsEntry.deleted_at.is_(None))
            .order_by(PointsEntry.occurred_on.desc(), PointsEntry.id.desc()).limit(LIMIT))


@bp.get("/mine")
@login_required
def mine():
    require(perm.can_claim_points(current_user))
    year = chosen_year()
    card = cards.build(current_user.person, year, valuer_for(year))
    return render_template("points/mine.html", card=card, year=year, locale=locale(),
                           claims=db.session.scalars(my_claims(current_user)).all(), items=_item_names())


def _item_names() -> dict[str, str]:
    governing = schemes.governing(clock.today().year)
    return {i.code: i.name(locale()) for i in governing.items if i.source == "manual"} if governing else {}


def _form(**kwargs) -> ClaimForm:
    form = ClaimForm(**kwargs)
    day = form.occurred_on.data or clock.today()
    governing = schemes.governing(day.year) or schemes.governing(clock.today().year)
    items = [i for i in governing.items if i.source == "manual" and i.points > 0] if governing else []
    form.item_code.choices = [(i.code, f"{i.name(locale())} ({i.points:+d})") for i in items]
    return form


def _detail_url(entry: PointsEntry) -> str:
    return url_for("points.detail", points_entry_id=entry.id)


@bp.route("/mine/claim", methods=["GET", "POST"])
@login_required
def claim_new():
    require(perm.can_claim_points(current_user))
    form = _form()
    if not form.is_submitted():
        form.occurred_on.data = clock.today()
    return form_page(form, "points/claim_form.html",
                     save=lambda f: claim(f.model_data(), f.evidence.data, current_user),
                     success_url=_detail_url)


@bp.route("/mine/claims/<int:points_entry_id>/edit", methods=["GET", "POST"])
@login_required
def claim_edit(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id)
    require(perm.can_edit_claim(current_user, entry))
    form = _form(obj=entry if request.method == "GET" else None)
    return form_page(form, "points/claim_form.html",
                     save=lambda f: resend_claim(entry, f.model_data(), f.evidence.data, f.opened_version()),
                     success_url=_detail_url, obj=entry)
