"""Builders for talks and calendar feeds."""
from __future__ import annotations

import pytest

from tracker.talks.models import Talk
from tracker.talks.services import current_integrity_version


@pytest.fixture
def make_talk(session):
    """A talk written straight to the database (no validation), for pages and due states."""
    def make(person, conducted_by, talk_type="pre_dispatch", dispatch=None, **kw):
        kw.setdefault("talk_date", dispatch.departure_date if dispatch else None)
        kw.setdefault("key_points", "讲清纪律要求")
        kw.setdefault("status", "draft")
        version = current_integrity_version(kw["talk_date"])
        talk = Talk(person=person, conducted_by=conducted_by, talk_type=talk_type, dispatch=dispatch,
                    integrity_version_id=version.id if version else None, **kw)
        session.add(talk)
        session.flush()
        return talk
    return make


@pytest.fixture
def make_feed(session):
    """Turn on a user's calendar feed; returns the secret token."""
    def make(user):
        from tracker.calendar.services import issue_token

        return issue_token(user)
    return make
