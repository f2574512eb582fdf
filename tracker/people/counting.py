"""The kept count of live party members (tracker.kept_counts, name "party_member": people with
deleted_at NULL and a party_status other than "none"), which the bureau's points table reads
on every page instead of counting the person table: kept by every ORM write that adds, deletes
for good, deletes softly, restores a person or changes their party status, counted again after
a bulk write to the person table run through a session; `flask people recount` counts it
again (after writes that bypass the application). tests/test_people_counting.py compares it
with a count after random writes."""
from __future__ import annotations

from tracker import kept_counts
from tracker.people.models import Person

NAME = "party_member"
_NOT_A_MEMBER = "none"

PARTY_MEMBERS = kept_counts.Rows(
    NAME, Person, ("deleted_at", "party_status"),
    counts=lambda person: person["deleted_at"] is None and person["party_status"] != _NOT_A_MEMBER,
    where=lambda: (Person.deleted_at.is_(None)) & (Person.party_status != _NOT_A_MEMBER))
#: every live person, which the unfiltered people list shows on every page (tracker.web.count_of)
LIVE_PEOPLE = kept_counts.live_rows("person", Person)
recount = PARTY_MEMBERS.recount
recount_command = PARTY_MEMBERS.recount_command("live party members")
