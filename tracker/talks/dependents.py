"""Talks the ledger shows (submitted or reviewed) depend on their dispatch, the person talked
with, and the project of the dispatch: deleting one of those withdraws them (tracker.records)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.records import dependents_of
from tracker.study.rules import COUNTED
from tracker.talks.models import Talk


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count(Talk.id)).where(
        Talk.deleted_at.is_(None), Talk.status.in_(COUNTED), *conditions)) or 0


@dependents_of("dispatch")
def of_dispatch(dispatch) -> list[tuple[str, int]]:
    return [(_("Talk records"), _count(Talk.dispatch_id == dispatch.id))]


@dependents_of("person")
def of_person(person) -> list[tuple[str, int]]:
    return [(_("Talk records"), _count((Talk.person_id == person.id) | (Talk.conducted_by_id == person.id)))]


@dependents_of("project")
def of_project(project) -> list[tuple[str, int]]:
    return [(_("Talk records"), _count(Talk.dispatch_id.in_(
        select(Dispatch.id).where(Dispatch.project_id == project.id, Dispatch.deleted_at.is_(None)))))]
