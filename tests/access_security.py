"""Access rows for the deleted-records page."""
from __future__ import annotations

from tests.access_effects import undeleted
from tracker import clock
from tracker.people.models import Person

ADMIN = {"admin"}  # as in tests/test_access.py, which imports this module

ROWS = {
    "trash.index": ("GET", "/admin/deleted/", ADMIN),
    "trash.undelete": ("POST", "/admin/deleted/person/{deleted_person}/undelete", ADMIN),
}

#: the deleted-records page is the admin's: others are refused before any record is looked up
EFFECTS = {"trash.undelete": undeleted(Person, "deleted_person", refused=403)}


def ids(world, getfixture) -> dict:
    person = getfixture("make_person")("已删除人员")
    person.deleted_at = clock.now()
    getfixture("session").flush()
    return {"deleted_person": person.id}
