"""Personal calendar feeds: the secret token, and what the feed holds (parsed back with icalendar)."""
from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from sqlalchemy import select

from tests.conftest import TODAY, sign_in
from tracker.calendar.models import CalendarFeed
from tracker.calendar.services import token_hash
from tracker.months import month_days

days = dt.timedelta


@pytest.fixture
def team(make_person, make_project, make_branch, make_dispatch, make_user):
    leader = make_person("组长")
    member = make_person("组员")
    project = make_project(team_leader=leader, start_date=TODAY - days(40), end_date=TODAY + days(40))
    branch = make_branch(projects=[project], members=[(leader, "secretary"), member],
                         approval_date=dt.date(2026, 5, 20))
    dispatch = make_dispatch(member, project, departure_date=TODAY - days(3), return_date=TODAY + days(20))
    return {
        "leader": leader, "member": member, "project": project, "branch": branch, "dispatch": dispatch,
        "leader_user": make_user("team-leader", person=leader),
        "secretary": make_user("secretary"),
        "member_user": make_user("viewer", person=member),
    }


def events(client, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def turn_on(client, user) -> str:
    sign_in(client, user)
    assert client.post("/account/calendar").status_code == 302
    page = client.get("/account").get_data(as_text=True)
    url = re.search(r'id="calendar-url" type="text" readonly value="([^"]+)"', page).group(1)
    token = re.search(r"/calendar/([^/]+)\.ics$", url).group(1)
    # shown once only
    assert token not in client.get("/account").get_data(as_text=True)
    return token


def test_turning_the_feed_on_shows_a_link_once_and_stores_only_a_hash(client, team, session):
    token = turn_on(client, team["secretary"])
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == team["secretary"].id))
    assert feed.token_hash == token_hash(token) != token
    assert len(token) >= 40


def test_the_secretary_gets_open_talks_with_due_dates(client, team):
    token = turn_on(client, team["secretary"])
    found = events(client, token)
    pre = found[f"pre_talk-dispatch-{team['dispatch'].id}@tracker.test"]
    assert pre["dtstart"].dt == TODAY - days(3)
    assert "Pre-dispatch talk: 组员" in str(pre["summary"])
    assert "Overdue" in str(pre["description"])
    assert str(pre["url"]).endswith(f"/dispatches/{team['dispatch'].id}")
    post = found[f"post_talk-dispatch-{team['dispatch'].id}@tracker.test"]
    assert post["dtstart"].dt == TODAY + days(30)
    assert not any(uid.startswith("disclosure") for uid in found)  # checkpoints are the leader's


def test_a_done_talk_leaves_the_feed(client, team, make_talk):
    token = turn_on(client, team["secretary"])
    make_talk(team["member"], team["leader"], dispatch=team["dispatch"], talk_date=TODAY - days(4))
    assert f"pre_talk-dispatch-{team['dispatch'].id}@tracker.test" not in events(client, token)


def test_the_team_leader_gets_checkpoints_talks_of_their_branch_and_theme_days(client, team):
    token = turn_on(client, team["leader_user"])
    found = events(client, token)
    project = team["project"]
    assert found[f"revisit-project-{project.id}@tracker.test"]["dtstart"].dt == project.end_date + days(30)
    assert f"pre_talk-dispatch-{team['dispatch'].id}@tracker.test" in found  # as branch secretary
    theme = sorted(e["dtstart"].dt for uid, e in found.items() if uid.startswith("theme-day"))
    # approved on 20 May: the first theme day is 10 June, then every month for a year ahead
    assert theme[0] == dt.date(2026, 6, 10) and theme[1] == dt.date(2026, 7, 10)
    assert theme[-1] <= TODAY + days(365)


def test_a_plain_member_sees_theme_days_only(client, team):
    found = events(client, turn_on(client, team["member_user"]))
    assert found and all(uid.startswith("theme-day") for uid in found)


def test_a_dissolved_branch_has_no_theme_days_after_dissolution(client, team, session):
    team["branch"].status = "dissolved"
    team["branch"].dissolved_on = dt.date(2026, 7, 31)
    session.flush()
    found = events(client, turn_on(client, team["member_user"]))
    assert sorted(e["dtstart"].dt for e in found.values()) == [dt.date(2026, 6, 10), dt.date(2026, 7, 10)]


@pytest.mark.parametrize("start, end, day, expected", [
    (dt.date(2026, 1, 1), dt.date(2026, 3, 31), 31, [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]),
    (dt.date(2026, 1, 11), dt.date(2026, 2, 9), 10, []),
    (dt.date(2026, 12, 10), dt.date(2027, 1, 10), 10, [dt.date(2026, 12, 10), dt.date(2027, 1, 10)]),
])
def test_month_days(start, end, day, expected):
    assert month_days(start, end, day) == expected


def test_without_a_valid_token_the_feed_is_404(client, team, make_feed):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404
    token = make_feed(team["secretary"])
    assert client.get(f"/calendar/{token[:-1]}.ics").status_code == 404
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_a_new_link_replaces_the_old_one_and_revoking_ends_both(client, team):
    first = turn_on(client, team["secretary"])
    second = turn_on(client, team["secretary"])
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert client.get(f"/calendar/{second}.ics").status_code == 200
    assert client.post("/account/calendar/revoke").status_code == 302
    assert client.get(f"/calendar/{second}.ics").status_code == 404
    assert "Turn on calendar link" in client.get("/account").get_data(as_text=True)


def test_a_disabled_account_has_no_feed(client, team, make_feed, session):
    token = make_feed(team["secretary"])
    team["secretary"].enabled = False
    session.flush()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_feed_needs_no_sign_in_and_sets_no_cookie(client, team, make_feed):
    token = make_feed(team["secretary"])
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_feed_speaks_the_language_chosen_in_the_app(app, client, team, session):
    token = turn_on(client, team["secretary"])
    uid = f"pre_talk-dispatch-{team['dispatch'].id}@tracker.test"
    # nothing chosen yet: the calendar app's language, as before
    assert "Pre-dispatch talk: 组员" in str(events(client, token)[uid]["summary"])
    assert client.post("/language", data={"lang": "zh", "next": "/"}).status_code == 302
    session.refresh(team["secretary"])
    assert team["secretary"].language == "zh"
    # the calendar app asks in English, without the person's cookie: the account decides
    response = app.test_client().get(f"/calendar/{token}.ics", headers={"Accept-Language": "en-US"})
    cal = icalendar.Calendar.from_ical(response.data)
    pre = {str(e["uid"]): e for e in cal.walk("VEVENT")}[uid]
    assert str(pre["summary"]) == f"事前谈话：组员（{team['project'].code}）"
    assert "已逾期" in str(pre["description"])
    assert "状态：" in str(pre["description"])


def test_signing_in_again_brings_back_the_chosen_language(app, client, team, session):
    sign_in(client, team["secretary"])
    client.post("/language", data={"lang": "zh", "next": "/"})
    other_device = app.test_client()
    sign_in(other_device, team["secretary"])
    page = other_device.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="zh' in page
