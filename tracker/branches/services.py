"""Writes to temporary branches and their members. Officers are memberships with an
officer role; the branch form's Secretary field is a shortcut for that membership."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import clock, records
from tracker.branches.models import Branch, Membership, branch_project
from tracker.extensions import db
from tracker.history.services import record
from tracker.people.models import Person
from tracker.projects.models import Project

#: committee posts one person holds at a time
#: party statuses that make a person a branch member; others attend sessions as attendees
MEMBER_STATUSES = ("full", "probationary")
SINGLE_ROLES = ("secretary", "deputy_secretary", "organising_member", "publicity_member", "discipline_member")


def _check_projects(projects: list[Project], branch_id: int | None) -> None:
    """A project has at most one branch that is not dissolved."""
    stmt = (
        select(Branch.name, Project.code)
        .join(branch_project, branch_project.c.branch_id == Branch.id)
        .join(Project, Project.id == branch_project.c.project_id)
        .where(
            branch_project.c.project_id.in_([p.id for p in projects]),
            Branch.deleted_at.is_(None),
            Branch.status != "dissolved",
        )
    )
    if branch_id is not None:
        stmt = stmt.where(Branch.id != branch_id)
    if clash := db.session.execute(stmt).first():
        raise records.Invalid(
            "project_ids",
            _("Project %(code)s already has a temporary branch: %(branch)s.",
              code=clash.code, branch=clash.name),
        )


def create_branch(data: dict, projects: list[Project], secretary_id: int | None) -> Branch:
    _check_projects(projects, None)
    branch = records.create(Branch, data)
    branch.projects = projects
    db.session.flush()
    record(branch, "projects", {"projects": (None, [p.code for p in projects])})
    if secretary_id:
        set_secretary(branch, secretary_id, branch.approval_date)
    return branch


def update_branch(branch, data, projects, secretary_id, version) -> Branch:
    records.check_version(branch, version)
    _check_projects(projects, branch.id)
    extra = {}
    before = [p.code for p in branch.projects]
    if before != [p.code for p in projects]:
        extra["projects"] = (before, [p.code for p in projects])
        branch.projects = projects
    records.update(branch, data, version, extra=extra)
    current = secretary(branch)
    if secretary_id and (current is None or current.person_id != secretary_id):
        set_secretary(branch, secretary_id, max(branch.approval_date, _today()))
    return branch


def _today() -> dt.date:
    return clock.today()


def secretary(branch: Branch) -> Membership | None:
    for m in branch.memberships:
        if m.deleted_at is None and m.role == "secretary" and m.left_on is None:
            return m
    return None


def set_secretary(branch: Branch, person_id: int, since: dt.date) -> None:
    """Make the person the branch secretary; the former secretary stays on as a member."""
    old = secretary(branch)
    if old is not None:
        records.update(old, {"role": "member"}, None)
    existing = next(
        (m for m in branch.memberships
         if m.deleted_at is None and m.person_id == person_id and m.left_on is None),
        None,
    )
    if existing is not None:
        records.update(existing, {"role": "secretary"}, None)
    else:
        records.create(Membership, {
            "branch_id": branch.id, "person_id": person_id, "role": "secretary", "joined_on": since,
        })
    db.session.refresh(branch, ["memberships"])


def approve(branch: Branch) -> None:
    records.update(branch, {"status": "active"}, None)


def dissolve(branch: Branch, dissolved_on: dt.date, version: int | None) -> Branch:
    """Dissolve the branch; members still in it leave on that day. Everything stays readable."""
    if dissolved_on < branch.approval_date:
        raise records.Invalid("dissolved_on", _("A branch cannot be dissolved before it was approved."))
    records.update(branch, {"status": "dissolved", "dissolved_on": dissolved_on}, version)
    for m in branch.memberships:
        if m.deleted_at is None and m.left_on is None:
            records.update(m, {"left_on": max(dissolved_on, m.joined_on)}, None)
    return branch


def check_party_member(person: Person | None) -> None:
    if person is not None and person.party_status not in MEMBER_STATUSES:
        raise records.Invalid("person_id", _(
            "%(name)s is not a full or probationary party member, so cannot join the branch. "
            "They may attend its sessions as an attendee (list them under Guests).", name=person.name))


def _check_membership(branch: Branch, data: dict, membership_id: int | None) -> None:
    check_party_member(db.session.get(Person, data["person_id"]))
    others = [
        m for m in branch.memberships
        if m.deleted_at is None and m.id != membership_id
    ]
    far = dt.date.max
    for m in others:
        overlaps = m.joined_on <= (data["left_on"] or far) and data["joined_on"] <= (m.left_on or far)
        if not overlaps:
            continue
        if m.person_id == data["person_id"]:
            raise records.Invalid("person_id", _("This person is already a member over these dates."))
        if data["role"] in SINGLE_ROLES and m.role == data["role"]:
            raise records.Invalid(
                "role", _("%(name)s already holds this role over these dates.", name=m.person.name)
            )


def add_member(branch: Branch, data: dict) -> Membership:
    _check_membership(branch, data, None)
    return records.create(Membership, {**data, "branch_id": branch.id})


def update_member(membership: Membership, data: dict, version: int | None) -> Membership:
    records.check_version(membership, version)
    _check_membership(membership.branch, data, membership.id)
    records.update(membership, data, version)
    return membership
