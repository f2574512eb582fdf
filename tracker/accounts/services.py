from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import records, vocab
from tracker.auth.models import User
from tracker.extensions import db
from tracker.history.services import record


def _check_username(username: str, user_id: int | None) -> None:
    other = db.session.scalar(select(User.id).where(User.username == username))
    if other is not None and other != user_id:
        raise records.Invalid("username", _("This username is taken."))


def create_user(data: dict, roles: list[str], password: str) -> User:
    unknown = set(roles) - set(vocab.ROLES)
    if unknown:
        raise records.Invalid("roles", _("Unknown role: %(role)s", role=", ".join(sorted(unknown))))
    if not password:
        raise records.Invalid("password", _("A new account needs a password."))
    _check_username(data["username"], None)
    user = User(**data)
    user.roles = roles
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(user, "create", {"username": (None, user.username), "roles": (None, user.roles_text)})
    return user


def update_user(user: User, data: dict, roles: list[str], password: str | None, version) -> User:
    records.check_version(user, version)
    _check_username(data["username"], user.id)
    extra = {}
    new_roles = " ".join(sorted(set(roles)))
    if new_roles != user.roles_text:
        extra["roles"] = (user.roles_text, new_roles)
        user.roles = roles
    ends_sessions = bool(password) or (user.enabled and not data.get("enabled", True))
    if password:
        user.set_password(password)
        extra["password"] = ("…", "…")
    if ends_sessions:
        user.session_epoch += 1
    records.update(user, data, version, extra=extra)
    return user
