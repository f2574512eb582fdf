from __future__ import annotations

from typing import NamedTuple

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import clock, records, vocab
from tracker import permissions as perm
from tracker.branches import queries as branch_queries
from tracker.branches import services
from tracker.branches.forms import BranchForm, DissolveForm, MembershipForm
from tracker.branches.models import Branch, Membership, branch_project
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.i18n import date_labeller
from tracker.panels import for_page
from tracker.people import queries as people_queries
from tracker.projects import queries as project_queries
from tracker.projects.models import Project
from tracker.record_pages import delete_page, form_page, undelete_page
from tracker.web import found_or_404, get_or_404, like, paginate, record_url, require

bp = Blueprint("branches", __name__, url_prefix="/branches")


def _branch_form(**kwargs) -> BranchForm:
    form = BranchForm(**kwargs)
    form.secretary_id.choices = people_queries.choice_list()
    form.project_ids.choices = project_queries.choice_list(current_user)
    form.not_applicable_types.choices = [
        (kind, vocab.label(vocab.SESSION_TYPES, kind)) for kind in current_app.config["RULES"]["sessions"]
    ]
    return form


def _chosen_projects(form: BranchForm) -> list[Project]:
    projects = list(db.session.scalars(
        select(Project).where(Project.id.in_(form.project_ids.data), Project.deleted_at.is_(None))
        .order_by(Project.code)
    ))
    if not perm.is_office(current_user) and not all(perm.leads(current_user, p) for p in projects):
        raise records.Invalid("project_ids", _("You can only choose projects you lead."))
    return projects


@bp.get("/")
@login_required
def index():
    require(perm.can_read(current_user))
    deleted = request.args.get("deleted") == "1" and perm.can_undelete(current_user)
    # plain rows, and the codes of the projects they serve in one more query
    stmt = select(Branch.id, Branch.name, Branch.approved_by, Branch.approval_date, Branch.status).where(
        Branch.deleted_at.is_not(None) if deleted else Branch.deleted_at.is_(None)
    )
    if q := (request.args.get("q") or "").strip():
        stmt = stmt.where(Branch.name.like(like(q), escape="\\"))
    if (status := request.args.get("status")) in vocab.BRANCH_STATUSES:
        stmt = stmt.where(Branch.status == status)
    if project_id := request.args.get("project_id", type=int):
        stmt = stmt.where(Branch.id.in_(
            select(branch_project.c.branch_id).where(branch_project.c.project_id == project_id)
        ))
    page = paginate(stmt.order_by(Branch.approval_date.desc(), Branch.id.desc()))
    project_codes: dict[int, list[str]] = {}
    for row in db.session.execute(
        select(branch_project.c.branch_id, Project.code)
        .join(Project, Project.id == branch_project.c.project_id)
        .where(branch_project.c.branch_id.in_([b.id for b in page.items]))
        .order_by(Project.code)
    ):
        project_codes.setdefault(row.branch_id, []).append(row.code)
    return render_template("branches/index.html", page=page, deleted=deleted, project_codes=project_codes)


@bp.get("/<int:branch_id>")
@login_required
def detail(branch_id: int):
    branch, projects = branch_queries.with_projects(branch_id)
    branch = found_or_404(branch, allow_deleted=True)
    require(perm.can_read(current_user))
    members, history = branch_queries.members_and_history(branch.id)
    # the panels' variables (study, talk_panel), for branches/_panels.html, which the page includes
    panels = for_page("branch", branch)
    today = clock.today()
    user = current_user._get_current_object()  # the user, not the proxy asked again for each row
    editable = not branch.deleted_at and perm.can_edit_branch(user, branch)
    may_undelete = perm.can_undelete(user)
    live = [m for m in members if m.deleted_at is None]
    deletable = perm.deletable_members(user, branch, {m.id for m in live}) if editable else ()
    current, former = [], []
    for m in live:  # the record's rule, asked of a row with the same fields
        (current if Membership.current_on(m, today) else former).append(m)
    project_url = record_url("projects.detail", "project_id")
    return render_template(
        "branches/detail.html",
        branch=branch,
        links=_links(user, branch, editable, may_undelete),
        may_undelete=may_undelete,
        projects=[(project_url(p_id), code, name) for p_id, code, name in projects],
        editable=editable,
        current=_member_rows(current, editable, deletable, may_undelete),
        former=_member_rows(former, editable, deletable, may_undelete),
        removed=_member_rows([m for m in members if m.deleted_at is not None], False, (), may_undelete),
        history=history,
        **panels,
    )


class BranchLinks(NamedTuple):
    """The branch page's buttons: each one's link, None where the user may not follow it."""

    undelete: str | None
    approve: str | None
    ledger: str | None
    edit: str | None
    dissolve: str | None
    issue_accounts: str | None
    delete: str | None
    from_dispatches: str | None
    add_member: str | None


def _links(user, branch: Branch, editable: bool, may_undelete: bool) -> BranchLinks:
    """The buttons' links, each asked of the permissions once with the user at hand and made
    from the URL kept per application (web.record_url), not by a url_for and a look-up of the
    signed-in user from the template per button."""
    live = not branch.deleted_at

    def link(endpoint: str, allowed) -> str | None:
        return record_url(endpoint, "branch_id")(branch.id) if allowed else None

    return BranchLinks(
        undelete=link("branches.undelete", not live and may_undelete),
        approve=link("branches.approve", live and perm.can_approve_branch(user, branch)),
        ledger=link("ledger.index", perm.can_export_ledger(user, branch)),
        edit=link("branches.edit", editable),
        dissolve=link("branches.dissolve", live and perm.can_dissolve_branch(user, branch)),
        issue_accounts=link("members.issue_accounts", perm.can_issue_member_accounts(user, branch)),
        delete=link("branches.delete", live and perm.can_delete_branch(user, branch)),
        from_dispatches=link("dispatches.to_branch", editable),
        add_member=link("branches.add_member", editable),
    )


class MemberRow(NamedTuple):
    """What the branch page's member tables show of a membership: plain values, the links
    None where the user may not follow them."""

    person_url: str
    name: str
    role: str
    party_status: str
    source: str
    home_organisation: str | None
    joined_on: str
    left_on: str
    edit_url: str | None
    delete_url: str | None
    undelete_url: str | None


def _member_rows(members: list, editable: bool, deletable, may_undelete: bool) -> list[MemberRow]:
    """The member rows (of branch_queries.members_and_history) in one pass: labels, dates and links
    made here (the links from one URL per kind), not by a dozen calls from the template per
    row. `deletable`: the ids whose removal is offered."""
    person_url = record_url("people.detail", "person_id")
    edit_url, delete_url = record_url("branches.edit_member", "membership_id"), record_url("branches.delete_member", "membership_id")
    undelete_url = record_url("branches.undelete_member", "membership_id")
    day, role = date_labeller(), vocab.labeller(vocab.BRANCH_ROLES)
    party_status, source = vocab.labeller(vocab.PARTY_STATUSES), vocab.labeller(vocab.SOURCES)
    # unpacked in the order of members_and_history's first columns: a database row read by
    # name costs a lookup per column
    return [
        MemberRow(
            person_url(person_id), name, role(role_code), party_status(party), source(source_code),
            home_organisation, day(joined_on), day(left_on) if left_on else "—",
            edit_url(m_id) if editable else None,
            delete_url(m_id) if editable and m_id in deletable else None,
            undelete_url(m_id) if deleted_at and may_undelete else None,
        )
        for (m_id, person_id, role_code, joined_on, left_on, deleted_at, name, party, source_code,
             home_organisation, *_history) in members
    ]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(perm.can_create_branch(current_user))
    form = _branch_form()
    if request.method == "GET":
        form.approval_date.data = clock.today()
        if project_id := request.args.get("project_id", type=int):
            form.project_ids.data = [project_id]
    return form_page(
        form,
        "branches/form.html",
        save=lambda f: services.create_branch(f.model_data(), _chosen_projects(f), f.secretary_id.data),
        success_url=lambda b: url_for("branches.detail", branch_id=b.id),
    )


@bp.route("/<int:branch_id>/edit", methods=["GET", "POST"])
@login_required
def edit(branch_id: int):
    branch = get_or_404(Branch, branch_id)
    require(perm.can_edit_branch(current_user, branch))
    form = _branch_form(obj=branch if request.method == "GET" else None)
    if request.method == "GET":
        form.project_ids.data = [p.id for p in branch.projects]
        current = services.secretary(branch)
        form.secretary_id.data = current.person_id if current else None
    return form_page(
        form,
        "branches/form.html",
        save=lambda f: services.update_branch(
            branch, f.model_data(), _chosen_projects(f), f.secretary_id.data, f.opened_version()
        ),
        success_url=lambda b: url_for("branches.detail", branch_id=b.id),
        obj=branch,
    )


@bp.post("/<int:branch_id>/approve")
@login_required
def approve(branch_id: int):
    branch = get_or_404(Branch, branch_id)
    require(perm.can_approve_branch(current_user, branch))
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.approve(branch)
    db.session.commit()
    flash(_("The branch is approved and active."), "success")
    return redirect(url_for("branches.detail", branch_id=branch.id))


@bp.route("/<int:branch_id>/dissolve", methods=["GET", "POST"])
@login_required
def dissolve(branch_id: int):
    branch = get_or_404(Branch, branch_id)
    require(perm.can_dissolve_branch(current_user, branch))
    form = DissolveForm()
    if request.method == "GET":
        form.dissolved_on.data = clock.today()
    return form_page(
        form,
        "branches/dissolve.html",
        save=lambda f: services.dissolve(branch, f.dissolved_on.data, f.opened_version()),
        success_url=lambda b: url_for("branches.detail", branch_id=b.id),
        obj=branch,
    )


@bp.post("/<int:branch_id>/delete")
@login_required
def delete(branch_id: int):
    branch = get_or_404(Branch, branch_id)
    require(perm.can_delete_branch(current_user, branch))
    return delete_page(branch, url_for("branches.index"))


@bp.post("/<int:branch_id>/undelete")
@login_required
def undelete(branch_id: int):
    branch = get_or_404(Branch, branch_id, allow_deleted=True)
    require(perm.can_undelete(current_user))
    return undelete_page(branch, url_for("branches.detail", branch_id=branch.id))


# Members ------------------------------------------------------------------------------
def _membership_form(**kwargs) -> MembershipForm:
    form = MembershipForm(**kwargs)
    form.person_id.choices = people_queries.choice_list()
    return form


@bp.route("/<int:branch_id>/members/new", methods=["GET", "POST"])
@login_required
def add_member(branch_id: int):
    branch = get_or_404(Branch, branch_id)
    require(perm.can_edit_branch(current_user, branch))
    form = _membership_form()
    if request.method == "GET":
        form.joined_on.data = max(branch.approval_date, clock.today())
        form.person_id.data = request.args.get("person_id", type=int)
    return form_page(
        form,
        "branches/member_form.html",
        save=lambda f: services.add_member(branch, f.model_data()),
        success_url=lambda m: url_for("branches.detail", branch_id=branch.id),
        branch=branch,
    )


@bp.route("/members/<int:membership_id>/edit", methods=["GET", "POST"])
@login_required
def edit_member(membership_id: int):
    membership = get_or_404(Membership, membership_id)
    require(perm.can_edit_branch(current_user, membership.branch))
    form = _membership_form(obj=membership if request.method == "GET" else None)
    return form_page(
        form,
        "branches/member_form.html",
        save=lambda f: services.update_member(membership, f.model_data(), f.opened_version()),
        success_url=lambda m: url_for("branches.detail", branch_id=m.branch_id),
        obj=membership,
        branch=membership.branch,
    )


@bp.post("/members/<int:membership_id>/delete")
@login_required
def delete_member(membership_id: int):
    membership = get_or_404(Membership, membership_id)
    require(perm.can_delete_member(current_user, membership))
    return delete_page(membership, url_for("branches.detail", branch_id=membership.branch_id))


@bp.post("/members/<int:membership_id>/undelete")
@login_required
def undelete_member(membership_id: int):
    membership = get_or_404(Membership, membership_id, allow_deleted=True)
    require(perm.can_undelete(current_user))
    return undelete_page(membership, url_for("branches.detail", branch_id=membership.branch_id))
