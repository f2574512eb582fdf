"""Dispatch dates are checked against the project's: a warning next to the "Save anyway"
box, saved once the user confirms; in both languages."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tracker.dispatches.models import Dispatch


def test_dates_outside_the_project_warn_then_save_when_confirmed(client, signed_in, make_project,
                                                                 make_person, session):
    project = make_project(start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 7, 31))
    signed_in("secretary")
    data = {"person_id": str(make_person().id), "project_id": str(project.id),
            "departure_date": "2026-05-25", "return_date": "2026-07-31"}
    response = client.post("/dispatches/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The project runs from Jun 1, 2026 to Jul 31, 2026; these dates fall outside it." in page
    assert 'id="confirm_overlap-errors"' in page  # next to the box that confirms it
    zh = client.post("/dispatches/new", data=data, headers={"Accept-Language": "zh-CN"})
    assert "项目起止日期为" in zh.get_data(as_text=True)
    late = client.post("/dispatches/new", data={**data, "departure_date": "2026-06-01", "return_date": "2026-08-02"})
    assert late.status_code == 400
    assert session.scalar(select(Dispatch)) is None
    assert client.post("/dispatches/new", data={**data, "confirm_overlap": "y"}).status_code == 302
    assert session.scalar(select(Dispatch)).departure_date == dt.date(2026, 5, 25)
