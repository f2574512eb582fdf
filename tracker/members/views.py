"""A member's home page and their own session and talk pages (tracker.access SELF)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker import access
from tracker import permissions as perm
from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.members import accounts, queries
from tracker.members.forms import ActivationForm, TalkAnswerForm
from tracker.study.models import StudySession
from tracker.talks import confirmation
from tracker.talks.models import Talk
from tracker.web import get_or_404, require

bp = Blueprint("members", __name__, url_prefix="/me")


def home_page():
    """The member's home page, rendered at / (tracker.home) for a member's account."""
    return render_template(
        "members/home.html",
        sessions=db.session.execute(queries.my_sessions(current_user)).all(),
        talks=db.session.scalars(queries.my_talks(current_user)).all(),
        due=queries.my_due(current_user),
    )


@bp.get("/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    record = get_or_404(StudySession, session_id)
    require(access.is_member_only(current_user) and access.can_read_session(current_user, record))
    attendance = db.session.scalar(queries.my_attendance(current_user, record.id))
    return render_template("members/session.html", record=record, attendance=attendance)


@bp.get("/talks/<int:talk_id>")
@login_required
def talk(talk_id: int):
    record = get_or_404(Talk, talk_id)
    require(access.is_member_only(current_user) and access.can_read_talk_contents(current_user, record))
    return render_template("members/talk.html", talk=record, form=TalkAnswerForm())


@bp.post("/talks/<int:talk_id>/answer")
@login_required
def answer_talk(talk_id: int):
    """The person talked with confirms the record, or disagrees (with a comment)."""
    record = get_or_404(Talk, talk_id)
    require(access.is_member_only(current_user) and access.can_read_talk_contents(current_user, record))
    form = TalkAnswerForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return render_template("members/talk.html", talk=record, form=form), 400
    if form.answer is None:
        flash(_("Tap Confirm or I disagree."), "warning")
        return redirect(url_for("members.talk", talk_id=record.id))
    if not perm.can_answer_talk(current_user, record):
        flash(_("This talk record cannot be answered now: it is answered already or not yet submitted."), "warning")
        return redirect(url_for("members.talk", talk_id=record.id))
    at = confirmation.answer(record, current_user, form.answer, (form.comment.data or "").strip())
    db.session.commit()
    if at is None:
        flash(_("You have answered this talk record already."), "info")
    elif form.answer == "confirmed":
        flash(_("You confirmed the record of this talk."), "success")
    else:
        flash(_("Your disagreement was sent to the secretary."), "success")
    return redirect(url_for("members.talk", talk_id=record.id))


@bp.post("/branches/<int:branch_id>/accounts")
@login_required
def issue_accounts(branch_id: int):
    """Accounts and one-time codes for the branch's current members, on a sheet to print:
    the codes are shown on this response only (stored hashed)."""
    branch = get_or_404(Branch, branch_id)
    require(perm.can_issue_member_accounts(current_user, branch))
    if not EmptyForm().validate_on_submit():
        abort(400)
    issued = accounts.issue_for_branch(branch)
    db.session.commit()
    return render_template("members/sheet.html", branch=branch, issued=issued)


@bp.route("/activate/<code>", methods=["GET", "POST"])
def activate(code: str):
    """The member sets their own password with the code on their sheet (no sign-in)."""
    user = accounts.user_for_code(code)
    if user is None:
        return render_template("members/activate.html", form=None, user=None), 404
    form = ActivationForm()
    form.password_owner = user  # the password must not hold the account's own name
    if form.validate_on_submit():
        accounts.activate(user, form.new.data)
        db.session.commit()
        flash(_("Your password is set. Sign in with your username and new password."), "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("members/activate.html", form=form, user=user)
