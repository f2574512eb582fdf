from __future__ import annotations

from tracker import records
from tracker.people.models import Person


def create_person(data: dict) -> Person:
    return records.create(Person, data)


def update_person(person: Person, data: dict, version: int | None) -> Person:
    records.update(person, data, version)
    return person
