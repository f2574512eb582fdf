"""Access-table rows for a party member's own pages and their accounts (tracker/members)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.access_effects import Effect
from tracker.branches.models import Membership
from tracker.extensions import db

MEMBER = {"member"}
OFFICE = {"secretary", "admin"}

ROWS = {
    "members.session": ("GET", "/me/sessions/{member_session}", MEMBER),
    "members.talk": ("GET", "/me/talks/{member_talk}", MEMBER),
    "members.issue_accounts": ("POST", "/me/branches/{branch}/accounts", OFFICE),
    # the code on the member's sheet is their key: no sign-in before it
    "members.activate": ("GET", "/me/activate/{activation_code}", "public"),
}


def _account_of_new_member(o):
    from tracker.auth.models import User

    return db.session.scalar(select(User).where(User.person_id == o.ids["member_without_account"]))


def _no_account(o) -> None:
    assert _account_of_new_member(o) is None


def _account_issued(o) -> None:
    """The branch's member without an account has one now, waiting for its code, on the sheet."""
    user = _account_of_new_member(o)
    assert user is not None and user.activation_hash is not None and user.has_role("member")
    assert user.username in o.response.get_data(as_text=True)


EFFECTS = {"members.issue_accounts": Effect(_account_issued, _no_account)}


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
    # every other member of the branch has an account already: this one gets one on the sheet
    newcomer = make_person("待开户党员")
    db.session.add(Membership(branch_id=world["branch"].id, person_id=newcomer.id, role="member",
                              joined_on=world["branch"].approval_date))
    db.session.flush()
    return {"member_session": study.id, "member_talk": talk.id, "activation_code": _activation_code(make_person),
            "member_without_account": newcomer.id}
