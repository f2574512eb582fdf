"""A party member's own account (role `member`, tracker.access SELF): what they find, and what
they do not, on every kind of page."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, sign_in
from tracker import access
from tracker.extensions import db
from tracker.study.models import StudySession
from tracker.talks.models import Talk

MINE = "自己的主题-甲"
BEFORE_JOINING = "入支部前的主题-乙"
AFTER_LEAVING = "离开后的主题-丙"
OTHER_BRANCH = "别的支部主题-丁"
MY_POINTS = "自己的谈话要点-戊"
THEIR_POINTS = "别人的谈话要点-己"
THEIR_REASON = "别人的请假理由-庚"


@pytest.fixture
def scene(make_person, make_project, make_branch, make_dispatch, make_session, make_talk, make_user):
    from tracker.branches.models import Membership

    me, colleague, conductor = make_person("党员本人"), make_person("同事乙"), make_person("谈话人丙")
    project = make_project()
    branch = make_branch(projects=[project], members=[colleague])
    # joined ten days after the branch was approved, left five days ago
    joined, left = TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=5)
    db.session.add(Membership(branch=branch, person=me, role="member", joined_on=joined, left_on=left))
    db.session.flush()
    other_branch = make_branch(projects=[make_project()], members=[colleague])
    mine = make_session(branch, topic=MINE, held_on=joined + dt.timedelta(days=1),
                        attendance=[(me, "on_leave", "出差"), (colleague, "on_leave", THEIR_REASON)])
    before = make_session(branch, topic=BEFORE_JOINING, held_on=joined - dt.timedelta(days=1))
    after = make_session(branch, topic=AFTER_LEAVING, held_on=left + dt.timedelta(days=1))
    elsewhere = make_session(other_branch, topic=OTHER_BRANCH, held_on=joined + dt.timedelta(days=2))
    # a dispatch whose post-dispatch talk is due: the member's own due item
    my_dispatch = make_dispatch(me, project, departure_date=TODAY - dt.timedelta(days=20),
                                return_date=TODAY - dt.timedelta(days=2))
    make_dispatch(colleague, project, departure_date=TODAY - dt.timedelta(days=20),
                  return_date=TODAY - dt.timedelta(days=2))
    my_talk = make_talk(me, conductor, dispatch=my_dispatch, key_points=MY_POINTS, status="reviewed")
    their_talk = make_talk(colleague, conductor, talk_type="heart_to_heart", talk_date=TODAY,
                           key_points=THEIR_POINTS, status="reviewed")
    user = make_user("member", person=me)
    return dict(me=me, colleague=colleague, branch=branch, mine=mine, before=before, after=after,
                elsewhere=elsewhere, my_talk=my_talk, their_talk=their_talk, user=user)


def test_home_page_shows_own_sessions_talks_and_due_items(client, scene):
    sign_in(client, scene["user"])
    page = client.get("/").get_data(as_text=True)
    assert MINE in page
    for topic in (BEFORE_JOINING, AFTER_LEAVING, OTHER_BRANCH):
        assert topic not in page
    assert f'href="/me/sessions/{scene["mine"].id}"' in page
    assert f'href="/me/talks/{scene["my_talk"].id}"' in page
    assert f'href="/me/talks/{scene["their_talk"].id}"' not in page
    # the post-dispatch talk due with the member, and not the colleague's
    assert "Post-dispatch talk" in page
    assert scene["colleague"].name not in page
    # the dashboard's figures are not the member's page
    assert 'class="dash-chart' not in page


def test_session_page_shows_only_own_attendance(client, scene):
    sign_in(client, scene["user"])
    response = client.get(f"/me/sessions/{scene['mine'].id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert MINE in page and "出差" in page
    assert THEIR_REASON not in page and scene["colleague"].name not in page
    # the full page sends the member on to their own
    assert client.get(f"/study/{scene['mine'].id}").location.endswith(f"/me/sessions/{scene['mine'].id}")


@pytest.mark.parametrize("which", ["before", "after", "elsewhere"])
def test_sessions_outside_membership_are_refused(client, scene, which):
    sign_in(client, scene["user"])
    assert client.get(f"/me/sessions/{scene[which].id}").status_code == 403
    assert client.get(f"/study/{scene[which].id}").status_code == 403


def test_talks_own_with_contents_others_refused(client, scene):
    sign_in(client, scene["user"])
    page = client.get(f"/me/talks/{scene['my_talk'].id}").get_data(as_text=True)
    assert MY_POINTS in page
    for url in (f"/me/talks/{scene['their_talk'].id}", f"/talks/{scene['their_talk'].id}"):
        response = client.get(url)
        assert response.status_code == 403
        assert THEIR_POINTS not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/people/", "/projects/", "/branches/", "/dispatches/", "/study/", "/talks/", "/due/",
    "/ledger/", "/ledger/print", "/points/",
])
def test_organisation_pages_are_refused(client, scene, url):
    sign_in(client, scene["user"])
    assert client.get(url).status_code == 403


def test_people_pages_are_refused_even_own(client, scene):
    sign_in(client, scene["user"])
    assert client.get(f"/people/{scene['colleague'].id}").status_code == 403
    assert client.get(f"/people/{scene['me'].id}").status_code == 403
    assert client.get(f"/branches/{scene['branch'].id}").status_code == 403


def test_queries_and_predicates_agree(scene):
    """The SELF branch of each rule: the query filter and the predicate give the same answer."""
    user = scene["user"]
    sessions = set(db.session.scalars(access.readable_sessions(user, select(StudySession.id))))
    for key in ("mine", "before", "after", "elsewhere"):
        assert (scene[key].id in sessions) == access.can_read_session(user, scene[key]) == (key == "mine")
    talks = set(db.session.scalars(access.readable_talks(user, select(Talk.id))))
    assert talks == {scene["my_talk"].id}
    assert access.talks_with_contents(user, [scene["my_talk"].id, scene["their_talk"].id]) == {scene["my_talk"].id}
    assert access.due_leader(user) == -1
    assert access.can_read_person(user, scene["me"]) and not access.can_read_person(user, scene["colleague"])


def test_a_member_role_without_a_person_reads_nothing(client, make_user):
    user = make_user("member")
    assert access.reach(user) == access.NONE
    sign_in(client, user)
    assert client.get("/").status_code == 403


def test_member_calendar_holds_own_items_only(client, scene, make_feed):
    token = make_feed(scene["user"])
    body = client.get(f"/calendar/{token}.ics").get_data(as_text=True)
    assert scene["me"].name in body
    assert scene["colleague"].name not in body
