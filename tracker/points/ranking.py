"""A branch's or the bureau's table for a year: everyone's total, the ranking, the vanguard
list. A fixed number of queries whatever the number of people or records (derive._counts)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select

from tracker import permissions as perm
from tracker.branches.models import Membership
from tracker.extensions import db
from tracker.people.models import Person
from tracker.points import derive
from tracker.points.derive import Valuer


@dataclass
class Row:
    rank: int
    person_id: int
    name: str
    #: {category id: points}
    categories: dict[int, int]
    total: int
    #: what the table ranks by: the total, or one category's subtotal
    score: int
    vanguard: bool


def people(user, year: int, branch_id: int | None = None):
    """A select of (id, name) of the party members whose cards the user may see: members of
    `branch_id` at some time in the year, when given."""
    stmt = (select(Person.id, Person.name)
            .where(Person.deleted_at.is_(None), Person.party_status != "none"))
    if (visible := perm.points_people(user)) is not None:
        stmt = stmt.where(visible)
    if branch_id:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        stmt = stmt.where(Person.id.in_(select(Membership.person_id).where(
            Membership.branch_id == branch_id, Membership.deleted_at.is_(None),
            Membership.joined_on <= last, or_(Membership.left_on.is_(None), Membership.left_on >= first))))
    return stmt


def table(user, year: int, valuer: Valuer, *, branch_id: int | None = None,
          category_id: int | None = None) -> list[Row]:
    """Everyone in scope, best first; equal scores share a rank (1, 2, 2, 4)."""
    scope = people(user, year, branch_id)
    members = db.session.execute(scope).all()
    # Everyone's counts in one pass over the year's records when the scope is the bureau;
    # an IN (…) over thousands of people would make the database walk each person's rows.
    narrow = branch_id or perm.points_people(user) is not None
    totals = derive.year_totals(year, valuer, scope.with_only_columns(Person.id) if narrow else None)
    threshold, base = valuer.scheme.threshold, valuer.scheme.base_score
    rows = []
    for person_id, name in members:
        found = totals.get(person_id)
        cats = dict(found.category_points(valuer)) if found else {}
        total = base + sum(cats.values())
        score = cats.get(category_id, 0) if category_id else total
        rows.append(Row(0, person_id, name, cats, total, score, total >= threshold))
    rows.sort(key=lambda r: (-r.score, r.name, r.person_id))
    for n, row in enumerate(rows):
        row.rank = rows[n - 1].rank if n and rows[n - 1].score == row.score else n + 1
    return rows
