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
from werkzeug.datastructures import MultiDict

from tracker import clock, formkeep, records, vocab
from tracker import permissions as perm
from tracker.auth.forms import EmptyForm
from tracker.branches.models import Branch, Membership
from tracker.dates import parse_day
from tracker.extensions import db
from tracker.flows import confirmed_delete_page, form_page, restore_page
from tracker.history.services import entries_for
from tracker.review import flows as review_flows
from tracker.review import services as review_services
from tracker.study import dependents, queries, services  # noqa: F401  (dependents registers itself)
from tracker.study.forms import StudySessionForm, attendance_rows
from tracker.study.models import Attachment, Attendance, StudySession
from tracker.study.storage import get_store
from tracker.study.uploads import visible_text
from tracker.web import get_or_404, paginate, require

bp = Blueprint("study", __name__, url_prefix="/study")
formkeep.init_blueprint(bp)


@bp.errorhandler(413)
def too_large(e):
    if request.mimetype != "multipart/form-data":  # text only: the general page says it
        from tracker.errors import _render

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


def _finish(session: StudySession, form: StudySessionForm) -> StudySession:
    if form.submit_review.data:
        review_services.submit(session)
        flash(_("Submitted for review."), "success")
    return session


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
    page = paginate(queries.sessions(request.args, current_user))
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
    kept = formkeep.restore() if request.method == "GET" else None
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
        session = _load(session_id)
        require(perm.can_edit_session(current_user, session) and session.branch_id == branch.id)
        saved = {a.person_id: (a.status, a.reason) for a in session.attendance}
    rows = attendance_rows(services.members_on(branch, day), request.args, saved)
    return render_template("study/_attendance.html", rows=rows, branch=branch,
                           off=services.members_off(branch, day))


@bp.get("/<int:session_id>")
@login_required
def detail(session_id: int):
    session = db.session.scalar(
        select(StudySession).where(StudySession.id == session_id).options(
            joinedload(StudySession.branch),
            selectinload(StudySession.attendance).joinedload(Attendance.person),
            selectinload(StudySession.attachments),
            joinedload(StudySession.author),
            joinedload(StudySession.reviewed_by),
        )
    )
    if session is None or (session.deleted_at and not perm.can_restore(current_user)):
        abort(404)
    require(perm.can_read_session(current_user, session))
    if perm.is_member_only(current_user):
        # the full page lists everyone's attendance; a member reads their own only
        return redirect(url_for("members.session", session_id=session.id))
    history = db.session.scalars(entries_for(session)).all()
    return render_template("study/detail.html", session=session, history=history)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@formkeep.keeps_form
def edit(session_id: int):
    session = _load(session_id)
    require(perm.can_edit_session(current_user, session))
    kept = formkeep.restore() if request.method == "GET" else None
    form = _form(kept, session)
    del form.branch_id
    posted = request.form if request.method == "POST" else kept
    saved = {a.person_id: (a.status, a.reason) for a in session.attendance}
    form.rows = _rows(form, session.branch, posted, saved)
    # members who signed themselves in with the code: shown beside the leader's choice
    form.self_signed = {a.person_id: a.self_signed_at for a in session.attendance if a.self_signed_at}
    return _page(form, session.branch, obj=session)


@bp.post("/<int:session_id>/submit")
@login_required
def submit(session_id: int):
    session = _load(session_id)
    require(perm.can_edit_session(current_user, session))
    return review_flows.submit_page(session, url_for("study.detail", session_id=session.id))


@bp.route("/<int:session_id>/review", methods=["GET", "POST"])
@login_required
def review(session_id: int):
    session = _load(session_id)
    require(perm.can_review_record(current_user, session))
    return review_flows.decide_page(session, "study/review.html",
                                    url_for("study.detail", session_id=session.id), session=session)


@bp.route("/<int:session_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(session_id: int):
    session = _load(session_id)
    require(perm.can_reopen_record(current_user, session))
    return review_flows.reopen_page(session, "study/reopen.html",
                                    url_for("study.detail", session_id=session.id), session=session)


@bp.post("/<int:session_id>/delete")
@login_required
def delete(session_id: int):
    session = _load(session_id)
    require(perm.can_edit_session(current_user, session))
    return confirmed_delete_page(session, url_for("study.index"),
                                 url_for("study.detail", session_id=session.id), session.topic)


@bp.post("/<int:session_id>/withdraw")
@login_required
def withdraw(session_id: int):
    session = _load(session_id)
    require(perm.can_withdraw_record(current_user, session))
    return review_flows.withdraw_page(session, url_for("study.detail", session_id=session.id))


@bp.post("/<int:session_id>/restore")
@login_required
def restore(session_id: int):
    session = _load(session_id, allow_deleted=True)
    require(perm.can_restore(current_user))
    return restore_page(session, url_for("study.detail", session_id=session.id))


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


# Panels on other features' pages ---------------------------------------------------------
def branch_panel(branch: Branch) -> dict:
    """What the branch page shows of its sessions, to those who may read them
    (perm.can_read_branch_sessions): the rules month by month, recent sessions."""
    from tracker.study import rules

    compliance = rules.for_branches([branch.id]).get(branch.id)
    # the list page's query: attendance counted in SQL, not loaded row by row
    recent = db.session.execute(queries.sessions(MultiDict({"branch_id": branch.id}), current_user)
                                .limit(10)).all()
    to_log = compliance.to_log(clock.today()) if compliance else None
    return {"compliance": compliance, "recent": recent, "to_log": to_log}


def person_panel(person) -> dict:
    rows = db.session.scalars(queries.attended_by(person.id, current_user)).all()
    present, expected = queries.attendance_rate(rows)
    return {"rows": rows, "present": present, "expected": expected}



@bp.record_once
def _template_globals(state):
    from tracker.review.models import STATUSES
    from tracker.study.rules import caption, period_label
    from tracker.study.uploads import limit_pixels

    state.app.jinja_env.globals["review_statuses"] = STATUSES
    state.app.jinja_env.globals["rule_caption"] = caption
    state.app.jinja_env.globals["period_label"] = period_label
    limit_pixels(state.app)
