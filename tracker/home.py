"""The home page: a team leader sees their projects; everyone sees what needs attention."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker import permissions as perm
from tracker.branches.models import Branch
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.projects import rules
from tracker.projects.models import Project
from tracker.web import require

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    require(perm.can_read(current_user))
    today = clock.today()
    open_projects = select(Project).where(Project.deleted_at.is_(None), Project.status != "closed")
    mine = []
    if current_user.has_role("team-leader") and current_user.person_id:
        mine = db.session.scalars(
            open_projects.where(Project.team_leader_id == current_user.person_id)
            .order_by(Project.start_date)
        ).all()
    open_ids = list(db.session.scalars(select(Project.id).where(
        Project.deleted_at.is_(None), Project.status != "closed"
    )))
    needing = db.session.scalars(
        select(Project).where(Project.id.in_(rules.branch_needed(open_ids))).order_by(Project.code)
    ).all()
    away = db.session.scalars(
        select(Dispatch)
        .options(joinedload(Dispatch.person), joinedload(Dispatch.project))
        .where(
            Dispatch.deleted_at.is_(None),
            Dispatch.departure_date <= today,
            Dispatch.return_date >= today,
        )
        .order_by(Dispatch.return_date)
        .limit(50)
    ).all()
    counts = {
        "projects": len(open_ids),
        "branches": db.session.scalar(select(func.count(Branch.id)).where(
            Branch.deleted_at.is_(None), Branch.status == "active"
        )),
        "proposed": db.session.scalar(select(func.count(Branch.id)).where(
            Branch.deleted_at.is_(None), Branch.status == "proposed"
        )),
        "away": len(away),
    }
    return render_template(
        "home.html", mine=mine, needing=needing, away=away, counts=counts, today=today
    )
