from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import panels, vocab
from tracker import permissions as perm
from tracker.extensions import db
from tracker.history.services import entries_for
from tracker.people import queries as people_queries
from tracker.projects import queries, services
from tracker.projects.forms import CheckpointsForm, ProjectForm
from tracker.projects.models import Project
from tracker.record_pages import delete_page, form_page, undelete_page
from tracker.web import get_or_404, paginate, require

bp = Blueprint("projects", __name__, url_prefix="/projects")


def _project_form(**kwargs) -> ProjectForm:
    form = ProjectForm(**kwargs)
    form.team_leader_id.choices = people_queries.choice_list()
    return form


@bp.get("/")
@login_required
def index():
    require(perm.can_read(current_user))
    deleted = request.args.get("deleted") == "1" and perm.can_undelete(current_user)
    found = queries.projects(request.args, include_deleted=deleted, leader_person_id=current_user.person_id)
    # counted from the projects' own indexes; only the page's rows are joined to their leader
    page = paginate(queries.listed(found), counted=found)
    return render_template("projects/index.html", page=page, deleted=deleted,
                           **panels.for_page("project list", page.items))  # needed


@bp.get("/<int:project_id>")
@login_required
def detail(project_id: int):
    project = get_or_404(Project, project_id, allow_deleted=True)
    require(perm.can_read(current_user))
    checkpoints = services.checkpoints_by_kind(project)
    return render_template(
        "projects/detail.html",
        project=project,
        checkpoints=checkpoints,
        history=db.session.scalars(entries_for(project)).all(),
        **panels.for_page("project", project),  # dispatches, branch_needed, branches, talk_panel
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(perm.can_create_project(current_user))
    form = _project_form()
    return form_page(
        form,
        "projects/form.html",
        save=lambda f: services.create_project(f.model_data()),
        success_url=lambda p: url_for("projects.detail", project_id=p.id),
    )


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = get_or_404(Project, project_id)
    require(perm.can_edit_project(current_user, project))
    form = _project_form(obj=project if request.method == "GET" else None)
    return form_page(
        form,
        "projects/form.html",
        save=lambda f: services.update_project(project, f.model_data(), f.opened_version()),
        success_url=lambda p: url_for("projects.detail", project_id=p.id),
        obj=project,
    )


@bp.route("/<int:project_id>/checkpoints", methods=["GET", "POST"])
@login_required
def checkpoints(project_id: int):
    project = get_or_404(Project, project_id)
    require(perm.can_edit_project(current_user, project))
    form = CheckpointsForm()
    if request.method == "GET":
        for kind, checkpoint in services.checkpoints_by_kind(project).items():
            form[f"{kind}_on"].data = checkpoint.done_on
            form[f"{kind}_note"].data = checkpoint.note
    return form_page(
        form,
        "projects/checkpoints.html",
        save=lambda f: services.update_checkpoints(
            project,
            {k: (f[f"{k}_on"].data, (f[f"{k}_note"].data or "").strip()) for k in vocab.CHECKPOINT_KINDS},
            f.opened_version(),
        ),
        success_url=lambda p: url_for("projects.detail", project_id=p.id),
        obj=project,
    )


@bp.post("/<int:project_id>/delete")
@login_required
def delete(project_id: int):
    project = get_or_404(Project, project_id)
    require(perm.can_delete_project(current_user, project))
    return delete_page(project, url_for("projects.index"))


@bp.post("/<int:project_id>/undelete")
@login_required
def undelete(project_id: int):
    project = get_or_404(Project, project_id, allow_deleted=True)
    require(perm.can_undelete(current_user))
    return undelete_page(project, url_for("projects.detail", project_id=project.id))
