"""The home page: the to-do box (tracker/todo) above the review dashboard (tracker/dashboard)
— everything for secretaries, admins and viewers, their own projects and branches for a
team leader; a party member's own page (tracker/members) for a member."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker import permissions as perm
from tracker.dashboard import views as dashboard
from tracker.members import views as members
from tracker.todo import registry as todo
from tracker.web import require

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    if perm.is_member_only(current_user):
        return members.home_page()
    require(perm.can_read(current_user))
    # Markup: the box is a template that Jinja rendered with autoescaping on.
    return dashboard.page(todo=lambda: Markup(  # noqa: S704  # nosec B704
        render_template("todo/_box.html", entries=todo.box(current_user))))
