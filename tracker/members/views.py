"""A member's home page and their own session and talk pages (tracker.access SELF)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tracker import access
from tracker.extensions import db
from tracker.members import queries
from tracker.study.models import StudySession
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
    return render_template("members/talk.html", talk=record)
