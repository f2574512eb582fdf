"""Every endpoint, asked by every role and by a signed-out visitor, against one table.

A new endpoint without a row here fails `test_every_endpoint_has_a_decision`.
"""
from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest

from tests.access_effects import Effect, Outcome, deleted, status, undeleted
from tests.conftest import TODAY, Client, session_on, sign_in
from tracker import clock
from tracker.auth.models import User
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project

#: the test app's SERVER_NAME (tests/conftest.py): the session cookie's domain
DOMAIN = "tracker.test"
ROLES = ("anonymous", "viewer", "leader", "other_leader", "secretary", "admin", "member")
EVERYONE = {"viewer", "leader", "other_leader", "secretary", "admin"}
OFFICE = {"secretary", "admin"}
OFFICE_AND_LEADER = {"secretary", "admin", "leader"}
ALL_LEADERS = {"secretary", "admin", "leader", "other_leader"}
ADMIN = {"admin"}
PUBLIC = "public"
#: "member" is a party member's own account, tied to the world's branch member
#: (tracker.access SELF): their own pages, nothing of the organisation's
MEMBER = {"member"}

#: endpoint -> (method, url pattern filled from the world, who may use it)
#: "leader" leads the world's project; "other_leader" is a team leader of another project.
TABLE: dict[str, tuple[str, str, object]] = {
    "static": ("GET", "/static/app.css", PUBLIC),
    "bootstrap.static": ("GET", "/bootstrap/static/css/bootstrap.min.css", PUBLIC),
    "auth.sign_in": ("GET", "/sign-in", PUBLIC),
    "auth.set_language": ("POST", "/language", PUBLIC),
    "auth.sign_out": ("POST", "/sign-out", PUBLIC),
    "auth.account": ("GET", "/account", EVERYONE | MEMBER),
    "home.index": ("GET", "/", EVERYONE | MEMBER),
    "accounts.index": ("GET", "/accounts/", ADMIN),
    "accounts.create": ("GET", "/accounts/new", ADMIN),
    "accounts.edit": ("GET", "/accounts/{user}", ADMIN),
    "people.index": ("GET", "/people/", EVERYONE),
    "people.detail": ("GET", "/people/{person}", EVERYONE),
    "people.create": ("GET", "/people/new", ALL_LEADERS),
    "people.edit": ("GET", "/people/{person}/edit", OFFICE),
    "people.delete": ("POST", "/people/{person}/delete", OFFICE),
    "people.undelete": ("POST", "/people/{deleted_person}/undelete", ADMIN),
    "projects.index": ("GET", "/projects/", EVERYONE),
    "projects.detail": ("GET", "/projects/{project}", EVERYONE),
    "projects.create": ("GET", "/projects/new", OFFICE),
    "projects.edit": ("GET", "/projects/{project}/edit", OFFICE_AND_LEADER),
    "projects.checkpoints": ("GET", "/projects/{project}/checkpoints", OFFICE_AND_LEADER),
    "projects.delete": ("POST", "/projects/{project}/delete", OFFICE),
    "projects.undelete": ("POST", "/projects/{deleted_project}/undelete", ADMIN),
    "branches.index": ("GET", "/branches/", EVERYONE),
    "branches.detail": ("GET", "/branches/{branch}", EVERYONE),
    "branches.create": ("GET", "/branches/new", ALL_LEADERS),
    "branches.edit": ("GET", "/branches/{branch}/edit", OFFICE_AND_LEADER),
    "branches.approve": ("POST", "/branches/{proposed_branch}/approve", OFFICE),
    "branches.dissolve": ("GET", "/branches/{branch}/dissolve", OFFICE_AND_LEADER),
    "branches.delete": ("POST", "/branches/{branch}/delete", OFFICE),
    "branches.undelete": ("POST", "/branches/{deleted_branch}/undelete", ADMIN),
    "branches.add_member": ("GET", "/branches/{branch}/members/new", OFFICE_AND_LEADER),
    "branches.edit_member": ("GET", "/branches/members/{membership}/edit", OFFICE_AND_LEADER),
    # The world's member has attendance at approved sessions and its dispatch approved talks
    # (tests/access_study.py, access_talks.py): only the office deletes those, with a reason.
    # A team leader deletes ones nothing depends on (tests/test_withdraw.py).
    "branches.delete_member": ("POST", "/branches/members/{membership}/delete", OFFICE),
    "branches.undelete_member": ("POST", "/branches/members/{deleted_membership}/undelete", ADMIN),
    "dispatches.index": ("GET", "/dispatches/", EVERYONE),
    "dispatches.detail": ("GET", "/dispatches/{dispatch}", EVERYONE),
    "dispatches.create": ("GET", "/dispatches/new", ALL_LEADERS),
    "dispatches.edit": ("GET", "/dispatches/{dispatch}/edit", OFFICE_AND_LEADER),
    "dispatches.delete": ("POST", "/dispatches/{dispatch}/delete", OFFICE),
    "dispatches.to_branch": ("GET", "/dispatches/to-branch/{branch}", OFFICE_AND_LEADER),
    "dispatches.undelete": ("POST", "/dispatches/{deleted_dispatch}/undelete", ADMIN),
}


def _in_chinese(o: Outcome) -> None:
    page = o.client.get("/sign-in" if o.role == "anonymous" else "/account").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    if o.user_id:  # kept on the account too
        assert db.session.get(User, o.user_id).language == "zh"


def _signed_out(o: Outcome) -> None:
    """The sign-in is ended on the server: the cookie the role held before no longer works."""
    if o.role != "anonymous":
        as_role(o.client, o.world, o.role)
    response = o.client.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.location


#: endpoint -> what its POST does (tests/access_effects.py); feature modules add theirs
EFFECTS: dict[str, Effect] = {
    "auth.set_language": Effect(_in_chinese, data={"lang": "zh", "next": "/"}),
    "auth.sign_out": Effect(_signed_out),
    "people.delete": deleted(Person, "person"),
    # the deleted person of tests/access_security.py (the deleted-records page restores it too)
    "people.undelete": undeleted(Person, "deleted_person"),
    "projects.delete": deleted(Project, "project"),
    "projects.undelete": undeleted(Project, "deleted_project"),
    "branches.approve": status(Branch, "proposed_branch", "proposed", "active"),
    "branches.delete": deleted(Branch, "branch"),
    "branches.undelete": undeleted(Branch, "deleted_branch"),
    "branches.delete_member": deleted(Membership, "membership"),
    "branches.undelete_member": undeleted(Membership, "deleted_membership"),
    "dispatches.delete": deleted(Dispatch, "dispatch"),
    "dispatches.undelete": undeleted(Dispatch, "deleted_dispatch"),
}

#: Features add their endpoints in a module of their own, named here. Each module has
#: ROWS (same shape as TABLE) and ids(world, getfixture) -> {name: id} for its records.
FEATURE_MODULES: list[str] = [
    "tests.access_study", "tests.access_talks", "tests.access_security", "tests.access_ledger",
    "tests.access_health",
    "tests.access_reads", "tests.access_members",
    "tests.access_points", "tests.access_selfsign",
]
FEATURES = [importlib.import_module(name) for name in FEATURE_MODULES]
for _feature in FEATURES:
    TABLE.update(_feature.ROWS)
    EFFECTS.update(getattr(_feature, "EFFECTS", {}))


# One world per module --------------------------------------------------------------------
# The table asks ~900 questions of one unchanging world. It is built once, by the first test,
# on a connection whose transaction spans the module (and is rolled back after it); each test
# runs in a savepoint over it, rolled back at its end, so what a test's requests write never
# reaches the next test. Each role signs in once, while the world is built; a test then
# carries that role's session cookie instead of signing in again.
class Shared:
    connection = None
    savepoint = None
    world: dict | None = None


@pytest.fixture(scope="module")
def shared(app):
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    state = Shared()
    state.connection = connection
    try:
        yield state
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture(autouse=True)
def session(app, shared):
    """tests/conftest.py's `session`, on the module's connection, in a savepoint of its own."""
    shared.savepoint = shared.connection.begin_nested()
    try:
        with session_on(app, shared.connection) as bound:
            yield bound
    finally:
        if shared.savepoint.is_active:
            shared.savepoint.rollback()


def _keep(shared, session) -> None:
    """What the test wrote so far outlives it: the savepoint is released and a new one begun."""
    session.commit()
    shared.savepoint.commit()
    shared.savepoint = shared.connection.begin_nested()


@pytest.fixture
def world(request, app, session):
    """This module's world, built once. Modules that import the fixture (tests/security/…)
    get one of their own per test, without the sign-ins."""
    if "shared" not in request.fixturenames:
        return _build_world(request, app, signed_in=False)
    shared = request.getfixturevalue("shared")
    if shared.world is None:
        shared.world = _build_world(request, app)
        _keep(shared, session)
    return shared.world


def _build_world(request, app, signed_in: bool = True) -> dict:
    """One project led by `leader`, its active branch, a member, a dispatch; a user per role,
    signed in; the records of each feature module (its ids()); deleted records to restore."""
    make_person, make_project = request.getfixturevalue("make_person"), request.getfixturevalue("make_project")
    make_branch, make_dispatch = request.getfixturevalue("make_branch"), request.getfixturevalue("make_dispatch")
    make_user = request.getfixturevalue("make_user")
    leader_person = make_person("组长")
    other_person = make_person("另一组长")
    member = make_person("组员")
    project = make_project(team_leader=leader_person)
    make_project(team_leader=other_person)
    branch = make_branch(projects=[project], members=[(leader_person, "secretary"), member])
    proposed = make_branch(projects=[make_project(team_leader=leader_person)], status="proposed")
    dispatch = make_dispatch(member, project)
    users = {
        "viewer": make_user("viewer"),
        "leader": make_user("team-leader", person=leader_person),
        "other_leader": make_user("team-leader", person=other_person),
        "secretary": make_user("secretary"),
        "admin": make_user("admin"),
        "member": make_user("member", person=member),
    }
    world = {
        "users": users,
        "project": project,
        "branch": branch,
        "leader_person": leader_person,
        "member": member,
        "dispatch": dispatch,
        "ids": {
            "person": member.id,
            "project": project.id,
            "branch": branch.id,
            "proposed_branch": proposed.id,
            "membership": branch.memberships[1].id,
            "dispatch": dispatch.id,
            "user": users["viewer"].id,
        },
    }
    for feature in FEATURES:
        world["ids"].update(feature.ids(world, request.getfixturevalue))
    world["ids"].update(_deleted_records(world, make_person, make_project, make_branch, make_dispatch))
    if not signed_in:
        return world
    app.test_client_class = Client
    return {
        "ids": world["ids"],
        "users": {role: SimpleNamespace(id=user.id, username=user.username) for role, user in users.items()},
        "cookies": {role: _signed_in_cookie(app, user) for role, user in users.items()},
    }


def _deleted_records(world, make_person, make_project, make_branch, make_dispatch) -> dict:
    """Records of the core types, deleted, for their restore rows (made after the feature
    modules' records, which count the branch's members)."""
    now = clock.now()
    person = make_person("已删除的成员")
    project = make_project(deleted_at=now)
    branch = make_branch(deleted_at=now)
    membership = Membership(branch_id=world["branch"].id, person_id=person.id, role="member",
                            joined_on=TODAY - dt.timedelta(days=5), deleted_at=now)
    dispatch = make_dispatch(person, world["project"], deleted_at=now)
    db.session.add(membership)
    db.session.flush()
    return {"deleted_project": project.id, "deleted_branch": branch.id,
            "deleted_membership": membership.id, "deleted_dispatch": dispatch.id}


def _signed_in_cookie(app, user) -> tuple[str, str]:
    """Sign `user` in once: their session cookie and the CSRF token that goes with it."""
    client = app.test_client()
    assert sign_in(client, user).status_code == 302
    token = client.fetch_csrf()
    return client.get_cookie("session", domain=DOMAIN).value, token


def as_role(client, world, role: str) -> None:
    """The client carries `role`'s sign-in (none for "anonymous")."""
    if role == "anonymous":
        return
    cookie, client.csrf_token = world["cookies"][role]
    client.set_cookie("session", cookie, domain=DOMAIN)


def test_every_endpoint_has_a_decision(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(TABLE) == set(), "endpoints without an access decision"
    assert set(TABLE) - endpoints == set(), "decisions for endpoints that no longer exist"


def test_every_post_row_says_what_it_does():
    posts = {endpoint for endpoint, row in TABLE.items() if row[0] == "POST"}
    assert posts - set(EFFECTS) == set(), "POST rows without an effect (tests/access_effects.py)"
    assert set(EFFECTS) - posts == set(), "effects of rows that are not POST rows"


@pytest.mark.parametrize("endpoint", sorted(TABLE))
@pytest.mark.parametrize("role", ROLES)
def test_access(client, world, endpoint, role):
    method, pattern, allowed = TABLE[endpoint]
    url = pattern.format(**world["ids"])
    as_role(client, world, role)
    may = allowed == PUBLIC or (role != "anonymous" and role in allowed)
    effect, outcome = EFFECTS.get(endpoint), Outcome(world, role, client)
    if effect:
        effect.before(outcome)
    response = client.get(url) if method == "GET" else client.post(url, data=dict(effect.data))

    if allowed == PUBLIC:
        assert response.status_code in (200, 302), response.status_code
    elif role == "anonymous":
        assert response.status_code == 302 and "/sign-in" in response.location
    elif role in allowed:
        assert response.status_code in (200, 302), (response.status_code, url)
    else:
        assert response.status_code == (effect.refused if effect else 403), (response.status_code, url)
    if effect:
        outcome.response = response
        # allowed: the action happened; refused: nothing changed
        (effect.after if may else effect.before)(outcome)


READS = importlib.import_module("tests.access_reads").READS


@pytest.mark.parametrize("role", ["viewer", "other_leader", "leader", "secretary"])
@pytest.mark.parametrize("what", sorted(READS))
def test_read(client, world, what, role):
    """What each role finds on the pages of each record type (tests/access_reads.py)."""
    pattern, marker, sees, refused = READS[what]
    url, marker = pattern.format(**world["ids"]), marker.format(**world["ids"])
    as_role(client, world, role)
    response = client.get(url)
    if role in refused:
        assert response.status_code == 403
        assert marker not in response.get_data(as_text=True)
        return
    assert response.status_code == 200, (response.status_code, url)
    assert (marker in response.get_data(as_text=True)) == (role in sees), (url, marker)


@pytest.mark.parametrize("endpoint", sorted(e for e, row in TABLE.items() if row[0] == "POST" and row[2] != PUBLIC))
def test_posts_without_csrf_are_refused(client, world, endpoint):
    _, pattern, _ = TABLE[endpoint]
    as_role(client, world, "admin")
    client.csrf_token = False
    response = client.post(pattern.format(**world["ids"]), data=dict(EFFECTS[endpoint].data))
    assert response.status_code == 400
    EFFECTS[endpoint].before(Outcome(world, "admin", client, response))  # nothing changed


@pytest.mark.parametrize("endpoint", sorted(e for e, row in TABLE.items() if row[0] == "POST"))
def test_post_only_endpoints_change_nothing_on_get(client, world, endpoint):
    _, pattern, _ = TABLE[endpoint]
    as_role(client, world, "admin")
    assert client.get(pattern.format(**world["ids"])).status_code == 405


def test_missing_records_are_404_before_permission(client, world):
    as_role(client, world, "other_leader")
    assert client.get("/projects/999999/edit").status_code == 404
    assert client.get("/projects/999999").status_code == 404


def test_deleted_records_are_hidden_except_from_admin(client, world, session):
    from tracker.people.models import Person

    person = session.get(Person, world["ids"]["person"])
    person.deleted_at = clock.now()
    session.flush()
    as_role(client, world, "secretary")
    assert client.get(f"/people/{person.id}").status_code == 404
    as_role(client, world, "admin")
    assert client.get(f"/people/{person.id}").status_code == 200


def test_dates_used_in_world_are_fixed():
    assert TODAY == dt.date(2026, 6, 15)
