"""Building a branch from its projects' dispatches: the party members dispatched to the
projects a branch serves become members in one step, joining and leaving on the dates of
their dispatches. Others dispatched there are listed apart: they may attend as attendees."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import records
from tracker.branches import services as branch_services
from tracker.branches.models import Branch
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.forms import EmptyForm


@dataclass
class Candidate:
    dispatch: Dispatch
    error: str = ""

    @property
    def eligible(self) -> bool:
        return self.dispatch.person.party_status in branch_services.MEMBER_STATUSES


def candidates(branch: Branch) -> list[Candidate]:
    """Live dispatches to the branch's projects of people not already members over them."""
    project_ids = [p.id for p in branch.projects]
    if not project_ids:
        return []
    dispatches = db.session.scalars(
        select(Dispatch).where(Dispatch.project_id.in_(project_ids), Dispatch.deleted_at.is_(None))
        .options(joinedload(Dispatch.person), joinedload(Dispatch.project))
        .order_by(Dispatch.departure_date, Dispatch.id)
    ).all()
    members = [m for m in branch.memberships if m.deleted_at is None]

    def member_then(d: Dispatch) -> bool:
        return any(m.person_id == d.person_id and m.joined_on <= d.return_date
                   and (m.left_on is None or d.departure_date <= m.left_on) for m in members)

    return [Candidate(d) for d in dispatches if d.person.deleted_at is None and not member_then(d)]


def membership_data(branch: Branch, d: Dispatch) -> dict:
    """A member from the dispatch's first day (not before the branch was approved) to its last."""
    left_on = d.return_date if branch.dissolved_on is None else min(d.return_date, branch.dissolved_on)
    return {"person_id": d.person_id, "role": "member",
            "joined_on": max(d.departure_date, branch.approval_date), "left_on": left_on}


def page(branch: Branch):
    """GET: the candidates with check boxes. POST: add the ticked ones, all or none."""
    rows = candidates(branch)
    chosen = set(request.form.getlist("dispatch_id", type=int)) if request.method == "POST" else {
        c.dispatch.id for c in rows if c.eligible}
    status = 200
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        by_id = {c.dispatch.id: c for c in rows}
        picked = [by_id[i] for i in sorted(chosen) if i in by_id]
        for c in picked:
            try:
                branch_services.add_member(branch, membership_data(branch, c.dispatch))
                db.session.flush()
            except records.Invalid as exc:
                c.error = exc.message
        if picked and not any(c.error for c in picked):
            db.session.commit()
            flash(_("%(n)s members added to the branch.", n=len(picked)), "success")
            return redirect(url_for("branches.detail", branch_id=branch.id))
        db.session.rollback()
        status = 400
        if not picked:
            flash(_("Tick the people to add."), "warning")
    return render_template("dispatches/to_branch.html", branch=branch, chosen=chosen,
                           eligible=[c for c in rows if c.eligible],
                           others=[c for c in rows if not c.eligible]), status
