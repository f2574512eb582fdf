from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker import clock, formkeep, records, vocab
from tracker import permissions as perm
from tracker.branches.models import Branch, Membership
from tracker.dates import parse_day
from tracker.errors import _render
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.history.services import entries_for
from tracker.record_pages import confirmed_delete_page, form_page, undelete_page
from tracker.review import services as review_services
from tracker.review import step_pages
from tracker.review.models import STATUSES
from tracker.study import dependents, queries, services  # noqa: F401  (dependents registers itself)
from tracker.study.forms import StudySessionForm, attendance_rows
from tracker.study.models import Attachment, Attendance, StudySession
from tracker.study.rules import caption, period_label
from tracker.study.storage import get_store
from tracker.study.uploads import limit_pixels, visible_text
from tracker.web import get_or_404, paginate, require

bp = Blueprint("study", __name__, url_prefix="/study")
formkeep.init_blueprint(bp)


@bp.errorhandler(413)
def too_large(e):
    if request.mimetype != "multipart/form-data":  # text only: the general page says it

        return _render(413)
    mb = request.max_content_length // (1024 * 1024) if request.max_content_length else 0
    text = _("The files sent together are larger than %(mb)s MB, so nothing was saved. Go back "
             "(your browser keeps what you typed), attach fewer or smaller files, and save again.", mb=mb)
    return render_template("error.html", code=413, title=_("Too large"), text=text), 413


def _load(session_id: int, *, allow_deleted: bool = False) -> StudySession:
    return get_or_404(StudySession, session_id, allow_deleted=allow_deleted)


def _branch_for_roster(branch_id: int | None) -> Branch | None:
    if not branch_id:
        return None
    return db.session.scalar(
        select(Branch).where(Branch.id == branch_id, Branch.deleted_at.is_(None))
        .options(selectinload(Branch.memberships).joinedload(Membership.person))
    )


def _rows(form, branch, formdata, saved=None):
    day = form.held_on.data or clock.today()
    members = services.members_on(branch, day) if branch is not None else []
    form.off = services.members_off(branch, day) if branch is not None else []
    return attendance_rows(members, formdata, saved)


def _form(kept, obj=None):
    if kept is not None:
        return StudySessionForm(formdata=kept)
    return StudySessionForm(obj=obj if request.method == "GET" else None)


def _finish(study_session: StudySession, form: StudySessionForm) -> StudySession:
    if form.submit_review.data:
        review_services.submit(study_session)
        flash(_("Submitted for review."), "success")
    return study_session


def _page(form, branch, obj=None):
    """The form: a refresh re-lists the members for the date; a save goes through form_page."""
    if form.is_submitted() and form.refresh.data:
        return render_template("study/form.html", form=form, obj=obj, branch=branch,
                               conflict=None), 200
    if branch is None:
        save_to = None
    elif obj is None:
        save_to = lambda f: _finish(services.create_session(branch, f.model_data(), f.rows, f.checked_files), f)  # noqa: E731
    else:
        save_to = lambda f: _finish(services.update_session(  # noqa: E731
            obj, f.model_data(), f.rows, f.opened_version(), f.checked_files), f)
    return form_page(form, "study/form.html", save=save_to or _no_branch,
                     success_url=lambda s: url_for("study.detail", session_id=s.id), obj=obj, branch=branch)


def _no_branch(form):
    raise records.Invalid("branch_id", _("Choose the branch that held the session."))


@bp.get("/")
@login_required
def index():
    require(perm.can_read(current_user))
    found = queries.found(request.args, current_user)
    # counted from the sessions' own indexes; only the page's rows are joined to their branch
    page = paginate(queries.listed(found), counted=found)
    # a branch chosen by a link is named only if the user may read it
    branch = None
    if (branch_id := request.args.get("branch_id", type=int)) is not None:
        readable = queries.branch_choices(current_user, for_logging=False).where(Branch.id == branch_id)
        branch = next((row.name for row in db.session.execute(readable)), None)
    return render_template("study/index.html", page=page, branch=branch)


@bp.route("/new", methods=["GET", "POST"])
@formkeep.keeps_form
def create():
    require(perm.can_log_any_session(current_user))
    kept = formkeep.refill() if request.method == "GET" else None
    form = _form(kept)
    form.branch_id.choices = [("", "—")] + [
        (row.id, row.name) for row in db.session.execute(queries.branch_choices(current_user, for_logging=True))
    ]
    if request.method == "GET" and kept is None:
        form.branch_id.data = request.args.get("branch_id", type=int)
        form.held_on.data = clock.today()
        if (kind := request.args.get("session_type")) in vocab.SESSION_TYPES:
            form.session_type.data = kind
    branch = _branch_for_roster(form.branch_id.data)
    if branch is not None and not perm.can_log_session(current_user, branch):
        if request.method == "GET":
            abort(403)
        branch = None  # the choice check refuses it with a message
    posted = request.form if request.method == "POST" else kept
    form.rows = _rows(form, branch, posted)
    return _page(form, branch)


@bp.get("/roster")
@login_required
def roster():
    """The attendance rows for a branch and date, for the form's script to swap in."""
    branch = _branch_for_roster(request.args.get("branch_id", type=int))
    if branch is None:
        return render_template("study/_attendance.html", rows=[], branch=None, off=[])
    require(perm.can_log_session(current_user, branch))
    day = parse_day(request.args.get("held_on")) or clock.today()
    saved = None
    if session_id := request.args.get("session_id", type=int):
        study_session = _load(session_id)
        require(perm.can_edit_session(current_user, study_session) and study_session.branch_id == branch.id)
        saved = {a.person_id: (a.status, a.reason) for a in study_session.attendance}
    rows = attendance_rows(services.members_on(branch, day), request.args, saved)
    return render_template("study/_attendance.html", rows=rows, branch=branch,
                           off=services.members_off(branch, day))


@bp.get("/<int:session_id>")
@login_required
def detail(session_id: int):
    study_session = get_or_404(StudySession, session_id, allow_deleted=True, options=(
        joinedload(StudySession.branch),
        selectinload(StudySession.attendance).joinedload(Attendance.person),
        selectinload(StudySession.attachments),
        joinedload(StudySession.author),
        joinedload(StudySession.reviewed_by),
    ))
    require(perm.can_read_session(current_user, study_session))
    if perm.is_member_only(current_user):
        # the full page lists everyone's attendance; a member reads their own only
        return redirect(url_for("members.session", session_id=study_session.id))
    history = db.session.scalars(entries_for(study_session)).all()
    return render_template("study/detail.html", study_session=study_session, history=history)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@formkeep.keeps_form
def edit(session_id: int):
    study_session = _load(session_id)
    require(perm.can_edit_session(current_user, study_session))
    kept = formkeep.refill() if request.method == "GET" else None
    form = _form(kept, study_session)
    del form.branch_id
    posted = request.form if request.method == "POST" else kept
    saved = {a.person_id: (a.status, a.reason) for a in study_session.attendance}
    form.rows = _rows(form, study_session.branch, posted, saved)
    # members who signed themselves in with the code: shown beside the leader's choice
    form.self_signed = {a.person_id: a.self_signed_at for a in study_session.attendance if a.self_signed_at}
    return _page(form, study_session.branch, obj=study_session)


@bp.post("/<int:session_id>/submit")
@login_required
def submit(session_id: int):
    study_session = _load(session_id)
    require(perm.can_edit_session(current_user, study_session))
    return step_pages.submit_page(study_session, url_for("study.detail", session_id=study_session.id))


@bp.route("/<int:session_id>/review", methods=["GET", "POST"])
@login_required
def review(session_id: int):
    study_session = _load(session_id)
    require(perm.can_review_record(current_user, study_session))
    return step_pages.decide_page(study_session, "study/review.html",
                                    url_for("study.detail", session_id=study_session.id), study_session=study_session)


@bp.route("/<int:session_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(session_id: int):
    study_session = _load(session_id)
    require(perm.can_reopen_record(current_user, study_session))
    return step_pages.reopen_page(study_session, "study/reopen.html",
                                    url_for("study.detail", session_id=study_session.id), study_session=study_session)


@bp.post("/<int:session_id>/delete")
@login_required
def delete(session_id: int):
    study_session = _load(session_id)
    require(perm.can_edit_session(current_user, study_session))
    return confirmed_delete_page(study_session, url_for("study.index"),
                                 url_for("study.detail", session_id=study_session.id), study_session.topic)


@bp.post("/<int:session_id>/withdraw")
@login_required
def withdraw(session_id: int):
    study_session = _load(session_id)
    require(perm.can_withdraw_record(current_user, study_session))
    return step_pages.withdraw_page(study_session, url_for("study.detail", session_id=study_session.id))


@bp.post("/<int:session_id>/undelete")
@login_required
def undelete(session_id: int):
    study_session = _load(session_id, allow_deleted=True)
    require(perm.can_undelete(current_user))
    return undelete_page(study_session, url_for("study.detail", session_id=study_session.id))


# Attachments --------------------------------------------------------------------------
def _attachment(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.deleted_at is not None or attachment.session.deleted_at is not None:
        abort(404)
    require(perm.can_read_session_files(current_user, attachment.session))
    return attachment


def _send(key: str, mimetype: str, name: str, inline: bool):
    try:
        stream = get_store().open(key)
    except KeyError:
        abort(404)
    # Names stored before they were cleaned may hold control or bidi characters.
    response = send_file(stream, mimetype=mimetype, as_attachment=not inline,
                         download_name=visible_text(name) or "file", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    a = _attachment(attachment_id)
    return _send(a.key, a.content_type, a.filename, inline=a.is_image)


@bp.get("/attachments/<int:attachment_id>/thumbnail")
@login_required
def thumbnail(attachment_id: int):
    a = _attachment(attachment_id)
    if not a.thumbnail_key:
        abort(404)
    return _send(a.thumbnail_key, "image/jpeg", "thumbnail-" + a.filename.rsplit(".", 1)[0] + ".jpg",
                 inline=True)


@bp.post("/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(attachment_id: int):
    a = _attachment(attachment_id)
    require(perm.can_edit_session(current_user, a.session))
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.remove_attachment(a)
    db.session.commit()
    flash(_("The file was removed from the session."), "info")
    return redirect(url_for("study.edit", session_id=a.session_id))


@bp.record_once
def _template_globals(state):
    state.app.jinja_env.globals["review_statuses"] = STATUSES
    state.app.jinja_env.globals["rule_caption"] = caption
    state.app.jinja_env.globals["period_label"] = period_label
    limit_pixels(state.app)
