from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import permissions as perm
from tracker.accounts import services
from tracker.accounts.forms import AccountForm
from tracker.auth.models import User
from tracker.extensions import db
from tracker.history.services import entries_for
from tracker.people import queries as people_queries
from tracker.record_pages import form_page
from tracker.web import get_or_404, like, paginate, require

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _form(**kwargs) -> AccountForm:
    form = AccountForm(**kwargs)
    form.person_id.choices = people_queries.choice_list()
    return form


@bp.get("/")
@login_required
def index():
    require(perm.can_manage_accounts(current_user))
    stmt = select(User).options(joinedload(User.person)).order_by(User.username)
    if q := (request.args.get("q") or "").strip():
        stmt = stmt.where(User.username.like(like(q), escape="\\"))
    return render_template("accounts/index.html", page=paginate(stmt))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(perm.can_manage_accounts(current_user))
    form = _form()
    return form_page(
        form,
        "accounts/form.html",
        save=lambda f: services.create_user(f.model_data(), f.roles.data, f.password.data),
        success_url=lambda u: url_for("accounts.edit", user_id=u.id),
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    user = get_or_404(User, user_id)
    require(perm.can_manage_accounts(current_user))
    form = _form(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
    return form_page(
        form,
        "accounts/form.html",
        save=lambda f: services.update_user(
            user, f.model_data(), f.roles.data, f.password.data, f.opened_version()
        ),
        success_url=lambda u: url_for("accounts.edit", user_id=u.id),
        obj=user,
        history=db.session.scalars(entries_for(user)).all(),
    )
