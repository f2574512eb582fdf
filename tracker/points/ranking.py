"""A branch's or the bureau's table for a year: everyone's total, the ranking, the vanguard
list. `ranked_page`/`ranked` read the tally (tracker.points.tally) and rank and page in the
database; `table` derives everyone's points from the records (the tally's reference, and the
tables' answer while an upgraded database awaits `flask points rebuild`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ARRAY, BindParameter, Integer, Select, and_, any_, bindparam, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.visitors import cloned_traverse

from tracker import kept_counts
from tracker import permissions as perm
from tracker.branches.models import Membership
from tracker.extensions import db
from tracker.people import counting as people_counting
from tracker.people.models import Person
from tracker.points import derive, score_counts, tally
from tracker.points.derive import Valuer
from tracker.points.models import PointsTally, PointsTallyStatus
from tracker.statements import built_statement
from tracker.web import Page

# The tally's row of a person's whole card and of one category, joined to Person. Made once:
# a new alias per query costs more Python than the query's SQL; each query joins each once.
WHOLE = aliased(PointsTally, name="whole")
PART = aliased(PointsTally, name="part")


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
    #: the category subtotals in the scheme's order, 0 for none: the table's cells
    cells: list[int] = field(default_factory=list)

    def fill_cells(self, valuer: Valuer) -> Row:
        self.cells = [self.categories.get(c.id, 0) for c in valuer.scheme.categories]
        return self


def _built(key: tuple, user, branch_id, build):
    """The statement `build()` makes, built once per process for `key` when it depends on
    nothing else: a user who sees every card, and no branch search. Building a ranking
    statement and its cache key costs more Python than running it."""
    if perm.points_people(user) is None and not isinstance(branch_id, Select):
        return built_statement(("points table", *key), build)
    return build()


def _scheme_key(valuer: Valuer) -> tuple[int, int]:
    """What of the scheme the statements hold: its base score and vanguard threshold."""
    return valuer.scheme.base_score, valuer.scheme.threshold


def people(user, year: int, branch_id: int | Select | None = None):
    """A select of (id, name) of the party members whose cards the user may see: members at
    some time in the year of `branch_id` (an id, or a select of ids: the branch filter's
    search), when given."""
    stmt = (select(Person.id, Person.name)
            .where(Person.deleted_at.is_(None), Person.party_status != "none"))
    if (visible := perm.points_people(user)) is not None:
        stmt = stmt.where(visible)
    if isinstance(branch_id, Select) or branch_id:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        stmt = stmt.where(Person.id.in_(select(Membership.person_id).where(
            Membership.branch_id.in_(branch_id) if isinstance(branch_id, Select) else Membership.branch_id == branch_id,
            Membership.deleted_at.is_(None),
            Membership.joined_on <= last, or_(Membership.left_on.is_(None), Membership.left_on >= first))))
    return stmt


def table(user, year: int, valuer: Valuer, *, branch_id: int | None = None,
          category_id: int | None = None) -> list[Row]:
    """Everyone in scope, best first; equal scores share a rank (1, 2, 2, 4)."""
    scope = people(user, year, branch_id)
    members = db.session.execute(scope).all()
    # Everyone's counts in one pass over the year's records when the scope is the bureau;
    # an IN (…) over thousands of people would make the database walk each person's rows.
    narrow = isinstance(branch_id, Select) or bool(branch_id) or perm.points_people(user) is not None
    totals = derive.year_totals(year, valuer, scope.with_only_columns(Person.id) if narrow else None)
    threshold, base = valuer.scheme.threshold, valuer.scheme.base_score
    rows = []
    for person_id, name in members:
        found = totals.get(person_id)
        cats = dict(found.category_points(valuer)) if found else {}
        total = base + sum(cats.values())
        score = cats.get(category_id, 0) if category_id else total
        rows.append(Row(0, person_id, name, cats, total, score, total >= threshold).fill_cells(valuer))
    rows.sort(key=lambda r: (-r.score, r.name, r.person_id))
    for n, row in enumerate(rows):
        row.rank = rows[n - 1].rank if n and rows[n - 1].score == row.score else n + 1
    return rows


# The table from the tally (tracker.points.tally): ranks, filters and paging in the database,
# so a page costs its 50 rows, the count and the vanguard list, not a province's year.
def _ranked(user, year: int, valuer: Valuer, branch_id: int | None, category_code: str | None,
            vanguard_only: bool = False):
    """A select of (id, name, total, score, rank) of everyone in scope, best first."""
    whole = WHOLE
    total = valuer.scheme.base_score + func.coalesce(whole.points, 0)
    stmt = people(user, year, branch_id).outerjoin(
        whole, and_(whole.year == year, whole.person_id == Person.id, whole.category == tally.TOTAL))
    if vanguard_only:
        stmt = stmt.where(total >= valuer.scheme.threshold)
    score = total
    if category_code:
        part = PART
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
        parts = built_statement(("points table", "parts"), lambda: select(
            PointsTally.person_id, PointsTally.category, PointsTally.points).where(
            PointsTally.year == bindparam("year"), _one_of(PointsTally.person_id, "ids"),
            PointsTally.category != tally.TOTAL))
        for person_id, code, points in db.session.execute(parts, {"year": year, "ids": list(categories)}):
            if code in codes:
                categories[person_id][codes[code]] = points
    threshold = valuer.scheme.threshold
    return [Row(r.rank, r.id, r.name, categories[r.id], r.total, r.score, r.total >= threshold).fill_cells(valuer)
            for r in found]


def _one_of(column, name: str):
    """`column` is one of the ids given as parameter `name`. On PostgreSQL one array
    parameter (= ANY): with a parameter per id, psycopg parses the statement for its
    parameters again on every execution (it keeps the parsing only up to 50 of them)."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


@dataclass
class Counts:
    #: the table's rows: the party members in scope
    people: int
    #: those at or above the vanguard threshold
    vanguard: int
    #: those whose ranked score (total, or one category) is above the base — the first rows of
    #: the ranking, read in order from the tally's ranking index — counted up to a bound, or
    #: all of them in the bureau's table (the kept spread, tracker.points.score_counts)
    #: (None: not counted)
    above_base: int | None = None
    #: whether the tally is whole (tally.is_whole): if not, the counts are not the table's
    whole: bool = True


def counts(user, year: int, valuer: Valuer, branch_id: int | None = None, category_code: str | None = None,
           *, above_base_up_to: int = 0) -> Counts:
    """The table's counts, and whether the tally is whole, in one query. Those above the base are counted only up to the end
    of the page asked for (a page past the first): whether the page lies in the index's range
    costs the rows up to that page, not the whole range. The bureau's table reads its vanguard
    post and those above the base from the kept spread of scores (tracker.points.score_counts):
    a few rows whatever the province's size."""
    def build():
        scope = people(user, year, branch_id).with_only_columns(Person.id)
        at_vanguard, _ = _at_vanguard(scope, year, valuer)
        counted = [scope, at_vanguard]
        if above_base_up_to:
            key = PART
            counted.append(scope.join(key, and_(key.year == year, key.person_id == Person.id,
                                                key.category == (category_code or tally.TOTAL), key.points > 0))
                           .limit(above_base_up_to))
        counters = [select(func.count()).select_from(s.subquery()).scalar_subquery() for s in counted]
        if branch_id is None and perm.points_people(user) is None:
            counters[0] = _party_members()
            if valuer.scheme.base_score < valuer.scheme.threshold:
                counters[1] = _party_members_at_vanguard(year, valuer)
            if above_base_up_to:  # all of them, from the kept spread: at least the bound asked for
                counters[2] = score_counts.at_least(year, category_code or tally.TOTAL, 1)
        # whether the tally is whole, asked in the same query
        whole = ~select(PointsTallyStatus.id).exists()
        # its values are the key's: written into the SQL, PostgreSQL plans it once per
        # connection (with parameters it found a custom plan cheaper and planned every time)
        return cloned_traverse(select(whole, *counters), {}, {"bindparam": _written_in})

    key = ("counts", year, _scheme_key(valuer), branch_id, category_code, above_base_up_to)
    whole, *counted = db.session.execute(_built(key, user, branch_id, build)).one()
    return Counts(*counted, whole=bool(whole))


def _written_in(bind: BindParameter) -> None:
    bind.literal_execute = True


def _party_members():
    """How many live party members there are (the bureau's table): the kept count
    (tracker.people.counting), a read of a few rows; while it is not kept, everyone less the
    deleted and the live non-members: SQLite counts a whole table from its pages, and the
    others are short ranges of indexes, where counting the members walks every person."""
    person = Person.__table__
    every = select(func.count()).select_from(person).scalar_subquery()
    deleted = select(func.count()).select_from(person).where(person.c.deleted_at.is_not(None)).scalar_subquery()
    others = select(func.count()).select_from(person).where(
        person.c.party_status == "none", person.c.deleted_at.is_(None)).scalar_subquery()
    return func.coalesce(kept_counts.read_statement(people_counting.NAME), every - deleted - others)


def _party_members_at_vanguard(year: int, valuer: Valuer):
    """How many live party members are at or above the vanguard threshold (the bureau's
    table, the usual base below the threshold): the sum of the kept spread of their totals
    over the scores at or above it (tracker.points.score_counts), a few rows whatever the
    province's size. Everyone there has a tally row: no row is the base score."""
    return score_counts.at_least(year, tally.TOTAL, valuer.scheme.threshold - valuer.scheme.base_score)


def above_base_bound(number: int, per_page: int, vanguard_only: bool) -> int:
    """How far to count those above the base for this page: not for the first page (its query
    says when it falls short) nor for the vanguard post (all of them are above the base)."""
    return number * per_page if number > 1 and not vanguard_only else 0


def ranked_page(user, year: int, valuer: Valuer, *, number: int, per_page: int, branch_id: int | None = None,
                category_code: str | None = None, vanguard_only: bool = False,
                counted: Counts | None = None) -> Page:
    """The requested page of the table: a fixed number of queries, rows of that page only.
    `counted`: the table's counts when the caller has them (`counts(…, above_base_up_to=
    above_base_bound(…))`)."""
    bound = above_base_bound(number, per_page, vanguard_only)
    if counted is None or (bound and counted.above_base is None):
        counted = counts(user, year, valuer, branch_id, category_code, above_base_up_to=bound)
    count = counted.vanguard if vanguard_only else counted.people
    number = min(max(number, 1), max(1, -(-count // per_page)))
    offset = (number - 1) * per_page
    wanted = min(per_page, count - offset)
    # The vanguard post ranked by total is the top of the whole ranking (with the usual base
    # below the threshold), so it pages from the index like the rows above the base.
    from_index = not vanguard_only or (not category_code and valuer.scheme.base_score < valuer.scheme.threshold)
    above = counted.vanguard if vanguard_only else counted.above_base
    found = None
    if from_index and (offset + wanted <= above if above is not None else offset == 0):
        found = _above_base(user, year, valuer, branch_id, category_code, offset, wanted)
    if found is None or len(found) < wanted:  # the page reaches the base score or below: rank everyone
        stmt = _built(("ranked", year, _scheme_key(valuer), branch_id, category_code, vanguard_only, per_page,
                       offset), user, branch_id,
                      lambda: _ranked(user, year, valuer, branch_id, category_code, vanguard_only)
                      .limit(per_page).offset(offset))
        found = db.session.execute(stmt).all()
    return Page(_rows(year, valuer, found), number, per_page, count)


def _above_base(user, year, valuer, branch_id, category_code, offset: int, limit: int) -> list:
    """A page whose rows all score above the base (points > 0 in the ranked row), from the
    tally's ranking index alone: those come first in the ranking, in the index's order (points
    down, then name), so the database reads the rows up to the page's end instead of ranking
    everyone or sorting a whole tie by name (a category's few scores tie thousands). Ranked
    among those rows, a row has its rank in the whole table: everyone scoring higher comes
    before it."""
    key = ("above base", year, _scheme_key(valuer), branch_id, category_code, offset, limit)
    return db.session.execute(_built(key, user, branch_id, lambda: _above_base_statement(
        user, year, valuer, branch_id, category_code, offset, limit))).all()


def _above_base_statement(user, year, valuer, branch_id, category_code, offset: int, limit: int):
    whole = WHOLE
    base = valuer.scheme.base_score
    on = lambda alias, code: and_(alias.year == year, alias.person_id == Person.id,  # noqa: E731
                                  alias.category == code)
    key = PART if category_code else whole
    stmt = people(user, year, branch_id).join(key, and_(on(key, category_code or tally.TOTAL), key.points > 0))
    if category_code:
        stmt = stmt.outerjoin(whole, on(whole, tally.TOTAL))
    shift = 0 if category_code else base
    # the index's order (the tally row's name is the person's): the rows up to the page's end
    top = (stmt.add_columns((base + func.coalesce(whole.points, 0)).label("total"), key.points.label("points"))
           .order_by(key.points.desc(), key.name, key.person_id).limit(offset + limit).subquery())
    ranked = (select(top.c.id, top.c.name, top.c.total, (shift + top.c.points).label("score"),
                     func.rank().over(order_by=top.c.points.desc()).label("rank"))
              .order_by(top.c.points.desc(), top.c.name, top.c.id).limit(limit).offset(offset))
    return ranked


def _at_vanguard(stmt, year: int, valuer: Valuer):
    """`stmt` (people in scope) cut to those at or above the threshold, with their total. With
    the usual base below the threshold only people with a tally row qualify, so the database
    reads the range of the tally's ranking index above it rather than every person."""
    whole = WHOLE
    base, threshold = valuer.scheme.base_score, valuer.scheme.threshold
    on = and_(whole.year == year, whole.person_id == Person.id, whole.category == tally.TOTAL)
    total = base + func.coalesce(whole.points, 0)
    if base < threshold:  # ordered by the index's points, the same order as the total
        return stmt.join(whole, and_(on, whole.points >= threshold - base)), base + whole.points
    return stmt.outerjoin(whole, on).where(total >= threshold), total


def vanguard(user, year: int, valuer: Valuer, branch_id: int | None = None, *,
             limit: int, count: int | None = None) -> tuple[list[Row], int]:
    """(those in scope at or above the threshold, best first, when there are at most `limit`
    of them — else none; how many there are). A branch's vanguard post fits above its table;
    a province's runs to a thousand names, which the table filtered to them (`vanguard_only`)
    pages like any other, so the page only counts them."""
    if count is not None and count > limit:
        return [], count
    def build():
        stmt, total = _at_vanguard(people(user, year, branch_id), year, valuer)
        return stmt.add_columns(total.label("total")).order_by(total.desc(), Person.name, Person.id).limit(limit + 1)

    stmt = _built(("vanguard", year, _scheme_key(valuer), branch_id, limit), user, branch_id, build)
    rows = [Row(0, r.id, r.name, {}, r.total, r.total, True) for r in db.session.execute(stmt)]
    if count is None:
        count = len(rows) if len(rows) <= limit else counts(user, year, valuer, branch_id).vanguard
    return (rows if len(rows) <= limit else []), count


def ranked(user, year: int, valuer: Valuer, *, branch_id: int | None = None,
           category_code: str | None = None) -> list[Row]:
    """The whole table from the tally (the Excel export)."""
    return _rows(year, valuer, db.session.execute(_ranked(user, year, valuer, branch_id, category_code)))
