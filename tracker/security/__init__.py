"""Trust: response headers, sign-in throttling, input guards, the deleted-records page,
backup and restore. `init_app` runs before the blueprints are registered, so the
bounded `int` converter applies to every route of every feature."""
from __future__ import annotations

from flask import Flask

from tracker.security import guards, headers, history_guard, throttle


def init_app(app: Flask) -> None:
    history_guard.install()
    guards.init_app(app)
    headers.init_app(app)
    throttle.init_app(app)
