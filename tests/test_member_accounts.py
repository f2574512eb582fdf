"""Member accounts for a whole branch: one-time activation codes, shown once, stored hashed,
expiring; the member sets their own password; disabled accounts stay out."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, sign_in
from tracker import clock
from tracker.auth.models import User
from tracker.extensions import db
from tracker.members import accounts

GOOD = "红旗漫卷-2026-xyz"


@pytest.fixture
def branch_world(make_person, make_project, make_branch, make_user):
    from tracker.branches.models import Membership

    a, b, left, leader = make_person("党员甲"), make_person("党员乙"), make_person("已离开丙"), make_person("组长丁")
    branch = make_branch(projects=[make_project(team_leader=leader)], members=[(leader, "secretary"), a, b])
    db.session.add(Membership(branch=branch, person=left, joined_on=TODAY - dt.timedelta(days=30),
                              left_on=TODAY - dt.timedelta(days=1)))
    db.session.flush()
    leader_user = make_user("team-leader", person=leader)
    return dict(branch=branch, a=a, b=b, left=left, leader=leader, leader_user=leader_user,
                secretary=make_user("secretary"))


def _issue(client, world):
    sign_in(client, world["secretary"])
    response = client.post(f"/me/branches/{world['branch'].id}/accounts")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, dict(re.findall(r'<dd class="slip-username">([^<]+)</dd>\s*<dt>[^<]+</dt><dd class="text-break slip-link">http://[^/]+/me/activate/([^<]+)</dd>', page))


def test_secretary_issues_codes_shown_once_stored_hashed(client, branch_world):
    page, codes = _issue(client, branch_world)
    users = {u.person_id: u for u in db.session.scalars(select(User).where(User.roles_text == "member"))}
    # the current members without an account; not the leader (has one), not who has left
    assert set(users) == {branch_world["a"].id, branch_world["b"].id}
    assert set(codes) == {u.username for u in users.values()}
    for user in users.values():
        code = codes[user.username]
        assert user.activation_hash == accounts.code_hash(code) and code not in user.activation_hash
        assert not user.check_password(code)
        # MEMBER_ACTIVATION_DAYS, 7 by default
        assert abs(user.activation_expires_at - (clock.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    assert branch_world["left"].name not in page and "组长丁" not in re.sub(r"<nav.*?</nav>", "", page, flags=re.S).split("activation-slips")[1]
    # a second sheet gives new codes; the first ones stop working
    _, again = _issue(client, branch_world)
    assert set(again) == set(codes) and all(again[u] != codes[u] for u in codes)
    client.post("/sign-out")
    assert client.get(f"/me/activate/{next(iter(codes.values()))}").status_code == 404


def test_team_leader_and_viewer_may_not_issue(client, branch_world, make_user):
    sign_in(client, branch_world["leader_user"])
    assert client.post(f"/me/branches/{branch_world['branch'].id}/accounts").status_code == 403
    assert db.session.scalar(select(User).where(User.roles_text == "member")) is None


def test_member_sets_own_password_and_signs_in(client, branch_world):
    _, codes = _issue(client, branch_world)
    client.post("/sign-out")
    username, code = next(iter(codes.items()))
    url = f"/me/activate/{code}"
    assert username in client.get(url).get_data(as_text=True)
    # the account form's rules: too short, then two different passwords
    short = client.post(url, data={"new": "abc", "repeat": "abc"})
    assert short.status_code == 200 and 'class="invalid-feedback' in short.get_data(as_text=True)
    differ = client.post(url, data={"new": GOOD, "repeat": GOOD + "x"})
    assert "The two passwords differ." in differ.get_data(as_text=True)
    done = client.post(url, data={"new": GOOD, "repeat": GOOD})
    assert done.status_code == 302 and done.location.endswith("/sign-in")
    user = db.session.scalar(select(User).where(User.username == username))
    assert user.activation_hash is None and user.check_password(GOOD)
    assert client.get(url).status_code == 404  # one time only
    response = client.post("/sign-in", data={"username": username, "password": GOOD})
    assert response.status_code == 302
    assert "My sessions" in client.get("/").get_data(as_text=True)


def test_expired_code_and_disabled_account_are_refused(client, branch_world):
    _, codes = _issue(client, branch_world)
    client.post("/sign-out")
    (first, code1), (second, code2) = sorted(codes.items())
    user1 = db.session.scalar(select(User).where(User.username == first))
    user1.activation_expires_at = clock.now() - dt.timedelta(minutes=1)
    user2 = db.session.scalar(select(User).where(User.username == second))
    user2.enabled = False
    db.session.flush()
    for code in (code1, code2, "forged-code"):
        response = client.get(f"/me/activate/{code}")
        assert response.status_code == 404
        assert "unknown, used or expired" in response.get_data(as_text=True)
        assert client.post(f"/me/activate/{code}", data={"new": GOOD, "repeat": GOOD}).status_code == 404
