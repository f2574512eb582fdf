"""A branch's or the bureau's table for a year: everyone's total, the ranking, the vanguard
list. `ranked_page`/`ranked` read the tally (tracker.points.tally) and rank and page in the
database; `table` derives everyone's points from the records (the tally's reference, and the
tables' answer while an upgraded database awaits `flask points rebuild`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from tracker import permissions as perm
from tracker.branches.models import Membership
from tracker.extensions import db
from tracker.people.models import Person
from tracker.points import derive, tally
from tracker.points.derive import Valuer
from tracker.points.models import PointsTally
from tracker.web import Page


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


# The table from the tally (tracker.points.tally): ranks, filters and paging in the database,
# so a page costs its 50 rows, the count and the vanguard list, not a province's year.
def _ranked(user, year: int, valuer: Valuer, branch_id: int | None, category_code: str | None,
            vanguard_only: bool = False):
    """A select of (id, name, total, score, rank) of everyone in scope, best first."""
    whole = aliased(PointsTally)
    total = valuer.scheme.base_score + func.coalesce(whole.points, 0)
    stmt = people(user, year, branch_id).outerjoin(
        whole, and_(whole.year == year, whole.person_id == Person.id, whole.category == tally.TOTAL))
    if vanguard_only:
        stmt = stmt.where(total >= valuer.scheme.threshold)
    score = total
    if category_code:
        part = aliased(PointsTally)
        stmt = stmt.outerjoin(part, and_(part.year == year, part.person_id == Person.id,
                                         part.category == category_code))
        score = func.coalesce(part.points, 0)
    return (stmt.add_columns(total.label("total"), score.label("score"),
                             func.rank().over(order_by=score.desc()).label("rank"))
            .order_by(score.desc(), Person.name, Person.id))


def _rows(year: int, valuer: Valuer, found) -> list[Row]:
    """Rows with their category subtotals (one query for the rows shown)."""
    found = list(found)
    codes = {c.code: c.id for c in valuer.scheme.categories}
    categories: dict[int, dict[int, int]] = {r.id: {} for r in found}
    if found:
        parts = select(PointsTally.person_id, PointsTally.category, PointsTally.points).where(
            PointsTally.year == year, PointsTally.person_id.in_(list(categories)),
            PointsTally.category != tally.TOTAL)
        for person_id, code, points in db.session.execute(parts):
            if code in codes:
                categories[person_id][codes[code]] = points
    threshold = valuer.scheme.threshold
    return [Row(r.rank, r.id, r.name, categories[r.id], r.total, r.score, r.total >= threshold) for r in found]


def ranked_page(user, year: int, valuer: Valuer, *, number: int, per_page: int, branch_id: int | None = None,
                category_code: str | None = None, vanguard_only: bool = False) -> Page:
    """The requested page of the table: a fixed number of queries, rows of that page only."""
    count = _count(user, year, valuer, branch_id, vanguard_only)
    number = min(max(number, 1), max(1, -(-count // per_page)))
    offset = (number - 1) * per_page
    found = None if vanguard_only else _above_base(user, year, valuer, branch_id, category_code, offset, per_page)
    if found is None:  # the page reaches people at the base score or below: rank everyone
        stmt = _ranked(user, year, valuer, branch_id, category_code, vanguard_only)
        found = db.session.execute(stmt.limit(per_page).offset(offset)).all()
    return Page(_rows(year, valuer, found), number, per_page, count)


class _Ranked:
    def __init__(self, id, name, total, score, rank):
        self.id, self.name, self.total, self.score, self.rank = id, name, total, score, rank


def _above_base(user, year, valuer, branch_id, category_code, offset: int, limit: int) -> list | None:
    """The page from the tally's ranking index alone when every row on it scores above the
    base (points > 0 in the ranked row): those come first in the ranking, in the index's
    order, so the database reads the page's rows instead of ranking everyone. None when the
    page goes past them. A row's rank is its place, or the rank of the row before it when
    the scores are equal; the first row's is one more than the people scoring higher."""
    whole = aliased(PointsTally)
    base = valuer.scheme.base_score
    on = lambda alias, code: and_(alias.year == year, alias.person_id == Person.id,  # noqa: E731
                                  alias.category == code)
    key = aliased(PointsTally) if category_code else whole
    stmt = people(user, year, branch_id).join(key, and_(on(key, category_code or tally.TOTAL), key.points > 0))
    if category_code:
        stmt = stmt.outerjoin(whole, on(whole, tally.TOTAL))
    shift = 0 if category_code else base
    stmt = stmt.add_columns((base + func.coalesce(whole.points, 0)).label("total"), key.points.label("points"))
    found = db.session.execute(stmt.order_by(key.points.desc(), Person.name, Person.id)
                               .limit(limit).offset(offset)).all()
    if len(found) < limit:
        return None
    first = found[0].points
    higher = 0
    if offset:
        above = people(user, year, branch_id).with_only_columns(Person.id).join(
            key, and_(on(key, category_code or tally.TOTAL), key.points > first))
        higher = db.session.scalar(select(func.count()).select_from(above.subquery()))
    rows, rank = [], higher + 1
    for n, r in enumerate(found):
        if n and r.points != found[n - 1].points:
            rank = offset + n + 1
        rows.append(_Ranked(r.id, r.name, r.total, shift + r.points, rank))
    return rows


def _at_vanguard(stmt, year: int, valuer: Valuer):
    """`stmt` (people in scope) cut to those at or above the threshold, with their total. With
    the usual base below the threshold only people with a tally row qualify, so the database
    reads the range of the tally's ranking index above it rather than every person."""
    whole = aliased(PointsTally)
    base, threshold = valuer.scheme.base_score, valuer.scheme.threshold
    on = and_(whole.year == year, whole.person_id == Person.id, whole.category == tally.TOTAL)
    total = base + func.coalesce(whole.points, 0)
    if base < threshold:  # ordered by the index's points, the same order as the total
        return stmt.join(whole, and_(on, whole.points >= threshold - base)), base + whole.points
    return stmt.outerjoin(whole, on).where(total >= threshold), total


def _count(user, year: int, valuer: Valuer, branch_id: int | None, vanguard_only: bool) -> int:
    if not vanguard_only:
        return people_count(user, year, branch_id)
    stmt, _ = _at_vanguard(people(user, year, branch_id).with_only_columns(Person.id), year, valuer)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def people_count(user, year: int, branch_id: int | None = None) -> int:
    return db.session.scalar(select(func.count()).select_from(people(user, year, branch_id).subquery()))


def vanguard(user, year: int, valuer: Valuer, branch_id: int | None = None, *,
             limit: int) -> tuple[list[Row], int]:
    """(the first `limit` of those in scope at or above the threshold, best first; how many
    there are): a province's vanguard post runs to a thousand names, so the table page shows
    the first ones and links to all of them (`vanguard_only`)."""
    stmt, total = _at_vanguard(people(user, year, branch_id), year, valuer)
    stmt = stmt.add_columns(total.label("total")).order_by(total.desc(), Person.name, Person.id).limit(limit)
    rows = [Row(0, r.id, r.name, {}, r.total, r.total, True) for r in db.session.execute(stmt)]
    count = len(rows) if len(rows) < limit else _count(user, year, valuer, branch_id, True)
    return rows, count


def ranked(user, year: int, valuer: Valuer, *, branch_id: int | None = None,
           category_code: str | None = None) -> list[Row]:
    """The whole table from the tally (the Excel export)."""
    return _rows(year, valuer, db.session.execute(_ranked(user, year, valuer, branch_id, category_code)))
