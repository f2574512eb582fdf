"""Access-table rows for a party member's own pages and their accounts (tracker/members)."""
from __future__ import annotations

import datetime as dt

MEMBER = {"member"}
OFFICE = {"secretary", "admin"}

ROWS = {
    "members.session": ("GET", "/me/sessions/{member_session}", MEMBER),
    "members.talk": ("GET", "/me/talks/{member_talk}", MEMBER),
    "members.issue_accounts": ("POST", "/me/branches/{branch}/accounts", OFFICE),
    # the code on the member's sheet is their key: no sign-in before it
    "members.activate": ("GET", "/me/activate/{activation_code}", "public"),
}


def _activation_code(make_person) -> str:
    from tracker import clock
    from tracker.auth.models import User
    from tracker.extensions import db
    from tracker.members import accounts

    user = User(username="pending-member", person=make_person("待激活党员"), password_hash="!")
    user.roles = ["member"]
    code = "access-table-code"
    user.activation_hash = accounts.code_hash(code)
    user.activation_expires_at = clock.now() + dt.timedelta(days=1)
    db.session.add(user)
    db.session.flush()
    return code


def ids(world, getfixture) -> dict:
    make_session, make_talk, make_person = getfixture("make_session"), getfixture("make_talk"), getfixture("make_person")
    member = world["member"]
    study = make_session(world["branch"], topic="MEMBER-主题", attendance=[(member, "present", "")])
    talk = make_talk(member, make_person("谈话人丙"), dispatch=world["dispatch"], key_points="MEMBER-要点")
    return {"member_session": study.id, "member_talk": talk.id, "activation_code": _activation_code(make_person)}
