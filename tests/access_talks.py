"""Access decisions for talks, the "Talks due" list and calendar feeds (issue 4)."""
from __future__ import annotations

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
    "talks.restore": ("POST", "/talks/{talk}/restore", ADMIN),
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


def ids(world, getfixture) -> dict:
    make_talk = getfixture("make_talk")
    dispatch, leader = world["dispatch"], world["leader_person"]
    draft = make_talk(dispatch.person, leader, dispatch=dispatch)
    submitted = make_talk(dispatch.person, leader, dispatch=dispatch, status="submitted",
                          author_id=world["users"]["leader"].id)
    reviewed = make_talk(dispatch.person, leader, dispatch=dispatch, status="reviewed")
    return {
        "talk": draft.id,
        "submitted_talk": submitted.id,
        "reviewed_talk": reviewed.id,
        "calendar_token": getfixture("make_feed")(world["users"]["secretary"]),
    }
