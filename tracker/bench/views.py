"""The benchmark's reference page: one indexed query, a 50-row table, the same base layout.

Every page's throughput is reported as a ratio to this one, so the numbers say how much a page
costs beyond what any page of this app costs on this machine."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import permissions as perm
from tracker.extensions import db
from tracker.people.models import Person
from tracker.web import require

bp = Blueprint("bench", __name__, url_prefix="/bench")


@bp.get("/reference")
@login_required
def reference():
    require(perm.can_read(current_user))
    after = request.args.get("after", 0, type=int)
    people = db.session.scalars(
        select(Person).where(Person.id > after).order_by(Person.id).limit(50)  # primary-key index
    ).all()
    return render_template("bench/reference.html", people=people)
