from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import records
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.projects.models import Project


def overlapping(data: dict, dispatch_id: int | None = None) -> list[Dispatch]:
    """The person's other dispatches that share at least one day with these dates."""
    stmt = (
        select(Dispatch)
        .join(Project, Project.id == Dispatch.project_id)
        .where(
            Dispatch.person_id == data["person_id"],
            Dispatch.deleted_at.is_(None),
            Dispatch.departure_date <= data["return_date"],
            Dispatch.return_date >= data["departure_date"],
        )
    )
    if dispatch_id is not None:
        stmt = stmt.where(Dispatch.id != dispatch_id)
    return list(db.session.scalars(stmt))


def _warn_overlap(data: dict, dispatch_id: int | None, confirmed: bool) -> None:
    if confirmed:
        return
    others = overlapping(data, dispatch_id)
    if others:
        names = ", ".join(
            f"{d.project.code} ({d.departure_date.isoformat()} – {d.return_date.isoformat()})"
            for d in others
        )
        raise records.Invalid(
            "confirm_overlap",
            _("This person is already dispatched over some of these days: %(list)s. "
              "Tick “Save anyway” if both are right.", list=names),
        )


def _warn_outside_project(data: dict, confirmed: bool) -> None:
    """Dispatch dates outside the project's are usually a typing slip, but a team can
    arrive early or stay on: a warning the user confirms, not a refusal."""
    project = db.session.get(Project, data["project_id"])
    if confirmed or project is None:
        return
    end = project.end_date
    if data["departure_date"] < project.start_date or (end is not None and data["return_date"] > end):
        raise records.Invalid("confirm_overlap", _(
            "The project runs from %(start)s to %(end)s; these dates fall outside it. "
            "Tick “Save anyway” if they are right.",
            start=format_date(project.start_date, "medium"),
            end=format_date(end, "medium") if end else "—"))


def create_dispatch(data: dict, *, confirmed: bool = False) -> Dispatch:
    _warn_outside_project(data, confirmed)
    _warn_overlap(data, None, confirmed)
    return records.create(Dispatch, data)


def update_dispatch(dispatch: Dispatch, data: dict, version: int | None, *, confirmed=False):
    records.check_version(dispatch, version)
    _warn_outside_project(data, confirmed)
    _warn_overlap(data, dispatch.id, confirmed)
    records.update(dispatch, data, version)
    return dispatch
