"""Two people save the same record at once: one wins, the other gets the conflict page with
what they typed, and nothing is overwritten silently. On a database of its own with real
connections and commits (not the suite's rolled-back transaction), SQLite or PostgreSQL."""
from __future__ import annotations

import threading

from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.security.conftest import add_user
from tracker import records
from tracker.extensions import db
from tracker.history.models import HistoryEntry
from tracker.people.models import Person


def setup(app, new_client):
    add_user(app, "anna", "secretary")
    add_user(app, "ben", "admin")
    with app.app_context():
        person = Person(name="林芳", party_status="full", source="in_house", post="审计员")
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    clients = []
    for username in ("anna", "ben"):
        c = new_client(app)
        c.post("/sign-in", data={"username": username, "password": PASSWORD})
        c.csrf_token = None
        c.fetch_csrf()
        assert c.get(f"/people/{person_id}/edit").status_code == 200  # both open the form
        clients.append(c)
    return person_id, clients


def form(name: str, version: int = 1) -> dict:
    return {"name": name, "party_status": "full", "source": "in_house", "home_organisation": "",
            "post": "审计员", "phone": "", "version": str(version)}


def saved(app, person_id):
    with app.app_context():
        person = db.session.get(Person, person_id)
        updates = db.session.scalars(select(HistoryEntry).where(
            HistoryEntry.record_type == "person", HistoryEntry.record_id == person_id,
            HistoryEntry.action == "update")).all()
        return person.name, person.version, [u.changes for u in updates]


def test_second_save_gets_a_conflict_with_its_input_kept(real_app, new_client):
    person_id, (anna, ben) = setup(real_app, new_client)
    assert anna.post(f"/people/{person_id}/edit", data=form("林芳（组长）")).status_code == 302
    response = ben.post(f"/people/{person_id}/edit", data=form("林芳芳"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this record" in page
    assert 'value="林芳芳"' in page  # Ben's input is still in the form
    assert "林芳（组长）" in page  # and he sees what is saved now
    assert saved(real_app, person_id) == ("林芳（组长）", 2, [{"name": ["林芳", "林芳（组长）"]}])
    # Saving again from the conflict page (now at version 2) keeps Ben's value knowingly.
    assert ben.post(f"/people/{person_id}/edit", data=form("林芳芳", 2)).status_code == 302
    assert saved(real_app, person_id)[:2] == ("林芳芳", 3)


def test_simultaneous_saves_past_the_form_check_still_conflict(real_app, new_client, monkeypatch):
    """Both requests pass the form's version check before either writes; the database's
    version check (UPDATE … WHERE version = 1) must stop the second."""
    person_id, clients = setup(real_app, new_client)
    both_checked = threading.Barrier(2, timeout=1.5)
    original = records.check_version

    def check_then_wait(obj, expected):
        original(obj, expected)
        try:
            both_checked.wait()  # on SQLite the second POST waits for the write lock instead
        except threading.BrokenBarrierError:
            pass

    monkeypatch.setattr(records, "check_version", check_then_wait)
    names = ["林芳-A", "林芳-B"]
    responses = [None, None]

    def save(i):
        responses[i] = clients[i].post(f"/people/{person_id}/edit", data=form(names[i]))

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 409], statuses
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    loser = 1 - winner
    assert f'value="{names[loser]}"' in responses[loser].get_data(as_text=True)
    name, version, updates = saved(real_app, person_id)
    assert (name, version) == (names[winner], 2)
    assert updates == [{"name": ["林芳", names[winner]]}]  # one write, fully recorded
