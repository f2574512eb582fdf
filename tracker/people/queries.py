from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, or_, select

from tracker import vocab
from tracker.extensions import db
from tracker.people import name_index
from tracker.people.models import Person
from tracker.web import SEARCH_LIMIT, like


def name_matches(q: str) -> ColumnElement[bool]:
    """A name containing `q`, or whose pinyin starts with it: its initials ("lf" for 林芳) or
    its spelling ("linf").

    The names are searched among those holding the text's characters that are not ASCII
    (tracker/people/name_index.py): a search for 王 reads the names with 王, not every name."""
    typed = q.strip()
    found = Person.name.like(like(typed), escape="\\")
    if (narrowed := name_index.holding(typed[:SEARCH_LIMIT])) is not None:  # what like() searches for
        found = and_(narrowed, found)
    spelled = typed.replace(" ", "").lower()[:SEARCH_LIMIT]
    if spelled.isascii() and spelled.isalpha():
        found = or_(found, Person.name_search.like(f"{spelled}%"), Person.name_search.like(f"% {spelled}%"))
    return found


def people(args, *, include_deleted: bool = False) -> Select:
    """People matching the list filters: q (name), party_status, source."""
    stmt = select(Person)
    if not include_deleted:
        stmt = stmt.where(Person.deleted_at.is_(None))
    else:
        stmt = stmt.where(Person.deleted_at.is_not(None))
    if q := (args.get("q") or "").strip():
        stmt = stmt.where(name_matches(q))
    if (status := args.get("party_status")) in vocab.PARTY_STATUSES:
        stmt = stmt.where(Person.party_status == status)
    if (source := args.get("source")) in vocab.SOURCES:
        stmt = stmt.where(Person.source == source)
    return stmt.order_by(Person.name_pinyin, Person.id)


def choices() -> Select:
    return select(Person.id, Person.name, Person.name_search).where(Person.deleted_at.is_(None)).order_by(
        Person.name_pinyin, Person.id
    )


def choice_list() -> list[tuple]:
    """Choices for a person select: a blank entry, then everyone not deleted, in pinyin order;
    each option carries the name's pinyin, for the type-to-filter box (static/picker.js)."""
    return [("", "—")] + [
        (row.id, row.name, {"data-pinyin": row.name_search}) for row in db.session.execute(choices())
    ]
