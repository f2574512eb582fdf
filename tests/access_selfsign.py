"""Access-table rows for signing in to a session with its code (tracker/selfsign) and for
answering a talk record (tracker/talks/confirmation.py)."""
from __future__ import annotations

import datetime as dt

from tests.access_effects import Effect
from tracker.talks.models import Talk

MEMBER = {"member"}
#: whoever may edit the session: the office, and the team leader of the branch's project
EDITORS = {"secretary", "admin", "leader"}
#: an account tied to a person who belonged to the branch that day: the world's member, and
#: its team leader (the branch's secretary); another team's leader is refused as no member
BRANCH_PEOPLE = {"member", "leader"}

ROWS = {
    "selfsign.code_page": ("GET", "/study/{signin_session}/sign-in-code", EDITORS),
    "selfsign.code_svg": ("GET", "/study/{signin_session}/sign-in-code.svg", EDITORS),
    "selfsign.roster": ("GET", "/study/{signin_session}/sign-ins", EDITORS),
    # the code is the key: scanning needs no sign-in (the ticket it leads to does)
    "selfsign.scan": ("GET", "/s/{signin_code}", "public"),
    "selfsign.sign_in": ("GET", "/me/sign-in/{signin_ticket}", BRANCH_PEOPLE),
    "selfsign.signed": ("GET", "/me/sign-in/done/{signed_session}", MEMBER),
    "members.answer_talk": ("POST", "/me/talks/{answer_talk}/answer", MEMBER),
}


def _unanswered(o):
    assert o.record(Talk, "answer_talk").confirmation is None


def _confirmed(o):
    assert o.record(Talk, "answer_talk").confirmation == "confirmed"


EFFECTS = {
    "members.answer_talk": Effect(_confirmed, _unanswered, {"comment": "属实", "confirm": "Confirm"}),
}


def ids(world, getfixture) -> dict:
    from tracker import clock
    from tracker.selfsign import codes

    make_session, make_talk, make_person = getfixture("make_session"), getfixture("make_talk"), getfixture("make_person")
    member = world["member"]
    # today, around the fixed clock's 10:00: the sign-in window is open
    today = clock.today()
    session = make_session(world["branch"], topic="SIGNIN-主题", held_on=today,
                           start_time=dt.time(9, 30), end_time=dt.time(11, 0), attendance=[])
    signed = make_session(world["branch"], topic="SIGNED-主题", held_on=today,
                          start_time=dt.time(9, 30), end_time=dt.time(11, 0),
                          attendance=[(member, "present", "")])
    signed.attendance[0].self_signed_at = clock.now()
    talk = make_talk(member, make_person("谈话人丁"), dispatch=world["dispatch"], status="submitted")
    return {"signin_session": session.id, "signed_session": signed.id,
            "signin_code": codes.make_code(session.id), "signin_ticket": codes.make_ticket(session.id),
            "answer_talk": talk.id}
