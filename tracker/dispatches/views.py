from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import panels, records
from tracker import permissions as perm
from tracker.branches.models import Branch
from tracker.dispatches import services
from tracker.dispatches import to_branch as to_branch_page
from tracker.dispatches.forms import DispatchForm
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.history.services import entries_for
from tracker.people import queries as people_queries
from tracker.people.models import Person
from tracker.projects import queries as project_queries
from tracker.projects.models import Project
from tracker.record_pages import delete_page, form_page, undelete_page
from tracker.web import get_or_404, paginate, require

bp = Blueprint("dispatches", __name__, url_prefix="/dispatches")


def _dispatch_form(**kwargs) -> DispatchForm:
    form = DispatchForm(**kwargs)
    form.person_id.choices = people_queries.choice_list()
    form.project_id.choices = [("", "—")] + project_queries.choice_list(current_user)
    return form


def _save(form: DispatchForm, dispatch: Dispatch | None = None) -> Dispatch:
    data = form.model_data()
    project = db.session.get(Project, data["project_id"])
    if project is None or not perm.can_dispatch_to(current_user, project):
        raise records.Invalid("project_id", _("You can only dispatch people to projects you lead."))
    confirmed = bool(form.confirm_overlap.data)
    if dispatch is None:
        return services.create_dispatch(data, confirmed=confirmed)
    return services.update_dispatch(dispatch, data, form.opened_version(), confirmed=confirmed)


@bp.get("/")
@login_required
def index():
    require(perm.can_read(current_user))
    deleted = request.args.get("deleted") == "1" and perm.can_undelete(current_user)
    conditions = [Dispatch.deleted_at.is_not(None) if deleted else Dispatch.deleted_at.is_(None)]
    if project_id := request.args.get("project_id", type=int):
        conditions.append(Dispatch.project_id == project_id)
    if project := (request.args.get("project") or "").strip():
        conditions.append(Dispatch.project_id.in_(project_queries.named(project)))
    if person_id := request.args.get("person_id", type=int):
        conditions.append(Dispatch.person_id == person_id)
    # Counted without the joins that only name a row's person and project (every dispatch
    # has both): counting 20,000 dispatches through two joins cost more than the page.
    counted = select(Dispatch.id).where(*conditions)
    if q := (request.args.get("q") or "").strip():
        conditions.append(people_queries.name_matches(q))
        counted = counted.join(Person, Person.id == Dispatch.person_id).where(conditions[-1])
    # plain rows with the names a row shows, not records
    stmt = (
        select(Dispatch.id, Dispatch.person_id, Person.name.label("person_name"), Dispatch.project_id,
               Project.code.label("project_code"), Project.name.label("project_name"),
               Dispatch.departure_date, Dispatch.return_date)
        .join(Person, Person.id == Dispatch.person_id)
        .join(Project, Project.id == Dispatch.project_id)
        .where(*conditions)
    )
    page = paginate(stmt.order_by(Dispatch.departure_date.desc(), Dispatch.id.desc()), counted)
    return render_template("dispatches/index.html", page=page, deleted=deleted,
                           project=project_queries.label_of(project_id or None))


@bp.get("/<int:dispatch_id>")
@login_required
def detail(dispatch_id: int):
    dispatch = get_or_404(Dispatch, dispatch_id, allow_deleted=True)
    require(perm.can_read(current_user))
    history = db.session.scalars(entries_for(dispatch)).all()
    return render_template("dispatches/detail.html", dispatch=dispatch, history=history,
                           **panels.for_page("dispatch", dispatch))  # talk_panel


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(perm.can_create_dispatch(current_user))
    form = _dispatch_form()
    if request.method == "GET":
        form.project_id.data = request.args.get("project_id", type=int)
        form.person_id.data = request.args.get("person_id", type=int)
    return form_page(
        form,
        "dispatches/form.html",
        save=_save,
        success_url=lambda d: url_for("projects.detail", project_id=d.project_id),
    )


@bp.route("/<int:dispatch_id>/edit", methods=["GET", "POST"])
@login_required
def edit(dispatch_id: int):
    dispatch = get_or_404(Dispatch, dispatch_id)
    require(perm.can_edit_dispatch(current_user, dispatch))
    form = _dispatch_form(obj=dispatch if request.method == "GET" else None)
    return form_page(
        form,
        "dispatches/form.html",
        save=lambda f: _save(f, dispatch),
        success_url=lambda d: url_for("dispatches.detail", dispatch_id=d.id),
        obj=dispatch,
    )


@bp.post("/<int:dispatch_id>/delete")
@login_required
def delete(dispatch_id: int):
    dispatch = get_or_404(Dispatch, dispatch_id)
    require(perm.can_delete_dispatch(current_user, dispatch))
    return delete_page(dispatch, url_for("projects.detail", project_id=dispatch.project_id))


@bp.post("/<int:dispatch_id>/undelete")
@login_required
def undelete(dispatch_id: int):
    dispatch = get_or_404(Dispatch, dispatch_id, allow_deleted=True)
    require(perm.can_undelete(current_user))
    return undelete_page(dispatch, url_for("dispatches.detail", dispatch_id=dispatch.id))


@bp.route("/to-branch/<int:branch_id>", methods=["GET", "POST"])
@login_required
def to_branch(branch_id: int):
    """Add the party members dispatched to a branch's projects as its members, in bulk."""
    branch = get_or_404(Branch, branch_id)
    require(perm.can_edit_branch(current_user, branch))
    return to_branch_page.page(branch)
