"""The benchmark's two reference pages.

- `/bench/reference`: one indexed query and a 50-row table inside the base layout, signed in.
  Every page's throughput is reported as a ratio to this one: how much a page costs beyond
  what any page of the app costs on this machine.
- `/bench/bare`: the same query and table with no layout, no sign-in, no translations: what
  Flask, SQLAlchemy and Jinja cost on this machine, the second reference (the reference page
  should reach at least half of it).
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import permissions as perm
from tracker.extensions import db
from tracker.people.models import Person
from tracker.web import require

bp = Blueprint("bench", __name__, url_prefix="/bench", template_folder="templates")


def _people():
    after = request.args.get("after", 0, type=int)
    # primary-key index; deleted people are not listed anywhere
    return db.session.execute(
        select(Person.name, Person.party_status, Person.source, Person.home_organisation, Person.post)
        .where(Person.id > after, Person.deleted_at.is_(None)).order_by(Person.id).limit(50)
    ).all()


@bp.get("/reference")
@login_required
def reference():
    require(perm.can_read(current_user))
    return render_template("bench/reference.html", people=_people())


@bp.get("/bare")
def bare():
    return render_template("bench/bare.html", people=_people())
