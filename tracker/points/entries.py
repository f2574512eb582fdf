"""Manual points items: record with evidence, edit, submit, review, reopen, delete, undelete."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import clock
from tracker import permissions as perm
from tracker.extensions import db
from tracker.history.services import entries_for
from tracker.people.models import Person
from tracker.points import scheme as schemes
from tracker.points.forms import PointsEntryForm
from tracker.points.models import PointsEntry
from tracker.points.services import create_entry, update_entry
from tracker.points.views import bp, locale
from tracker.record_pages import delete_page, form_page, undelete_page
from tracker.review import step_pages
from tracker.study.storage import get_store
from tracker.web import get_or_404, require


def _form(**kwargs) -> PointsEntryForm:
    form = PointsEntryForm(**kwargs)
    people = select(Person.id, Person.name).where(Person.deleted_at.is_(None)).order_by(Person.name, Person.id)
    if (visible := perm.points_people(current_user)) is not None:
        people = people.where(visible)
    form.person_id.choices = [("", "—")] + [(r.id, r.name) for r in db.session.execute(people)]
    day = form.occurred_on.data or clock.today()
    governing = schemes.governing(day.year) or schemes.governing(clock.today().year)
    items = [i for i in governing.items if i.source == "manual"] if governing else []
    form.item_code.choices = [(i.code, f"{i.name(locale())} ({i.points:+d})") for i in items]
    return form


def _person_allowed(form: PointsEntryForm) -> None:
    person = db.session.get(Person, form.person_id.data) if form.person_id.data else None
    if person is not None and not perm.can_enter_points(current_user, person):
        abort(403)


def _detail_url(entry: PointsEntry) -> str:
    return url_for("points.detail", points_entry_id=entry.id)


@bp.route("/entries/new", methods=["GET", "POST"])
@login_required
def create():
    person = None
    if person_id := request.args.get("person_id", type=int):
        person = get_or_404(Person, person_id)
    require(perm.can_enter_points(current_user, person))
    form = _form()
    if request.method == "GET":
        form.person_id.data = person.id if person else None
        form.occurred_on.data = clock.today()
    else:
        _person_allowed(form)
    return form_page(form, "points/entry_form.html",
                     save=lambda f: create_entry(f.model_data(), f.evidence.data, current_user),
                     success_url=_detail_url, person=person)


@bp.get("/entries/<int:points_entry_id>")
@login_required
def detail(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id, allow_deleted=True)
    require(perm.can_read_points_card(current_user, entry.person))
    governing = schemes.governing(entry.occurred_on.year)
    item = next((i for i in governing.items if i.code == entry.item_code), None) if governing else None
    return render_template("points/entry.html", entry=entry, item=item, locale=locale(),
                           history=db.session.scalars(entries_for(entry)).all())


@bp.route("/entries/<int:points_entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id)
    require(perm.can_edit_points_entry(current_user, entry))
    form = _form(obj=entry if request.method == "GET" else None)
    if request.method == "POST":
        _person_allowed(form)
    return form_page(form, "points/entry_form.html",
                     save=lambda f: update_entry(entry, f.model_data(), f.evidence.data, f.opened_version()),
                     success_url=_detail_url, obj=entry, person=entry.person)


@bp.get("/entries/<int:points_entry_id>/evidence")
@login_required
def evidence(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id)
    require(perm.can_read_points_card(current_user, entry.person))
    if not entry.evidence_key:
        abort(404)
    from flask import send_file

    try:
        stream = get_store().open(entry.evidence_key)
    except KeyError:
        abort(404)
    response = send_file(stream, mimetype=entry.evidence_type, as_attachment=True,
                         download_name=entry.evidence_name, max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/entries/<int:points_entry_id>/delete")
@login_required
def delete(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id)
    require(perm.can_edit_points_entry(current_user, entry))
    return delete_page(entry, url_for("points.card", person_id=entry.person_id, year=entry.occurred_on.year))


@bp.post("/entries/<int:points_entry_id>/undelete")
@login_required
def undelete(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id, allow_deleted=True)
    require(perm.can_undelete(current_user))
    return undelete_page(entry, _detail_url(entry))


@bp.post("/entries/<int:points_entry_id>/submit")
@login_required
def submit(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id)
    require(perm.can_edit_points_entry(current_user, entry))
    return step_pages.submit_page(entry, _detail_url(entry))


@bp.route("/entries/<int:points_entry_id>/review", methods=["GET", "POST"])
@login_required
def review(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id)
    require(perm.can_review_record(current_user, entry))
    return step_pages.decide_page(entry, "points/entry_review.html", _detail_url(entry), locale=locale())


@bp.route("/entries/<int:points_entry_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(points_entry_id: int):
    entry = get_or_404(PointsEntry, points_entry_id)
    require(perm.can_reopen_record(current_user, entry))
    return step_pages.reopen_page(entry, "points/entry_review.html", _detail_url(entry),
                                    locale=locale(), reopening=True)
