"""The benchmark's data filler, at a small scale, and its reference page."""
from __future__ import annotations

from sqlalchemy import func, select

from tracker.bench.fill import Params, fill
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.people.models import Person


def test_fill_makes_what_it_is_asked_for(session):
    filled = fill(Params(branches=6, people=40, dispatches=90, sessions=30, attendance=200, talks=50))
    assert session.scalar(select(func.count(Person.id))) == 40
    assert session.scalar(select(func.count(Branch.id))) == 6
    assert session.scalar(select(func.count(Dispatch.id))) == 90
    assert session.scalar(select(func.count(Membership.id))) == filled.counts["memberships"] > 6
    # Every dispatch lies within its project's dates and every branch serves one project.
    for _, _, project_id, departure, return_ in filled.dispatches[:10]:
        assert any(p == project_id and s == departure and e == return_ for p, s, e in filled.projects)


def test_reference_page_shows_fifty_rows(client, signed_in, make_person):
    for _ in range(60):
        make_person()
    signed_in("viewer")
    page = client.get("/bench/reference").get_data(as_text=True)
    assert page.count("<tr>") == 51  # header + 50
