"""Create, edit, delete and restore through the pages: validation, history and conflicts."""
from __future__ import annotations

from sqlalchemy import func, select

from tracker.history.models import HistoryEntry
from tracker.people.models import Person
from tracker.projects.models import Project

PROJECT_FORM = {
    "name": "财政预算执行审计",
    "code": "SJ-2026-07",
    "audited_entity": "区财政局",
    "project_type": "cross_audit",
    "site": "区财政局",
    "start_date": "2026-07-01",
    "end_date": "2026-08-31",
    "status": "planned",
    "team_leader_id": "",
}


def test_create_project_records_history(client, signed_in, session):
    user = signed_in("secretary")
    response = client.post("/projects/new", data=PROJECT_FORM)
    assert response.status_code == 302
    project = session.scalar(select(Project).where(Project.code == "SJ-2026-07"))
    assert project.name == "财政预算执行审计"
    assert len(project.checkpoints) == 5
    entry = session.scalar(select(HistoryEntry).where(HistoryEntry.record_type == "project"))
    assert entry.action == "create" and entry.user_id == user.id
    assert entry.changes["code"] == [None, "SJ-2026-07"]
    page = client.get(response.location).get_data(as_text=True)
    assert "History" in page and "SJ-2026-07" in page


def test_bad_project_form_comes_back_filled_with_messages(client, signed_in, session):
    signed_in("secretary")
    data = {**PROJECT_FORM, "name": "", "start_date": "2026-13-45", "end_date": "2026-06-01"}
    response = client.post("/projects/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This field is required." in page
    assert "Enter a date as YYYY-MM-DD." in page
    assert 'value="SJ-2026-07"' in page and 'value="区财政局"' in page
    assert session.scalar(select(func.count(Project.id))) == 0


def test_end_before_start_is_refused(client, signed_in):
    signed_in("secretary")
    response = client.post("/projects/new", data={**PROJECT_FORM, "end_date": "2026-06-30"})
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.get_data(as_text=True)


def test_duplicate_project_code_is_refused(client, signed_in, make_project):
    make_project(code="SJ-2026-07")
    signed_in("secretary")
    response = client.post("/projects/new", data=PROJECT_FORM)
    assert response.status_code == 400
    assert "Another project already has this code." in response.get_data(as_text=True)


def test_too_long_values_are_refused_not_truncated(client, signed_in):
    signed_in("secretary")
    response = client.post("/people/new", data={"name": "名" * 51, "party_status": "full", "source": "in_house"})
    assert response.status_code == 400
    assert "Field cannot be longer than 50 characters." in response.get_data(as_text=True)


def test_edit_person_records_before_and_after(client, signed_in, make_person, session):
    person = make_person("林芳", post="审计员")
    signed_in("admin")
    response = client.post(f"/people/{person.id}/edit", data={
        "name": "林芳", "party_status": "full", "source": "in_house", "post": "主任科员",
        "version": str(person.version),
    })
    assert response.status_code == 302
    entry = session.scalar(select(HistoryEntry).where(
        HistoryEntry.record_type == "person", HistoryEntry.record_id == person.id, HistoryEntry.action == "update"))
    assert entry.changes == {"post": ["审计员", "主任科员"]}


def test_edit_after_someone_else_changed_it_is_a_conflict(client, signed_in, make_person, session):
    person = make_person("林芳", post="审计员")
    opened_at = person.version
    person.phone = "13800000000"  # someone else saves meanwhile
    session.flush()
    signed_in("admin")
    response = client.post(f"/people/{person.id}/edit", data={
        "name": "林芳", "party_status": "full", "source": "in_house", "post": "科长",
        "version": str(opened_at),
    })
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this record after you opened it." in page
    assert 'value="科长"' in page  # what the user typed is kept
    session.expire_all()
    saved = session.get(Person, person.id)
    assert saved.post == "审计员" and saved.phone == "13800000000"  # nothing overwritten
    # Saving again from the conflict page (it now carries the current version) is deliberate.
    response = client.post(f"/people/{person.id}/edit", data={
        "name": "林芳", "party_status": "full", "source": "in_house", "post": "科长",
        "version": str(saved.version),
    })
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Person, person.id).post == "科长"


def test_soft_delete_hides_and_admin_undeletes(client, signed_in, make_person, make_user, session):
    from tests.conftest import sign_in

    person = make_person("郑浩")
    signed_in("secretary")
    assert client.post(f"/people/{person.id}/delete").status_code == 302
    assert "郑浩" not in client.get("/people/").get_data(as_text=True)
    assert client.get(f"/people/{person.id}").status_code == 404
    session.expire_all()
    assert session.get(Person, person.id) is not None  # kept

    sign_in(client, make_user("admin"))
    assert "郑浩" in client.get("/people/?deleted=1").get_data(as_text=True)
    assert client.post(f"/people/{person.id}/undelete").status_code == 302
    assert "郑浩" in client.get("/people/").get_data(as_text=True)
    actions = session.scalars(select(HistoryEntry.action).where(
        HistoryEntry.record_type == "person", HistoryEntry.record_id == person.id).order_by(HistoryEntry.id)).all()
    assert actions == ["delete", "restore"]


def test_missing_fields_answer_400_not_500(client, signed_in):
    signed_in("admin")
    for url in ("/people/new", "/projects/new", "/dispatches/new", "/branches/new", "/accounts/new"):
        response = client.post(url, data={})
        assert response.status_code == 400, url


def test_checkpoints_are_dated(client, signed_in, make_project, session):
    project = make_project()
    signed_in("secretary")
    response = client.post(f"/projects/{project.id}/checkpoints", data={
        "version": str(project.version), "disclosure_on": "2026-06-02", "disclosure_note": "进点公示",
        "pledges_on": "2026-06-02",
    })
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "进点公示" in page
    entry = session.scalar(select(HistoryEntry).where(HistoryEntry.action == "checkpoints"))
    assert entry.changes["disclosure.done_on"] == [None, "2026-06-02"]


def test_ids_past_the_database_range_are_refused_not_500(client, signed_in):
    signed_in("admin")
    huge = "99999999999999999999"
    assert client.post("/dispatches/new", data={"person_id": huge, "project_id": huge,
                                                "departure_date": "2026-06-01", "return_date": "2026-06-02"}).status_code == 400
    assert client.post("/talks/new", data={"dispatch_id": huge, "talk_type": "pre_dispatch"}).status_code == 400
