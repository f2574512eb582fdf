"""Member accounts for a whole branch at once, each with a one-time activation code.

The code is shown once (on the printable sheet the secretary hands out) and stored only as
a sha256 hash; it expires after MEMBER_ACTIVATION_DAYS. The account's password is a random
secret nobody knows until the member sets their own with the code: no shared or default
password ever exists."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from tracker import clock
from tracker.auth.models import User
from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.history.services import record
from tracker.people.models import Person


@dataclass
class Issued:
    person: Person
    username: str
    code: str
    expires_at: dt.datetime


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _free_username(person: Person) -> str:
    base = f"m{person.id}"
    name, n = base, 1
    while db.session.scalar(select(User.id).where(User.username == name)) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def issue_for_branch(branch: Branch) -> list[Issued]:
    """A member account (new, or one not yet activated) and a fresh code for every current
    member of the branch. People with an activated account of any kind are left alone."""
    today, now = clock.today(), clock.now()
    expires = now + dt.timedelta(days=current_app.config["MEMBER_ACTIVATION_DAYS"])
    issued = []
    for membership in sorted(branch.memberships, key=lambda m: m.person.name):
        if membership.deleted_at is not None or not membership.current_on(today):
            continue
        person = membership.person
        user = db.session.scalar(select(User).where(User.person_id == person.id, User.deleted_at.is_(None)))
        if user is not None and (user.activation_hash is None or not user.has_role("member")):
            continue  # already signs in with a password of their own
        if user is None:
            user = User(username=_free_username(person), display_name=person.name, person_id=person.id)
            user.roles = ["member"]
            user.set_password(secrets.token_urlsafe(32))
            db.session.add(user)
            db.session.flush()
            record(user, "create", {"username": (None, user.username), "roles": (None, user.roles_text)})
        code = secrets.token_urlsafe(12)
        user.activation_hash, user.activation_expires_at = code_hash(code), expires
        issued.append(Issued(person, user.username, code, expires))
    db.session.flush()
    return issued


def user_for_code(code: str) -> User | None:
    """The account this code activates, if the code is known, unexpired and the account enabled."""
    if not code:
        return None
    user = db.session.scalar(select(User).where(User.activation_hash == code_hash(code)))
    if user is None or not user.is_active or user.activation_expires_at is None:
        return None
    return user if clock.now() < user.activation_expires_at else None


def activate(user: User, password: str) -> None:
    user.set_password(password)
    user.activation_hash = user.activation_expires_at = None
    user.session_epoch += 1
    record(user, "password", {}, user=user)  # signed out: the member themselves
