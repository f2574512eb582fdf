"""The "Talks due" list: filters, a team leader's own team, and its cost."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY

days = dt.timedelta


def table(page: str) -> str:
    """The due table only (not the filters above it)."""
    return page.split("due-table", 1)[1] if "due-table" in page else ""


@pytest.fixture
def two_teams(make_person, make_project, make_branch, make_dispatch):
    leader, other_leader = make_person("组长甲"), make_person("组长乙")
    mine, theirs = make_project(team_leader=leader), make_project(team_leader=other_leader)
    branch = make_branch(projects=[mine], members=[(leader, "secretary")])
    late = make_dispatch(make_person("迟到者"), mine, departure_date=TODAY - days(3), return_date=TODAY + days(50))
    soon = make_dispatch(make_person("将出发"), theirs, departure_date=TODAY + days(2), return_date=TODAY + days(50))
    later = make_dispatch(make_person("下月走"), theirs, departure_date=TODAY + days(40), return_date=TODAY + days(60))
    return locals()


def test_the_secretary_works_through_overdue_and_due_soon_talks_by_default(client, signed_in, two_teams):
    signed_in("secretary")
    page = client.get("/due/").get_data(as_text=True)
    rows = table(page)
    assert "迟到者" in rows and "将出发" in rows and "下月走" not in rows
    assert "Overdue: <strong>1</strong>" in page


@pytest.mark.parametrize("query, shown, hidden", [
    ("state=overdue", {"迟到者"}, {"将出发", "下月走"}),
    ("state=not_yet_due&due_to={d41}", {"下月走"}, {"迟到者", "将出发"}),
    ("state=all&branch_id={branch}", {"迟到者"}, {"将出发", "下月走"}),
    ("state=all&project_id={theirs}", {"将出发", "下月走"}, {"迟到者"}),
    ("state=all&person_id={later_person}", {"下月走"}, {"迟到者", "将出发"}),
    ("state=all&person=%E4%B8%8B%E6%9C%88", {"下月走"}, {"迟到者", "将出发"}),  # person=下月
    ("state=all&person=%25", set(), {"下月走", "迟到者", "将出发"}),  # a literal %, not a wildcard
    ("state=all&due_from={d40}&due_to={d41}", {"下月走"}, {"迟到者", "将出发"}),
])
def test_filters(client, signed_in, two_teams, query, shown, hidden):
    signed_in("secretary")
    t = two_teams
    url = "/due/?" + query.format(
        branch=t["branch"].id, theirs=t["theirs"].id, later_person=t["later"].person_id,
        d40=(TODAY + days(40)).isoformat(), d41=(TODAY + days(41)).isoformat(),
    )
    page = table(client.get(url).get_data(as_text=True))
    assert all(name in page for name in shown), url
    assert not any(name in page for name in hidden), url


def test_the_person_filter_is_a_search_box_that_names_whom_a_link_filters_by(client, signed_in, two_teams):
    signed_in("secretary")
    page = client.get("/due/").get_data(as_text=True)
    assert 'name="person"' in page and f'<option value="{two_teams["later"].person_id}"' not in page
    assert "下月走" not in page.split("due-table", 1)[0]  # no list of everyone's names
    page = client.get(f"/due/?state=all&person_id={two_teams['later'].person_id}").get_data(as_text=True)
    form = page.split("due-table", 1)[0]
    assert f'name="person_id" value="{two_teams["later"].person_id}"' in form and "下月走" in form


def test_a_team_leader_sees_their_own_team_only(client, signed_in, two_teams):
    signed_in("team-leader", person=two_teams["leader"])
    page = table(client.get("/due/?state=all&what=all").get_data(as_text=True))
    assert "迟到者" in page and "将出发" not in page and "下月走" not in page
    assert two_teams["mine"].code in page and two_teams["theirs"].code not in page
    # asking for another team's project does not widen the view
    page = table(client.get(f"/due/?state=all&project_id={two_teams['theirs'].id}").get_data(as_text=True))
    assert "将出发" not in page


def test_a_viewer_sees_every_team(client, signed_in, two_teams):
    signed_in("viewer")
    page = table(client.get("/due/?state=all").get_data(as_text=True))
    assert "迟到者" in page and "下月走" in page


def test_checkpoints_can_be_listed(client, signed_in, two_teams):
    signed_in("secretary")
    page = table(client.get("/due/?state=all&what=checkpoints").get_data(as_text=True))
    assert "Closing integrity report" in page and "迟到者" not in page


def test_the_list_costs_the_same_queries_for_more_dispatches(client, signed_in, two_teams, make_dispatch,
                                                            make_person, count_queries):
    signed_in("secretary")
    client.get("/due/?state=all")
    with count_queries() as few:
        assert client.get("/due/?state=all").status_code == 200
    for n in range(30):
        make_dispatch(make_person(), two_teams["mine"], departure_date=TODAY - days(n), return_date=TODAY + days(n))
    with count_queries() as many:
        assert client.get("/due/?state=all").status_code == 200
    assert many.count == few.count


@pytest.mark.parametrize("url", ["/dispatches/{d}", "/people/{p}", "/projects/{project}", "/branches/{b}"])
def test_detail_pages_cost_the_same_queries_for_more_talks(client, signed_in, two_teams, make_talk,
                                                           make_person, count_queries, url):
    signed_in("secretary")
    t = two_teams
    d = t["late"]
    url = url.format(d=d.id, p=d.person_id, project=t["mine"].id, b=t["branch"].id)
    make_talk(d.person, t["leader"], dispatch=d, talk_date=d.departure_date)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(5):
        make_talk(d.person, t["leader"], talk_type="integrity_reminder", dispatch=d, talk_date=TODAY - days(n))
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_the_same_page_asked_again_after_a_write_shows_the_write(client, signed_in, two_teams, make_person,
                                                                 make_dispatch, make_talk):
    """Its statements are built once and kept (tracker.statements.built_statement); what they
    read is read again on every request."""
    signed_in("secretary")
    assert "Overdue: <strong>1</strong>" in client.get("/due/").get_data(as_text=True)
    late = make_dispatch(make_person("又迟到"), two_teams["mine"], departure_date=TODAY - days(5),
                         return_date=TODAY + days(50))
    page = client.get("/due/").get_data(as_text=True)
    assert "Overdue: <strong>2</strong>" in page and "又迟到" in table(page)
    make_talk(late.person, two_teams["leader"], dispatch=late)
    page = client.get("/due/").get_data(as_text=True)
    assert "Overdue: <strong>1</strong>" in page and "又迟到" not in table(page)
