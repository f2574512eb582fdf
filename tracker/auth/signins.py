"""Sign-ins kept on the server.

Each sign-in is a row of `sign_in`; the session cookie holds a random token whose hash names
that row. A row rather than a per-user counter bumped at sign-out: signing out on a shared
office PC must end that browser's sign-in, not the user's sign-in on the laptop at the audit
site, and a row also carries the times the idle and absolute limits are measured from.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from flask import current_app, g, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from tracker import clock
from tracker.auth.models import SignIn, User, hash_method
from tracker.extensions import db

SESSION_KEY = "sign_in"
#: the idle clock is written back at most this often (not on every request)
TOUCH_EVERY = dt.timedelta(minutes=1)
#: what survives the fresh session made at sign-in and sign-out
KEPT_KEYS = ("lang",)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    config = current_app.config
    return (dt.timedelta(minutes=config["SIGN_IN_IDLE_MINUTES"]),
            dt.timedelta(hours=config["SIGN_IN_MAX_HOURS"]))


def _dummy_hash() -> str:
    """A hash made like every stored one, checked for unknown or disabled users so that
    answering them costs the same KDF run as a wrong password of a real user."""
    return _dummy_hash_by(hash_method())


@functools.cache
def _dummy_hash_by(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def verify(username: str, password: str) -> User | None:
    """The active user with this name and password, or None; the work is the same either
    way (one KDF run), so timing does not tell whether the name exists."""
    user = db.session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None else _dummy_hash()
    matches = check_password_hash(stored, password)
    if user is None or not user.is_active or not matches:
        return None
    return user


def _fresh_session() -> None:
    """A new session: the CSRF secret and anything set before are dropped."""
    kept = {key: session[key] for key in KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)


def start(user: User) -> None:
    now = clock.now()
    idle, lifetime = _limits()
    # This user's ended and timed-out sign-ins are of no further use.
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id, or_(
        SignIn.ended_at.is_not(None), SignIn.last_seen_at < now - idle,
        SignIn.created_at < now - lifetime,
    )))
    token = secrets.token_urlsafe(32)
    db.session.add(SignIn(user_id=user.id, token_hash=_hash(token), created_at=now, last_seen_at=now))
    db.session.flush()
    _fresh_session()
    session[SESSION_KEY] = token
    login_user(user)


def end() -> None:
    if token := session.get(SESSION_KEY):
        db.session.execute(update(SignIn).where(SignIn.token_hash == _hash(token),
                                                SignIn.ended_at.is_(None))
                           .values(ended_at=clock.now()))
        db.session.commit()
    logout_user()
    _fresh_session()


@functools.cache
def _signed_in_statement():
    """The user and their sign-in, by user id and token hash: built once, as every request
    asks it (building the statement cost more than running it)."""
    return (select(User, SignIn.ended_at, SignIn.last_seen_at, SignIn.created_at, SignIn.id)
            .join(SignIn, SignIn.user_id == User.id)
            .where(User.id == bindparam("user_id"), SignIn.token_hash == bindparam("token_hash")))


def load(user_id: int, epoch: int) -> User | None:
    """The signed-in user of this request, or None when the sign-in ended, timed out, or
    the user's password changed or account was disabled since (the epoch)."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    sign_in = db.session.execute(_signed_in_statement(),
                                 {"user_id": user_id, "token_hash": _hash(token)}).first()
    if sign_in is None:
        return None
    user = sign_in.User
    if sign_in.ended_at is not None or user.session_epoch != epoch or not user.is_active:
        return None
    now, (idle, lifetime) = clock.now(), _limits()
    if now - sign_in.last_seen_at > idle or now - sign_in.created_at > lifetime:
        # Timed out, not ended: what this user was posting may be kept (tracker.formkeep).
        g.timed_out_user_id = user.id
        return None
    if now - sign_in.last_seen_at >= TOUCH_EVERY:
        # End the read transaction first, so on SQLite the write starts a transaction of
        # its own and waits for the lock instead of failing on a stale snapshot.
        db.session.commit()
        db.session.execute(update(SignIn).where(SignIn.id == sign_in.id).values(last_seen_at=now),
                           execution_options={"synchronize_session": False})
        db.session.commit()
    return user
