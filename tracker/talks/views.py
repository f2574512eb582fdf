from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import clock, vocab
from tracker import permissions as perm
from tracker.branches import queries as branch_queries
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.history.services import entries_for
from tracker.people import queries as people_queries
from tracker.projects import queries as project_queries
from tracker.record_pages import confirmed_delete_page, form_page, undelete_page
from tracker.review import step_pages
from tracker.review.models import STATUSES
from tracker.talks import dependents, queries, services  # noqa: F401  (dependents registers)
from tracker.talks import rows as talk_rows
from tracker.talks.cli import add_integrity_list
from tracker.talks.counting import recount_command
from tracker.talks.forms import CHECKLIST_TYPES, TalkForm
from tracker.talks.models import IntegrityListVersion, Talk
from tracker.web import get_or_404, paginate, require

bp = Blueprint("talks", __name__, url_prefix="/talks")
bp.cli.add_command(add_integrity_list)
bp.cli.add_command(recount_command)


def _leader_scope() -> int | None:
    """A team leader (without an office role) picks among their own team's dispatches."""
    return None if perm.is_office(current_user) else (current_user.person_id or -1)


def _talk_form(version: IntegrityListVersion | None, keep_dispatch_id: int | None, **kwargs) -> TalkForm:
    form = TalkForm(**kwargs)
    people = [(row.id, row.name) for row in db.session.execute(people_queries.choices())]
    form.person_id.choices = [("", "—")] + people
    form.conducted_by_id.choices = [("", "—")] + people
    form.recorder_id.choices = [("", "—")] + people
    rows = db.session.execute(queries.dispatch_choices(clock.today(), _leader_scope(), keep_dispatch_id))
    form.dispatch_id.choices = [("", "—")] + [
        (r.id, f"{r.name} → {r.code} ({r.departure_date.isoformat()} – {r.return_date.isoformat()})")
        for r in rows
    ]
    checklist = queries.checklist(version)
    form.integrity_item_ids.choices = [item for _, items in checklist for item in items]
    form.checklist = checklist
    return form


def _dispatch_allowed(form: TalkForm) -> None:
    """A team leader may only record talks of their own team's dispatches."""
    dispatch = db.session.get(Dispatch, form.dispatch_id.data) if form.dispatch_id.data else None
    if not perm.can_record_talk(current_user, dispatch):
        abort(403)


@bp.get("/")
@login_required
def index():
    require(perm.can_read(current_user))
    deleted = request.args.get("deleted") == "1" and perm.can_undelete(current_user)
    rows, found = queries.listed_page(request.args, include_deleted=deleted,
                                      leader_person_id=current_user.person_id, user=current_user)
    # counted from the talks' own indexes; only the page's rows are joined to their names
    page = paginate(rows, counted=found, paged=True)
    page.items = talk_rows.listed_rows(page.items)
    return render_template("talks/index.html", page=page, deleted=deleted,
                           project=project_queries.label_of(request.args.get("project_id", type=int)),
                           branch=branch_queries.name_of(request.args.get("branch_id", type=int)))


@bp.get("/<int:talk_id>")
@login_required
def detail(talk_id: int):
    talk = get_or_404(Talk, talk_id, allow_deleted=True)
    require(perm.can_read_talk(current_user, talk))
    if perm.is_member_only(current_user):
        # the member's own page, without the office's buttons and history
        return redirect(url_for("members.talk", talk_id=talk.id))
    if not perm.can_read_talk_contents(current_user, talk):
        # That the talk exists (type, date, conductor, state) but none of what was said,
        # nor the history, whose entries hold the contents as they changed.
        return render_template("talks/detail.html", talk=talk, sealed=True, checklist=[], covered=set(), history=[])
    return render_template(
        "talks/detail.html", talk=talk, checklist=queries.checklist(talk.integrity_version),
        covered={i.id for i in talk.integrity_items}, sealed=False,
        history=db.session.scalars(entries_for(talk)).all(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    dispatch = None
    if dispatch_id := request.args.get("dispatch_id", type=int):
        dispatch = get_or_404(Dispatch, dispatch_id)
    require(perm.can_record_talk(current_user, dispatch))
    version = services.current_integrity_version()
    form = _talk_form(version, dispatch.id if dispatch else None)
    if request.method == "GET":
        kind = request.args.get("talk_type")
        form.talk_type.data = kind if kind in vocab.TALK_TYPES else ("pre_dispatch" if dispatch else "other")
        form.talk_date.data = clock.today()
        form.conducted_by_id.data = current_user.person_id
        form.recorder_id.data = current_user.person_id
        form.person_id.data = dispatch.person_id if dispatch else request.args.get("person_id", type=int)
        form.dispatch_id.data = dispatch.id if dispatch else None
    elif form.is_submitted():
        _dispatch_allowed(form)

    def save(f: TalkForm) -> Talk:
        return services.create_talk(f.model_data(), f.covered_items(), current_user)

    return form_page(form, "talks/form.html", save=save,
                     success_url=lambda t: url_for("talks.detail", talk_id=t.id),
                     version=version, checklist_types=CHECKLIST_TYPES, dispatch=dispatch)


@bp.route("/<int:talk_id>/edit", methods=["GET", "POST"])
@login_required
def edit(talk_id: int):
    talk = get_or_404(Talk, talk_id)
    require(perm.can_edit_talk(current_user, talk))
    form = _talk_form(talk.integrity_version, talk.dispatch_id,
                      obj=talk if request.method == "GET" else None)
    if request.method == "GET":
        form.integrity_item_ids.data = [i.id for i in talk.integrity_items]
    elif form.is_submitted():
        _dispatch_allowed(form)
    return form_page(
        form, "talks/form.html",
        save=lambda f: services.update_talk(talk, f.model_data(), f.covered_items(), f.opened_version()),
        success_url=lambda t: url_for("talks.detail", talk_id=t.id),
        obj=talk, version=talk.integrity_version, checklist_types=CHECKLIST_TYPES, dispatch=talk.dispatch,
    )


@bp.post("/<int:talk_id>/delete")
@login_required
def delete(talk_id: int):
    talk = get_or_404(Talk, talk_id)
    require(perm.can_edit_talk(current_user, talk))
    back = url_for("dispatches.detail", dispatch_id=talk.dispatch_id) if talk.dispatch_id else url_for("talks.index")
    return confirmed_delete_page(talk, back, url_for("talks.detail", talk_id=talk.id),
                                 f"{vocab.label(vocab.TALK_TYPES, talk.talk_type)} · {talk.person.name}")


@bp.post("/<int:talk_id>/withdraw")
@login_required
def withdraw(talk_id: int):
    talk = get_or_404(Talk, talk_id)
    require(perm.can_withdraw_record(current_user, talk))
    return step_pages.withdraw_page(talk, url_for("talks.detail", talk_id=talk.id))


@bp.post("/<int:talk_id>/undelete")
@login_required
def undelete(talk_id: int):
    talk = get_or_404(Talk, talk_id, allow_deleted=True)
    require(perm.can_undelete(current_user))
    return undelete_page(talk, url_for("talks.detail", talk_id=talk.id))


@bp.post("/<int:talk_id>/submit")
@login_required
def submit(talk_id: int):
    talk = get_or_404(Talk, talk_id)
    require(perm.can_submit_talk(current_user, talk))
    return step_pages.submit_page(talk, url_for("talks.detail", talk_id=talk.id))


@bp.route("/<int:talk_id>/review", methods=["GET", "POST"])
@login_required
def review(talk_id: int):
    talk = get_or_404(Talk, talk_id)
    require(perm.can_review_record(current_user, talk))
    return step_pages.decide_page(talk, "talks/review.html", url_for("talks.detail", talk_id=talk.id),
                                    checklist=queries.checklist(talk.integrity_version),
                                    covered={i.id for i in talk.integrity_items})


@bp.route("/<int:talk_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(talk_id: int):
    talk = get_or_404(Talk, talk_id)
    require(perm.can_reopen_record(current_user, talk))
    return step_pages.reopen_page(talk, "talks/reopen.html", url_for("talks.detail", talk_id=talk.id))


@bp.get("/integrity-lists")
@login_required
def integrity_lists():
    require(perm.can_read(current_user))
    versions = db.session.scalars(queries.integrity_versions()).all()
    current = services.current_integrity_version()
    return render_template("talks/integrity_lists.html", versions=versions, current=current,
                           groups={v.id: queries.checklist(v) for v in versions},
                           used=_talks_per_version())


def _talks_per_version() -> dict[int, int]:
    from sqlalchemy import func

    return dict(db.session.execute(
        select(Talk.integrity_version_id, func.count(Talk.id))
        .where(Talk.deleted_at.is_(None)).group_by(Talk.integrity_version_id)
    ).all())


@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.setdefault("review_statuses", STATUSES)
