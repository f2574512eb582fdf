"""List and detail pages cost the same number of queries whatever the number of rows."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.branches.models import Branch


@pytest.fixture
def grow(make_person, make_project, make_branch, make_dispatch):
    """Add n rows of everything, each tied to the others, as the lists show them."""
    def add(n):
        for _ in range(n):
            leader = make_person()
            project = make_project(team_leader=leader)
            member = make_person()
            make_dispatch(member, project)
            make_branch(projects=[project], members=[(leader, "secretary"), member])
    return add


@pytest.mark.parametrize("url", [
    "/", "/projects/", "/people/", "/branches/", "/dispatches/", "/accounts/",
    "/projects/?q=审计&status=in_progress", "/people/?q=人员",
    "/due/", "/due/?state=all&what=all", "/due/?state=open&what=checkpoints&page=2", "/talks/", "/study/",
    "/due/?state=done", "/due/?person=%E4%BA%BA%E5%91%98",
    # projects and branches searched by code or name, or named by a link's id
    "/due/?state=all&project=P-&branch=%E6%94%AF%E9%83%A8", "/due/?what=all&project_id=1&branch_id=1",
    "/talks/?project=P-&branch=%E6%94%AF%E9%83%A8", "/talks/?project_id=1&branch_id=1",
    "/dispatches/?project=P-", "/dispatches/?project_id=1&q=%E4%BA%BA%E5%91%98",
    "/study/?branch=%E6%94%AF%E9%83%A8", "/study/?branch_id=1",
])
def test_list_pages_do_not_grow_with_rows(client, signed_in, grow, count_queries, url):
    signed_in("admin")
    grow(8)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    grow(8)  # twice the rows: not one query more
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, many.statements


def test_detail_pages_do_not_grow_with_related_rows(client, signed_in, make_person, make_project, make_branch, make_dispatch, count_queries):
    signed_in("admin")
    project = make_project()
    branch = make_branch(projects=[project])
    person = make_person()

    def add(n):
        for _ in range(n):
            member = make_person()
            make_dispatch(member, project)
            make_dispatch(person, make_project())

    urls = [f"/projects/{project.id}", f"/branches/{branch.id}", f"/people/{person.id}"]
    add(3)  # enough full members that every rule query runs already
    few = []
    for url in urls:
        with count_queries() as counter:
            client.get(url)
        few.append(counter.count)
    add(10)
    for url, before in zip(urls, few, strict=True):
        with count_queries() as counter:
            client.get(url)
        assert counter.count == before, url


@pytest.mark.parametrize(("args", "queries"), [
    # the user; the to-do box's counts (1); the headline's open items (3: their counts, the days
    # its two lists span, their items); the study rules' gaps (2); the period's due talks (1);
    # sessions per month and attendance (2); the review queue (2: its counts, its oldest
    # records); projects needing a branch (1)
    ("", 13),
    # and the search on branch names (1), which matched several
    ("?branch=%E6%94%AF%E9%83%A8", 14),
    # and the branch's name (1); the to-do box counts the whole bureau, the dashboard the branch
    # (the headline's open items and the study rules' gaps once more; no projects needing a branch)
    ("?branch_id={branch}", 18),
])
def test_the_dashboard_costs_a_fixed_number_of_queries(client, signed_in, grow, count_queries, session,
                                                        args, queries):
    signed_in("admin")
    grow(8)
    url = "/" + args.format(branch=session.scalar(select(func.min(Branch.id))))
    client.get(url)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert counter.count == queries, counter.statements


def test_branch_page_costs_a_fixed_number_of_queries(client, signed_in, grow, make_branch, make_project,
                                                     make_person, make_dispatch, count_queries):
    """The branch page: the branch with its projects (one query), its members with their
    people and their history (one query), the study rules' sessions and the recent ones (one
    query; the branch page's own record serving for the branch), the talks due and the
    checkpoints (one query), the talks held, and the layout's own (the user, the to-do count)."""
    signed_in("admin")
    grow(3)
    project = make_project()
    branch = make_branch(projects=[project], members=[make_person() for _ in range(5)])
    for _ in range(5):
        make_dispatch(make_person(), project)
    with count_queries() as counter:
        assert client.get(f"/branches/{branch.id}").status_code == 200
    assert counter.count == BRANCH_PAGE_QUERIES, counter.statements


#: what the branch page asks the database, whatever its members, sessions and talks
BRANCH_PAGE_QUERIES = 7


def test_a_team_leaders_branch_page_asks_once_which_members_may_be_removed(
        client, signed_in, make_branch, make_project, make_person, session, count_queries):
    """The team leader may remove the members nothing approved depends on: whether each has
    attendance at counted sessions is one query for all of them, not one per member."""
    from tracker.branches.models import Membership

    leader = signed_in("team-leader")
    branch = make_branch(projects=[make_project(team_leader=leader.person)],
                         members=[make_person() for _ in range(2)])
    url = f"/branches/{branch.id}"
    client.get(url)
    with count_queries() as few:
        page = client.get(url).get_data(as_text=True)
    assert page.count("/delete") >= 2  # the removals are offered: the question was asked
    for _ in range(5):
        session.add(Membership(branch=branch, person=make_person(), role="member", joined_on=branch.approval_date))
    session.flush()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count == LEADERS_BRANCH_PAGE_QUERIES, many.statements


#: the branch page of a team leader who leads it: the admin's, the branch's projects as
#: records (whether the user leads it), and which members have attendance (one query)
LEADERS_BRANCH_PAGE_QUERIES = 9
