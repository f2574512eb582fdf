"""New words of the 三会一课 work: a person's gender and date of joining the party (checked,
kept in history, on the person page and in the ledger's roster), the heart-to-heart and
integrity talks (never due), and the organising and publicity members of a branch."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.fixtures_ledger import document_text, open_document, open_workbook
from tests.test_ledger import by_header, export, secretary  # noqa: F401  (secretary: a fixture)
from tests.test_talks import errors_of, form_data, scene  # noqa: F401  (scene: a fixture)
from tracker.due import DueFilters, due_items
from tracker.history.models import HistoryEntry
from tracker.people.models import Person
from tracker.talks.models import Talk

D = dt.date


def person_form(**changes):
    data = {"name": "林芳", "party_status": "full", "source": "in_house", "home_organisation": "",
            "post": "", "phone": "13805910003", "gender": "female", "joined_party_on": "2012-05-04",
            "version": ""}
    return {**data, **changes}


def test_gender_and_joining_date_are_saved_shown_and_kept_in_history(client, signed_in, session):
    signed_in("secretary")
    response = client.post("/people/new", data=person_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    person = session.scalar(select(Person).where(Person.name == "林芳"))
    assert (person.gender, person.joined_party_on, person.phone) == ("female", D(2012, 5, 4), "13805910003")
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Joined the party on" in page and "May 4, 2012" in page and "Female" in page
    response = client.post(f"/people/{person.id}/edit",
                           data=person_form(joined_party_on="2013-07-01", gender="", version=str(person.version)))
    assert response.status_code == 302
    entry = session.scalars(select(HistoryEntry).where(
        HistoryEntry.record_type == "person", HistoryEntry.record_id == person.id).order_by(HistoryEntry.id.desc())).first()
    assert entry.changes["joined_party_on"] == ["2012-05-04", "2013-07-01"]
    assert entry.changes["gender"] == ["female", ""]
    client.post("/language", data={"lang": "zh"})
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "入党时间" in page and "2013年7月1日" in page and "性别" in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"joined_party_on": "2026-06-16"}, "joined_party_on", "cannot be in the future"),  # today is 06-15
    ({"joined_party_on": "1921-06-30"}, "joined_party_on", "founded on 1 July 1921"),
    ({"joined_party_on": "2010-01-01", "party_status": "none"}, "joined_party_on", "Only party members"),
    ({"joined_party_on": "2010-13-01"}, "joined_party_on", "Not a valid date"),
    ({"gender": "other"}, "gender", "Not a valid choice"),
])
def test_bad_input_comes_back_next_to_the_field(client, signed_in, session, changes, field, message):
    signed_in("secretary")
    response = client.post("/people/new", data=person_form(name="试填", **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in errors_of(page, field), page
    assert "试填" in page  # what was typed comes back
    assert session.scalar(select(Person).where(Person.name == "试填")) is None


def test_the_edges_of_the_joining_date_are_accepted(client, signed_in, session):
    signed_in("secretary")
    for name, day in (("建党", "1921-07-01"), ("今天", "2026-06-15")):
        assert client.post("/people/new", data=person_form(name=name, joined_party_on=day)).status_code == 302
    assert client.post("/people/new", data=person_form(name="未填", joined_party_on="", gender="")).status_code == 302
    assert session.scalar(select(Person).where(Person.name == "未填")).joined_party_on is None


def test_the_roster_has_the_new_columns_in_every_format(client, ledger_site, secretary, session):  # noqa: F811
    wang = ledger_site["wang"]
    wang.gender, wang.joined_party_on, wang.phone = "male", D(2004, 6, 18), "0591-87650001"
    session.flush()
    b = ledger_site["branch"]
    roster = by_header(open_workbook(export(client, "excel", branch_id=b.id).data)["Roster"])
    first = roster[0]
    assert (first["Name"], first["Gender"], first["Joined the party on"], first["Phone"]) == (
        "王磊", "Male", dt.datetime(2004, 6, 18), "0591-87650001")  # a real date in the workbook
    assert roster[1]["Gender"] is None and roster[1]["Joined the party on"] is None
    page = client.get(f"/ledger/print?branch_id={b.id}").get_data(as_text=True)
    assert "Joined the party on" in page and "Jun 18, 2004" in page and "0591-87650001" in page
    client.post("/language", data={"lang": "zh"})
    text = document_text(open_document(export(client, "word", branch_id=b.id).data))
    assert "入党时间" in text and "性别" in text and "2004年6月18日" in text and "男" in text


# Talk types and branch roles -------------------------------------------------------------
def test_new_talk_types_are_recorded_but_never_due(client, scene, session):  # noqa: F811
    sign_in(client, scene["secretary"])
    d = scene["dispatch"]
    before = {(i.kind, i.state) for i in due_items(DueFilters(dispatch_id=d.id))}
    assert before == {("pre_talk", "overdue"), ("post_talk", "due_soon")}
    for kind in ("heart_to_heart", "integrity_talk"):
        # with the dispatch: it does not stand in for the pre- or post-dispatch talk
        response = client.post("/talks/new", data=form_data(scene, talk_type=kind))
        assert response.status_code == 302, response.get_data(as_text=True)
        # without one: a heart-to-heart talk needs no dispatch
        response = client.post("/talks/new", data=form_data(scene, talk_type=kind, dispatch_id=""))
        assert response.status_code == 302, response.get_data(as_text=True)
    saved = session.scalars(select(Talk.talk_type).order_by(Talk.id)).all()
    assert saved == ["heart_to_heart"] * 2 + ["integrity_talk"] * 2
    assert {(i.kind, i.state) for i in due_items(DueFilters(dispatch_id=d.id))} == before
    assert not [i for i in due_items(DueFilters()) if i.talk_type not in ("pre_dispatch", "post_dispatch", None)]
    client.post("/language", data={"lang": "zh"})
    page = client.get("/talks/new").get_data(as_text=True)
    assert "谈心谈话" in page and "廉政谈话" in page


def test_organising_and_publicity_members(client, signed_in, make_project, make_branch, make_person, session):
    signed_in("secretary")
    branch = make_branch(projects=[make_project()])
    first, second = make_person("组织一"), make_person("组织二")
    for person, role in ((first, "organising_member"), (make_person("宣传"), "publicity_member")):
        response = client.post(f"/branches/{branch.id}/members/new", data={
            "person_id": str(person.id), "role": role, "joined_on": "2026-06-10"})
        assert response.status_code == 302, response.get_data(as_text=True)
    # one organising member at a time
    response = client.post(f"/branches/{branch.id}/members/new", data={
        "person_id": str(second.id), "role": "organising_member", "joined_on": "2026-06-12"})
    assert response.status_code == 400 and "组织一 already holds this role" in response.get_data(as_text=True)
    client.post("/language", data={"lang": "zh"})
    page = client.get(f"/branches/{branch.id}").get_data(as_text=True)
    assert "组织委员" in page and "宣传委员" in page
