from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import panels
from tracker import permissions as perm
from tracker.extensions import db
from tracker.history.services import entries_for
from tracker.people import name_index, queries, services
from tracker.people.counting import recount_command
from tracker.people.forms import PersonForm
from tracker.people.models import Person
from tracker.record_pages import delete_page, form_page, undelete_page
from tracker.web import get_or_404, paginate, require

bp = Blueprint("people", __name__, url_prefix="/people")
bp.cli.add_command(recount_command)
bp.cli.add_command(name_index.index_names_command)


@bp.get("/")
@login_required
def index():
    require(perm.can_read(current_user))
    deleted = request.args.get("deleted") == "1" and perm.can_undelete(current_user)
    page = paginate(queries.people(request.args, include_deleted=deleted))
    return render_template("people/index.html", page=page, deleted=deleted)


@bp.get("/<int:person_id>")
@login_required
def detail(person_id: int):
    person = get_or_404(Person, person_id, allow_deleted=True)
    require(perm.can_read(current_user))
    history = db.session.scalars(entries_for(person)).all()
    return render_template(
        "people/detail.html",
        person=person,
        history=history,
        **panels.for_page("person", person),  # dispatches, memberships, study, talk_panel
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(perm.can_create_person(current_user))
    form = PersonForm()
    return form_page(
        form,
        "people/form.html",
        save=lambda f: services.create_person(f.model_data()),
        success_url=lambda p: url_for("people.detail", person_id=p.id),
    )


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
def edit(person_id: int):
    person = get_or_404(Person, person_id)
    require(perm.can_edit_person(current_user, person))
    form = PersonForm(obj=person if request.method == "GET" else None)
    return form_page(
        form,
        "people/form.html",
        save=lambda f: services.update_person(person, f.model_data(), f.opened_version()),
        success_url=lambda p: url_for("people.detail", person_id=p.id),
        obj=person,
    )


@bp.post("/<int:person_id>/delete")
@login_required
def delete(person_id: int):
    person = get_or_404(Person, person_id)
    require(perm.can_edit_person(current_user, person))
    return delete_page(person, url_for("people.index"))


@bp.post("/<int:person_id>/undelete")
@login_required
def undelete(person_id: int):
    person = get_or_404(Person, person_id, allow_deleted=True)
    require(perm.can_undelete(current_user))
    return undelete_page(person, url_for("people.detail", person_id=person.id))
