"""Access-table rows for a party member's own pages (tracker/members)."""
from __future__ import annotations

MEMBER = {"member"}

ROWS = {
    "members.session": ("GET", "/me/sessions/{member_session}", MEMBER),
    "members.talk": ("GET", "/me/talks/{member_talk}", MEMBER),
}


def ids(world, getfixture) -> dict:
    make_session, make_talk, make_person = getfixture("make_session"), getfixture("make_talk"), getfixture("make_person")
    member = world["member"]
    study = make_session(world["branch"], topic="MEMBER-主题", attendance=[(member, "present", "")])
    talk = make_talk(member, make_person("谈话人丙"), dispatch=world["dispatch"], key_points="MEMBER-要点")
    return {"member_session": study.id, "member_talk": talk.id}
