"""Access rows for the deleted-records page (issue 6)."""
from __future__ import annotations

from tests.access_effects import restored
from tracker import clock
from tracker.people.models import Person

ADMIN = {"admin"}  # as in tests/test_access.py, which imports this module

ROWS = {
    "trash.index": ("GET", "/admin/deleted/", ADMIN),
    "trash.restore": ("POST", "/admin/deleted/person/{deleted_person}/restore", ADMIN),
}

#: the deleted-records page is the admin's: others are refused before any record is looked up
EFFECTS = {"trash.restore": restored(Person, "deleted_person", refused=403)}


def ids(world, getfixture) -> dict:
    person = getfixture("make_person")("已删除人员")
    person.deleted_at = clock.now()
    getfixture("session").flush()
    return {"deleted_person": person.id}
