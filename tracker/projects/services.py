from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import records, vocab
from tracker.extensions import db
from tracker.history.services import record
from tracker.projects.models import IntegrityCheckpoint, Project


def _check_code(code: str, project_id: int | None) -> None:
    other = db.session.scalar(select(Project.id).where(Project.code == code))
    if other is not None and other != project_id:
        raise records.Invalid("code", _("Another project already has this code."))


def create_project(data: dict) -> Project:
    _check_code(data["code"], None)
    project = records.create(Project, data)
    for kind in vocab.CHECKPOINT_KINDS:
        db.session.add(IntegrityCheckpoint(project_id=project.id, kind=kind))
    db.session.flush()
    return project


def update_project(project: Project, data: dict, version: int | None) -> Project:
    records.check_version(project, version)
    _check_code(data["code"], project.id)
    records.update(project, data, version)
    return project


def checkpoints_by_kind(project: Project) -> dict[str, IntegrityCheckpoint]:
    existing = {c.kind: c for c in project.checkpoints}
    for kind in vocab.CHECKPOINT_KINDS:
        if kind not in existing:
            existing[kind] = IntegrityCheckpoint(project=project, kind=kind)
            db.session.add(existing[kind])
    return existing


def update_checkpoints(project: Project, values: dict, version: int | None) -> Project:
    """values: {kind: (done_on, note)}. Changes count as changes of the project."""
    records.check_version(project, version)
    changes = {}
    for kind, checkpoint in checkpoints_by_kind(project).items():
        done_on, note = values[kind]
        for name, value in (("done_on", done_on), ("note", note)):
            before = getattr(checkpoint, name)
            if (before or None) != (value or None):
                changes[f"{kind}.{name}"] = (before, value)
                setattr(checkpoint, name, value)
    if changes:
        db.session.flush()
        record(project, "checkpoints", changes)
    return project
