"""Sign-in throttling. Failed sign-ins are counted per user name and per address; past the
first limit a caller must wait out the minute (slowed), past the second the hour (refused
for a while). A correct password does not get through a limit that is already exceeded.

Storage comes from RATELIMIT_STORAGE_URI: Redis shares the count between workers and
servers; memory:// keeps it per process. When Redis cannot be reached the counts move to
memory in each process (Flask-Limiter's in-memory fallback) and the app keeps working.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address

from tracker.extensions import limiter

#: keep a dead Redis from stalling a request: give up on it quickly, then use memory
REDIS_OPTIONS = {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}


def _username_key() -> str:
    return "user:" + (request.form.get("username") or "").strip().casefold()[:64]


def _address_key() -> str:
    return "addr:" + (get_remote_address() or "")


def _failed(response) -> bool:
    # The sign-in view answers 400 for every refusal (unknown user, wrong password, missing
    # fields, missing CSRF token) and redirects on success.
    return response.status_code == 400


def sign_in_limits(view):
    """Decorate the sign-in view with the per-user-name and per-address limits."""
    view = limiter.limit(
        lambda: current_app.config["SIGN_IN_LIMIT_USER"],
        key_func=_username_key, methods=["POST"], deduct_when=_failed, scope="sign-in-user",
    )(view)
    return limiter.limit(
        lambda: current_app.config["SIGN_IN_LIMIT_ADDRESS"],
        key_func=_address_key, methods=["POST"], deduct_when=_failed, scope="sign-in-address",
    )(view)


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    config.setdefault("SIGN_IN_LIMIT_USER", "5 per minute;20 per hour")
    config.setdefault("SIGN_IN_LIMIT_ADDRESS", "30 per minute;200 per hour")
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", REDIS_OPTIONS)
    # A refused sign-in gets the sign-in form back (tracker.auth.views); any other 429 the
    # error page of tracker.errors.
    limiter.init_app(app)
