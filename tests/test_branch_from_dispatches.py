"""Building a branch: the party members dispatched to its projects join in one step with the
dates of their dispatches; people who are not party members are refused as members and
listed apart as possible attendees."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from tests.conftest import TODAY
from tracker.branches.models import Membership


def test_members_added_in_bulk_from_dispatches(client, signed_in, make_project, make_person,
                                                make_branch, make_dispatch, session):
    project = make_project()
    branch = make_branch(projects=[project], approval_date=TODAY - dt.timedelta(days=5))
    full, probation = make_person("林芳"), make_person("郑浩", party_status="probationary")
    activist = make_person("陈晨", party_status="none")
    early = make_dispatch(full, project, departure_date=TODAY - dt.timedelta(days=10),
                          return_date=TODAY + dt.timedelta(days=20))
    make_dispatch(probation, project, departure_date=TODAY, return_date=TODAY + dt.timedelta(days=30))
    make_dispatch(activist, project)
    signed_in("secretary")

    page = client.get(f"/dispatches/to-branch/{branch.id}").get_data(as_text=True)
    assert re.search(rf'name="dispatch_id" value="{early.id}" id="dispatch-{early.id}" checked', page)
    assert "陈晨" in page.split('id="attendees-heading"')[1]  # apart, and not offered as a member
    assert "陈晨" not in page.split('id="attendees-heading"')[0]

    response = client.post(f"/dispatches/to-branch/{branch.id}",
                           data={"dispatch_id": [str(early.id)]})
    assert response.status_code == 302
    joined = {m.person.name: (m.joined_on, m.left_on) for m in session.scalars(select(Membership))}
    # joins when the branch was approved (the dispatch began before), leaves on the return date
    assert joined == {"林芳": (TODAY - dt.timedelta(days=5), TODAY + dt.timedelta(days=20))}
    page = client.get(f"/dispatches/to-branch/{branch.id}").get_data(as_text=True)
    assert "林芳" not in page and "郑浩" in page  # members already are not offered again


def test_a_non_party_member_is_refused_as_member(client, signed_in, make_project, make_person, make_branch,
                                                 session):
    branch = make_branch(projects=[make_project()])
    activist = make_person("陈晨", party_status="none")
    signed_in("secretary")
    response = client.post(f"/branches/{branch.id}/members/new", data={
        "person_id": str(activist.id), "role": "member", "joined_on": TODAY.isoformat(), "left_on": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "陈晨 is not a full or probationary party member, so cannot join the branch." in page
    assert session.scalar(select(Membership)) is None
