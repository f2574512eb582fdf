"""Access rows for the deleted-records page (issue 6)."""
from __future__ import annotations

from tracker import clock

ADMIN = {"admin"}  # as in tests/test_access.py, which imports this module

ROWS = {
    "trash.index": ("GET", "/admin/deleted/", ADMIN),
    "trash.restore": ("POST", "/admin/deleted/person/{deleted_person}/restore", ADMIN),
}


def ids(world, getfixture) -> dict:
    person = getfixture("make_person")("已删除人员")
    person.deleted_at = clock.now()
    getfixture("session").flush()
    return {"deleted_person": person.id}
