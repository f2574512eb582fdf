"""The dashboard's headline counts what is open now, whatever its due date: the
secretary saw 3 overdue talks while 11 were, a team leader 0 while his project had 3. Lists
that stop at a cap say how many more there are, and link to them; a newly overdue item heads
its list. Today is 2026-06-15; the period is June."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from tests.conftest import sign_in
from tracker.dashboard import figures
from tracker.projects.models import IntegrityCheckpoint

D = dt.date


@pytest.fixture
def quiet_project(make_project, session):
    """A project whose integrity checkpoints are all done: only its talks can be overdue."""
    def make(**kw):
        project = make_project(**kw)
        session.execute(update(IntegrityCheckpoint).where(IntegrityCheckpoint.project_id == project.id)
                        .values(done_on=project.start_date))
        return project
    return make


@pytest.fixture
def overdue(make_person, make_dispatch):
    """n dispatches that left on `day` without a pre-dispatch talk."""
    def add(project, n, day, prefix="迟"):
        return [make_dispatch(make_person(f"{prefix}{day:%m%d}-{k}"), project, departure_date=day)
                for k in range(n)]
    return add


def headline(page: str, fig_id: str) -> int:
    match = re.search(rf'id="{fig_id}">\s*<div[^>]*><div[^>]*>(\d+)</div>', page)
    assert match, fig_id
    return int(match.group(1))


def test_headline_counts_every_open_overdue_talk_not_only_the_periods(
        client, signed_in, make_person, make_user, quiet_project, overdue):
    leader = make_person("组长甲")
    mine = quiet_project(code="MINE", team_leader=leader, start_date=D(2026, 4, 1), end_date=D(2026, 9, 30))
    other = quiet_project(code="OTHER", start_date=D(2026, 3, 1), end_date=D(2026, 9, 30))
    overdue(mine, 3, D(2026, 5, 10))  # the leader's three, due last month
    overdue(other, 7, D(2026, 3, 20))  # due in March
    overdue(other, 1, D(2026, 6, 3))  # the only one due in June
    signed_in("secretary")
    page = client.get("/").get_data(as_text=True)
    assert headline(page, "fig-talks-overdue") == 11
    assert re.search(r'id="fig-completion-overdue">1<', page)  # June's own, labelled as the period's
    assert "the oldest 87 days overdue" in page  # 2026-03-20 to 2026-06-15
    sign_in(client, make_user("team-leader", person=leader))
    page = client.get("/").get_data(as_text=True)
    assert headline(page, "fig-talks-overdue") == 3
    assert re.search(r'id="fig-completion-overdue">0<', page)


def test_more_link_appears_exactly_when_the_cap_cuts(client, signed_in, quiet_project, overdue):
    project = quiet_project(start_date=D(2026, 3, 1))
    overdue(project, figures.LIST_LIMIT, D(2026, 4, 1))
    signed_in("secretary")
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="dash-due-row"') == figures.LIST_LIMIT
    assert "dash-more" not in page
    overdue(project, 1, D(2026, 4, 2))
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="dash-due-row"') == figures.LIST_LIMIT
    more = re.search(r'<a class="dash-more" href="([^"]+)">1 more</a>', page)
    assert more and more.group(1).replace("&amp;", "&") == "/due/?state=overdue&what=all"
    listed = client.get("/due/?state=overdue&what=all").get_data(as_text=True)
    assert listed.count('class="due-row') == figures.LIST_LIMIT + 1


def test_a_newly_overdue_item_heads_the_list_however_many_are_older(client, signed_in, quiet_project, overdue):
    project = quiet_project(start_date=D(2026, 1, 1))
    overdue(project, 3 * figures.LIST_LIMIT, D(2026, 2, 1), prefix="旧")
    overdue(project, 1, D(2026, 6, 14), prefix="新")  # left yesterday: overdue since today
    signed_in("secretary")
    page = client.get("/").get_data(as_text=True)
    rows = re.findall(r'class="dash-due-row">(.*?)</tr>', page, re.S)
    assert "新0614-0" in rows[0] and "1 day" in rows[0]
    assert '">21 more</a>' in page


def test_review_queue_says_how_many_more_wait(client, signed_in, make_branch, make_project, make_session):
    branch = make_branch(projects=[make_project()])
    for n in range(figures.LIST_LIMIT + 2):
        make_session(branch, held_on=D(2026, 6, 1), status="submitted",
                     submitted_at=dt.datetime(2026, 6, 2, n, tzinfo=dt.UTC))
    signed_in("secretary")
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="dash-review-row"') == figures.LIST_LIMIT
    assert '<span class="dash-more">2 more</span>' in page
