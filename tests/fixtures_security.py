"""Fixtures of the trust tests that every test needs."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fresh_sign_in_counts(app):
    """Sign-in failures counted by one test must not throttle the next one."""
    from tracker.extensions import limiter

    with app.app_context():
        limiter.reset()
    yield
