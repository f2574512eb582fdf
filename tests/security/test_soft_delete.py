"""Deleting is soft everywhere, an admin lists and restores deleted records of every type
on one page, and history is never deleted."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from tests.conftest import sign_in
from tracker import clock, records
from tracker.db import Base, Tracked
from tracker.history.models import HistoryEntry
from tracker.history.services import record
from tracker.security.history_guard import HistoryIsKept

TRACKER = Path(__file__).resolve().parents[2] / "tracker"

#: mapped classes that are not soft-deleted, and why
NOT_SOFT_DELETED = {
    "history_entry": "the history itself: never deleted at all",
    "integrity_checkpoint": "one row per checkpoint kind of a project, created with it and never removed",
    "attendance": "part of its study session: replaced as a whole on edit, each change recorded "
                  "(before → after) in the session's history; the session itself is soft-deleted",
    "attachment": "soft-deleted through its own deleted_at; a stored file never changes, so no version",
    "integrity_list_version": "versioned reference data, appended and never changed or removed",
    "integrity_item": "items of a list version, appended with it and never changed or removed",
    "calendar_feed": "a calendar token (a credential, not a record): revoking removes it",
    "kept_form": "form input held across a lost sign-in, removed once given back or expired",
    "sign_in": "a sign-in token (a credential, not a record): ended ones are removed",
    "points_scheme": "versioned reference data: a new version is loaded, none is changed or removed",
    "points_category": "categories of a points scheme version, loaded with it and never changed",
    "points_item": "items of a points scheme version, loaded with it and never changed",
    "due_talk": "derived from dispatches and talks, written again whenever they change (tracker/due/upkeep.py)",
    "due_checkpoint": "derived from projects and their checkpoints, written again whenever they change "
                      "(tracker/due/upkeep.py)",
    "due_lag_count": "derived counts of due_talk and due_checkpoint by lag (tracker/due/kept.py), written "
                     "whole again on a rebuild",
    "due_open_count": "derived counts of due_talk and due_checkpoint by date (tracker/due/kept.py), written "
                      "whole again on a rebuild",
    "kept_count": "derived counts of whole tables (tracker/kept_counts.py), written whole again on a rebuild",
    "points_tally": "derived from the records (tracker/points/tally.py): recounted rows replace the old",
    "points_score_count": "derived from the tally and people (tracker/points/score_counts.py), counted again "
                          "on a rebuild",
    "points_tally_status": "a flag that the tally awaits `flask points rebuild`, removed by it",
    "study_month": "derived from sessions and attendance, a month's rows written again whenever they change "
                   "(tracker/study/upkeep.py)",
    "study_month_total": "derived sums of study_month (tracker/study/upkeep.py), written whole again on a rebuild",
    "person_name_character": "derived from people's names, a person's rows written again whenever the name "
                             "changes (tracker/people/name_index.py)",
}

#: modules that delete rows on purpose, and why
DELETES_ON_PURPOSE = {
    "study/models.py": "attendance rows go with their session (see NOT_SOFT_DELETED)",
    "calendar/services.py": "a revoked calendar token is removed so it can never work again",
    "formkeep.py": "kept form input is removed once given back, so it lives no longer than needed",
    "auth/signins.py": "ended and timed-out sign-ins are removed at the user's next sign-in",
    "due/upkeep.py": "due_talk and due_checkpoint rows are derived data: a dispatch's (project's) rows are "
                     "removed and written again",
    "due/kept.py": "the due counts are derived data: a rebuild removes their rows and counts them again",
    "points/tally.py": "the tally is derived: a recount replaces a person's rows of a year",
    "points/score_counts.py": "the spread of scores is derived data: a rebuild removes its rows and counts them again",
    "study/upkeep.py": "study_month rows are derived data: a branch's month is removed and written again "
                       "(and the totals of them on a rebuild)",
    "kept_counts.py": "a kept count is derived data: its shards are removed and written again on a rebuild",
    "people/name_index.py": "a name's characters are derived data: a person's rows are removed and written "
                            "again when the name changes",
}


def test_every_record_type_is_deleted_softly():
    hard = {m.class_.__tablename__ for m in Base.registry.mappers if not issubclass(m.class_, Tracked)}
    assert hard <= set(NOT_SOFT_DELETED), (
        f"{sorted(hard - set(NOT_SOFT_DELETED))}: use the Tracked mixin (soft delete, version), "
        "or add the table to NOT_SOFT_DELETED with the reason")


def _deleting_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "delete":
            found.append(f"line {node.lineno}: .delete(…)")
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sqlalchemy"):
            found += [f"line {node.lineno}: imports delete" for a in node.names if a.name == "delete"]
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "DELETE FROM" in node.value.upper() or "delete-orphan" in node.value or "all, delete" in node.value:
                found.append(f"line {node.lineno}: {node.value[:40]!r}")
        if isinstance(node, ast.keyword) and node.arg == "ondelete":
            found.append(f"line {node.lineno}: ondelete=")
    return found


@pytest.mark.parametrize("module", sorted(p.relative_to(TRACKER).as_posix() for p in TRACKER.rglob("*.py")))
def test_no_code_path_deletes_rows(module):
    """No session.delete, no DELETE statement, no delete cascade: records are only ever
    marked deleted, and history rows are never touched."""
    calls = _deleting_calls(ast.parse((TRACKER / module).read_text()))
    if module in DELETES_ON_PURPOSE:
        assert calls, f"tracker/{module} no longer deletes rows: drop it from DELETES_ON_PURPOSE"
        return
    assert calls == [], f"tracker/{module} deletes rows: {calls}"


def test_the_orm_refuses_to_delete_history(session, make_person):
    person = make_person()
    entry = record(person, "update", {"name": ("a", "b")})
    session.flush()
    with pytest.raises(HistoryIsKept):
        session.delete(entry)
        session.flush()
    session.rollback()
    with pytest.raises(HistoryIsKept):
        session.execute(delete(HistoryEntry).where(HistoryEntry.id > 0))


def test_admin_lists_and_undeletes_deleted_records_of_every_type(client, world_deleted):
    admin = world_deleted["admin"]
    sign_in(client, admin)
    page = client.get("/admin/deleted/").get_data(as_text=True)
    for text in ("Person", "Audit project", "Dispatch", "已删除的人", "已删除的项目", admin.name):
        assert text in page, text
    person = world_deleted["person"]
    assert f'href="/people/{person.id}"' in page  # the record's own page, where it has one
    response = client.post(f"/admin/deleted/person/{person.id}/undelete")
    assert response.status_code == 302
    assert person.deleted_at is None
    actions = [e.action for e in world_deleted["session"].scalars(
        select(HistoryEntry).where(HistoryEntry.record_type == "person", HistoryEntry.record_id == person.id))]
    assert actions.count("delete") == 1 and actions.count("restore") == 1
    assert "已删除的人" not in client.get("/admin/deleted/").get_data(as_text=True)


def test_restoring_an_unknown_type_or_a_live_record(client, world_deleted, make_person):
    sign_in(client, world_deleted["admin"])
    assert client.post("/admin/deleted/history_entry/1/undelete").status_code == 404
    assert client.post("/admin/deleted/nonsense/1/undelete").status_code == 404
    live = make_person()
    assert client.post(f"/admin/deleted/person/{live.id}/undelete").status_code == 302  # nothing to do


def test_deleted_records_page_costs_the_same_for_many_rows(client, world_deleted, make_person, session, count_queries):
    sign_in(client, world_deleted["admin"])
    client.get("/admin/deleted/")
    with count_queries() as few:
        client.get("/admin/deleted/")
    for n in range(15):
        p = make_person(f"删{n}")
        records.soft_delete(p)
    session.flush()
    with count_queries() as many:
        client.get("/admin/deleted/")
    assert many.count == few.count


@pytest.fixture
def world_deleted(session, make_user, make_person, make_project, make_dispatch, client):
    """A person, a project and a dispatch deleted through the normal path by an admin."""
    admin = make_user("admin")
    sign_in(client, admin)
    person = make_person("已删除的人")
    project = make_project(code="P-DEL", name="已删除的项目")
    dispatch = make_dispatch(make_person(), make_project())
    for obj in (person, project, dispatch):
        assert client.post(_delete_url(obj)).status_code == 302
    session.expire_all()
    assert person.deleted_at and project.deleted_at and dispatch.deleted_at
    return {"admin": admin, "person": person, "session": session, "now": clock.now()}


def _delete_url(obj) -> str:
    prefix = {"person": "people", "project": "projects", "dispatch": "dispatches"}[obj.__tablename__]
    return f"/{prefix}/{obj.id}/delete"
