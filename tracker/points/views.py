"""The points pages: the scheme, a person's card, the bureau's and a branch's table, its
Excel export. Manual items (entries) are in entries.py, on the same blueprint."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from tracker import clock
from tracker import permissions as perm
from tracker.branches import queries as branch_queries
from tracker.branches.models import Branch
from tracker.dates import parse_year
from tracker.extensions import db
from tracker.people.models import Person
from tracker.points import cards, ranking, tally
from tracker.points import scheme as schemes
from tracker.points.cli import load_scheme, rebuild
from tracker.points.derive import Valuer
from tracker.web import Page, get_or_404, page_number, require

bp = Blueprint("points", __name__, url_prefix="/points")
bp.cli.add_command(load_scheme)
bp.cli.add_command(rebuild)
# the tally follows every ORM write from the moment the app has the points feature
bp.record_once(lambda state: tally.install())
ROWS_PER_PAGE = 50
#: the most names of the vanguard post listed above the table; more are only counted, and
#: the table filtered to them (`vanguard=1`) lists them all
VANGUARD_SHOWN = 50
SOURCE_LABELS = {
    "session_present": _l("Present at a reviewed session"),
    "session_absent": _l("Absent without leave from a reviewed session"),
    "lesson_speaker": _l("Speaker of a reviewed session"),
    "talk_held": _l("Conducted a reviewed talk"),
    "talk_attended": _l("Talked with in a reviewed talk"),
    "manual": _l("Recorded by hand and reviewed"),
}


def chosen_year() -> int:
    return parse_year(request.args.get("year")) or clock.today().year


def valuer_for(year: int, *, items: bool = True) -> Valuer | None:
    governing = schemes.governing(year, items=items)
    return Valuer(governing) if governing else None


def locale() -> str:
    return str(get_locale() or "zh")


@bp.get("/scheme")
@login_required
def scheme():
    require(perm.can_read(current_user))
    versions = db.session.scalars(schemes.versions()).all()
    current = schemes.governing(clock.today().year)
    return render_template("points/scheme.html", versions=versions, current=current, locale=locale(),
                           source_labels=SOURCE_LABELS)


@bp.get("/people/<int:person_id>")
@login_required
def card(person_id: int):
    person = get_or_404(Person, person_id)
    require(perm.can_read_points_card(current_user, person))
    year = chosen_year()
    the_card = cards.build(person, year, valuer_for(year))
    return render_template("points/card.html", card=the_card, locale=locale(), year=year)


def _table_args(year: int, valuer: Valuer):
    """(the branches filtered to: an id, a select of ids, or None; the category or None)."""
    branch_id = request.args.get("branch_id", type=int)
    # A search on the branch's name, like the other lists: a province has hundreds of branches.
    if text := (request.args.get("branch") or "").strip():
        named = branch_queries.named(text)
        branch_id = named.where(Branch.id == branch_id) if branch_id else named
    code = request.args.get("category") or ""
    category = next((c for c in valuer.scheme.categories if c.code == code), None)
    return branch_id, category


def _filters(year: int, category) -> dict:
    """The table's filters as its links repeat them (the export, the vanguard post)."""
    return {"year": year, "branch_id": request.args.get("branch_id", type=int),
            "branch": (request.args.get("branch") or "").strip() or None,
            "category": category.code if category else None}


@bp.get("/")
@login_required
def table():
    require(perm.can_read(current_user))
    year = chosen_year()
    valuer = valuer_for(year, items=False)
    if valuer is None:
        return render_template("points/table.html", year=year, valuer=None, locale=locale())
    branch_id, category = _table_args(year, valuer)
    number = page_number()
    vanguard_only = request.args.get("vanguard") == "1"
    code = category.code if category else None
    # the counts say too whether the tally is whole (tally.is_whole), in the same query
    counted = ranking.counts(current_user, year, valuer, branch_id, code,
                             above_base_up_to=ranking.above_base_bound(number, ROWS_PER_PAGE, vanguard_only))
    if counted.whole:
        page = ranking.ranked_page(current_user, year, valuer, number=number, per_page=ROWS_PER_PAGE,
                                   branch_id=branch_id, category_code=code, vanguard_only=vanguard_only,
                                   counted=counted)
        vanguard, vanguard_count = ranking.vanguard(current_user, year, valuer, branch_id, limit=VANGUARD_SHOWN,
                                                    count=counted.vanguard)
        people_count = counted.people
    else:  # an upgraded database before `flask points rebuild`: derived from the records
        rows = ranking.table(current_user, year, valuer, branch_id=branch_id,
                             category_id=category.id if category else None)
        people_count, everyone = len(rows), [r for r in rows if r.vanguard]
        vanguard_count = len(everyone)
        vanguard = everyone if vanguard_count <= VANGUARD_SHOWN else []
        page = Page.of_list(everyone if vanguard_only else rows, number, ROWS_PER_PAGE)
    return render_template(
        "points/table.html", year=year, valuer=valuer, locale=locale(), page=page, vanguard_only=vanguard_only,
        vanguard=vanguard, vanguard_count=vanguard_count, category=category, filters=_filters(year, category),
        branch=branch_queries.name_of(request.args.get("branch_id", type=int)), people_count=people_count,
        category_options=[(c.code, c.name(locale())) for c in valuer.scheme.categories])


@bp.get("/export.xlsx")
@login_required
def export():
    require(perm.can_read(current_user))

    year = chosen_year()
    valuer = valuer_for(year, items=False)
    if valuer is None:
        abort(404)
    branch_id, category = _table_args(year, valuer)
    if tally.is_whole(db.session):
        rows = ranking.ranked(current_user, year, valuer, branch_id=branch_id,
                              category_code=category.code if category else None)
    else:
        rows = ranking.table(current_user, year, valuer, branch_id=branch_id,
                             category_id=category.id if category else None)
    data = excel.table_workbook(rows, valuer, year, locale())
    name = f"points_{year}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# the entry pages and a member's own points pages, on this blueprint
from tracker.points import claims, entries, excel  # noqa: E402,F401
