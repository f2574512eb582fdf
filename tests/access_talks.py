"""Access decisions for talks, the "Talks due" list and calendar feeds."""
from __future__ import annotations

from tests.access_effects import Effect, deleted, status, undeleted
from tracker import clock
from tracker.calendar.services import feed_of, token_hash
from tracker.extensions import db
from tracker.talks.models import Talk

# The role sets of tests/test_access.py, repeated here: that module imports this one.
EVERYONE = {"viewer", "leader", "other_leader", "secretary", "admin"}
OFFICE = {"secretary", "admin"}
OFFICE_AND_LEADER = {"secretary", "admin", "leader"}
ADMIN = {"admin"}
PUBLIC = "public"

ROWS = {
    "talks.index": ("GET", "/talks/", EVERYONE),
    # the member is this talk's subject: sent on to their own page of it (tracker/members)
    "talks.detail": ("GET", "/talks/{talk}", EVERYONE | {"member"}),
    "talks.integrity_lists": ("GET", "/talks/integrity-lists", EVERYONE),
    "talks.create": ("GET", "/talks/new?dispatch_id={dispatch}&talk_type=pre_dispatch", OFFICE_AND_LEADER),
    "talks.edit": ("GET", "/talks/{talk}/edit", OFFICE_AND_LEADER),
    "talks.withdraw": ("POST", "/talks/{submitted_talk}/withdraw", {"leader"}),  # the author only
    "talks.delete": ("POST", "/talks/{talk}/delete", OFFICE_AND_LEADER),
    "talks.undelete": ("POST", "/talks/{deleted_talk}/undelete", ADMIN),
    "talks.submit": ("POST", "/talks/{talk}/submit", OFFICE_AND_LEADER),
    "talks.review": ("GET", "/talks/{submitted_talk}/review", OFFICE),
    "talks.reopen": ("GET", "/talks/{reviewed_talk}/reopen", OFFICE),
    "due.talks": ("GET", "/due/", EVERYONE),
    # token-authenticated, no sign-in: the token is tested in tests/test_calendar.py
    "calendar.feed_ics": ("GET", "/calendar/{calendar_token}.ics", PUBLIC),
    # a member's feed holds their own talks due and their branches' theme days (test_members)
    "calendar.enable": ("POST", "/account/calendar", EVERYONE | {"member"}),
    "calendar.revoke": ("POST", "/account/calendar/revoke", EVERYONE | {"member"}),
}


def _feed(o):
    from tracker.auth.models import User

    return feed_of(db.session.get(User, o.user_id)) if o.user_id else None


def _has_its_first_feed(o) -> None:
    """Every role's feed is on in the world (ids below); a refused action leaves it."""
    if o.user_id:
        assert _feed(o).token_hash == token_hash(o.ids["feed_tokens"][o.role])


def _has_a_new_feed(o) -> None:
    assert _feed(o) is not None and _feed(o).token_hash != token_hash(o.ids["feed_tokens"][o.role])


def _has_no_feed(o) -> None:
    assert _feed(o) is None


EFFECTS = {
    "talks.withdraw": status(Talk, "submitted_talk", "submitted", "draft"),
    "talks.delete": deleted(Talk, "talk"),
    "talks.undelete": undeleted(Talk, "deleted_talk"),
    "talks.submit": status(Talk, "talk", "draft", "submitted"),
    "calendar.enable": Effect(_has_a_new_feed, _has_its_first_feed),
    "calendar.revoke": Effect(_has_no_feed, _has_its_first_feed),
}


def ids(world, getfixture) -> dict:
    make_talk = getfixture("make_talk")
    dispatch, leader = world["dispatch"], world["leader_person"]
    draft = make_talk(dispatch.person, leader, dispatch=dispatch)
    submitted = make_talk(dispatch.person, leader, dispatch=dispatch, status="submitted",
                          author_id=world["users"]["leader"].id)
    reviewed = make_talk(dispatch.person, leader, dispatch=dispatch, status="reviewed")
    gone = make_talk(dispatch.person, leader, dispatch=dispatch, deleted_at=clock.now())
    make_feed = getfixture("make_feed")
    feed_tokens = {role: make_feed(user) for role, user in world["users"].items()}
    return {
        "talk": draft.id,
        "submitted_talk": submitted.id,
        "reviewed_talk": reviewed.id,
        "deleted_talk": gone.id,
        "calendar_token": feed_tokens["secretary"],
        "feed_tokens": feed_tokens,
    }
