"""Helpers every view uses: load (404), authorize (403), paginate, and template globals."""
from __future__ import annotations

import math
from collections.abc import Iterable

from flask import Flask, abort, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import BindParameter, Integer, Select, Table, bindparam, func, literal_column, select

from tracker import kept_counts, permissions, vocab
from tracker.extensions import db
from tracker.history import display as history_display
from tracker.statements import built_statement


def get_or_404(model, record_id: int, *, allow_deleted: bool = False, options: Iterable = ()):
    """The record, or 404; a deleted one only where the caller allows it (and the user may
    undelete). `options` load what the page shows with it, in the same query."""
    options = tuple(options)
    record = (db.session.scalar(select(model).where(model.id == record_id).options(*options)) if options
              else db.session.get(model, record_id))
    return found_or_404(record, allow_deleted=allow_deleted)


def found_or_404(record, *, allow_deleted: bool = False):
    """get_or_404's rule for a record a page loaded itself (with what it shows, in the same
    query): 404 for none, and for a deleted one unless the caller allows it and the user may
    undelete."""
    if record is None:
        abort(404)
    if getattr(record, "deleted_at", None) is not None and not (
        allow_deleted and permissions.can_undelete(current_user)
    ):
        abort(404)
    return record


def require(allowed: bool) -> None:
    """Stop with 403 unless the permission predicate said yes."""
    if not allowed:
        abort(403)


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` items fill: one, even when there are none."""
    return max(1, math.ceil(total / per_page))


class Page:
    """One page of a list, with what macros.pagination needs."""

    def __init__(self, items: list, number: int, per_page: int, total: int):
        self.items, self.total = items, total
        self.pages = page_count(total, per_page)
        self.page = number
        self.has_prev, self.has_next = number > 1, number < self.pages
        self.prev_num, self.next_num = number - 1, number + 1

    @classmethod
    def of_list(cls, items: list, number: int, per_page: int) -> Page:
        """A page of a list computed in Python (the points ranking: ranks need every row)."""
        number = min(max(number, 1), page_count(len(items), per_page))
        return cls(items[(number - 1) * per_page: number * per_page], number, per_page, len(items))


def page_number() -> int:
    # a page number beyond any real list would overflow the database's OFFSET
    return min(max(request.args.get("page", 1, type=int), 1), 100_000)


def paginate(stmt: Select, counted: Select | None = None, *, paged: bool = False) -> Page:
    """The requested page of `stmt`'s records, and how many there are: both asked of the
    database (the count reads the indexes of the list's filters, or a table's kept count of
    live rows). `counted`: the same rows without the joins that only name them, when counting
    through those joins costs more. `paged`: `stmt` picks its page itself, in a subquery
    limited by PAGE_LIMIT and PAGE_OFFSET (`page_of`), before it joins what the rows show."""
    number, per_page = page_number(), current_app.config["PAGE_SIZE"]
    total = db.session.scalar(count_of(stmt if counted is None else counted))
    if (number - 1) * per_page >= total:
        # a page past the end (an old link, a typed number) has no rows: asked for them, the
        # database read every row the list's filters select only to skip them
        return Page([], number, per_page, total)
    if paged:
        return Page(db.session.execute(stmt, {PAGE_LIMIT.key: per_page, PAGE_OFFSET.key: (number - 1) * per_page})
                    .all(), number, per_page, total)
    page = stmt.limit(inline(per_page)).offset(inline((number - 1) * per_page))
    # records (one entity selected) or plain rows (columns selected)
    selected = stmt.column_descriptions
    if len(selected) == 1 and selected[0]["entity"] is not None:
        items = db.session.scalars(page).unique().all()
    else:
        items = db.session.execute(page).all()
    return Page(items, number, per_page, total)


#: A page's LIMIT and OFFSET as parameters written into the SQL when it runs (as `inline`'s),
#: for a statement built once that picks its page in a subquery (`page_of`).
PAGE_LIMIT = bindparam("page_limit", type_=Integer, literal_execute=True)
PAGE_OFFSET = bindparam("page_offset", type_=Integer, literal_execute=True)


def page_of(found: Select) -> Select:
    """`found`'s rows of the requested page (paginate(..., paged=True) gives the numbers).

    Picked before the joins that name them: PostgreSQL sizes the hash table of each Memoize
    node over a join's lookups for the rows it expects from the outer side, every row the
    list's filters select, not the page's; at ten times province scale, making the four
    tables of the talks list's 400,000 expected rows cost 4–12 ms a page, the lookups of the
    25 rows 0.5 ms."""
    return found.limit(PAGE_LIMIT).offset(PAGE_OFFSET)


def inline(n: int) -> BindParameter:
    """A LIMIT or OFFSET written into the SQL rather than sent as a parameter. PostgreSQL
    plans a prepared statement with a parameter in its LIMIT for a tenth of the rows, finds
    that costlier than planning for the value given, and so plans it again on every request
    (0.8 ms for a list's page of 25 talks); with the numbers in the text the statement has
    one plan, made once per connection."""
    return bindparam(None, n, type_=Integer, literal_execute=True)


def count_of(stmt: Select) -> Select:
    """How many rows `stmt` gives, as one statement. The count reads only the FROMs and
    conditions: the selected columns can be costly (a list's counts of attendance, files per
    row are correlated subqueries, which counting every session would run for each)."""
    counted = stmt.order_by(None)
    if (live := _only_live_of(counted)) is not None:
        return live
    if not (counted._distinct or counted._group_by_clauses or counted._having_criteria):
        counted = counted.with_only_columns(literal_column("1"), maintain_column_froms=True)
    return select(func.count()).select_from(counted.subquery())


def _only_live_of(stmt: Select) -> Select | None:
    """An unfiltered list's count (a table's rows that are not deleted) as every row less the
    deleted ones, or None when `stmt` filters more than that. SQLite counts a whole table
    from its b-tree's pages without visiting each row, but only when the count has no
    condition: counting tens of thousands of live rows one by one cost most of the database's
    work on a list's first page. The deleted rows are a short range of the deleted_at index.
    Where the table's live rows are a kept count (tracker.kept_counts.live_rows), that is read
    instead, and the table counted only while the count is not kept."""
    # what the statement itself holds, not get_final_froms(): for an ORM select that sets up
    # the ORM's compile state, which costs more than the count saves
    if (len(stmt._where_criteria) != 1 or stmt._setup_joins or stmt._from_obj or stmt._distinct
            or stmt._group_by_clauses or stmt._having_criteria or stmt._limit_clause is not None
            or stmt._offset_clause is not None):
        return None
    froms = stmt.columns_clause_froms
    if (len(froms) != 1 or not isinstance(table := froms[0], Table) or "deleted_at" not in table.c
            or not stmt._where_criteria[0].compare(table.c.deleted_at.is_(None))):
        return None
    # the same statement for every request of every unfiltered list of this table: built once
    return built_statement(("live rows of", table.name), lambda: _live_rows_count(table))


def _live_rows_count(table: Table) -> Select:
    every = select(func.count()).select_from(table).scalar_subquery()
    deleted = select(func.count()).select_from(table).where(table.c.deleted_at.is_not(None)).scalar_subquery()
    if (name := kept_counts.live_count_of(table)) is None:
        return select(every - deleted)
    # kept by the writes (tracker.kept_counts): PostgreSQL counts a table by visiting every
    # row of an index, 10–17 ms for 200,000 dispatches or 300,000 sessions
    return select(func.coalesce(kept_counts.read_statement(name), every - deleted))


#: how many URLs `kept_url` keeps per application
KEPT_URLS = 512


def kept_url(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)`, made once per application and root: for the links every
    page carries (stylesheets, scripts, the navigation), which change only with the
    application's root (SCRIPT_NAME, set by the server)."""
    kept = current_app.extensions.setdefault("kept_urls", {})
    key = (request._get_current_object().script_root, endpoint, *sorted(values.items()))
    if key not in kept:
        if len(kept) >= KEPT_URLS:
            return url_for(endpoint, **values)
        kept[key] = url_for(endpoint, **values)
    return kept[key]


#: an id no record has, whose digits mark where a record's id goes in its URL
_ID_MARK = 9_876_543_210


def record_url(endpoint: str, key: str, **values):
    """A maker of `url_for(endpoint, key=id, **values)` for the rows of a list or table: the
    URL is built once for the page and each row's id put in its place, instead of a URL build
    per row (the same route, root and values give the same URL but for the id). Ids are
    integers: as digits they read the same in a path and a query. The URL with the mark is
    kept per application and root (kept_url): the same few kinds of link on every page."""
    made = kept_url(endpoint, **values, **{key: _ID_MARK})
    before, mark, after = made.partition(str(_ID_MARK))
    if not mark:  # not a plain number in the path: build each
        return lambda record_id: url_for(endpoint, **values, **{key: record_id})
    return lambda record_id: f"{before}{int(record_id)}{after}"


class Badges(dict):
    """A table's badges by code (`badges(state_badge)` in a template, the macro of
    macros.html): each code's badge made once, at its first row, not by a macro call per row."""

    def __init__(self, macro):
        super().__init__()
        self.macro = macro

    def __missing__(self, code):
        made = self[code] = self.macro(code)
        return made


def page_url(number: int) -> str:
    """This page's URL with its filters kept and another page number."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "page": number}
    return url_for(request.endpoint, **args)


def select_options(values: Iterable[tuple], chosen: str | None) -> Markup:
    """The <option> elements of a list filter, `chosen` selected; `values` are (code, label)
    pairs. Built as one string, not a Jinja loop: a filter over every project or branch has
    hundreds of options."""
    chosen = chosen or None
    html = "".join(
        f'<option value="{escape(code)}"{" selected" if chosen == str(code) else ""}>{escape(text)}</option>'
        for code, text in values
    )
    # Markup: every code and label was escaped above.
    return Markup(html)  # noqa: S704  # nosec B704


#: No stored text is longer than a few hundred characters, and SQLite refuses LIKE patterns
#: past 50,000 bytes: a search is cut to a length no stored text reaches.
SEARCH_LIMIT = 1000


def like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    text = text[:SEARCH_LIMIT]
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


RECORD_TYPES = {
    "person": _l("Person"),
    "project": _l("Audit project"),
    "branch": _l("Temporary branch"),
    "membership": _l("Branch member"),
    "dispatch": _l("Dispatch"),
    "user": _l("Account"),
    "talk": _l("Talk"),
    "study_session": _l("Study session"),
    "points_entry": _l("Points item"),
}
ACTIONS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "restore": _l("restored"),
    "projects": _l("projects set"),
    "checkpoints": _l("checkpoints changed"),
    "password": _l("password changed"),
    "submit": _l("submitted for review"),
    "approve": _l("approved"),
    "return": _l("returned to the author"),
    "reopen": _l("reopened"),
    "withdraw": _l("withdrawn by the author"),
    "export": _l("exported"),
    "calendar": _l("calendar link changed"),
    "self_sign_in": _l("signed in with the session's code"),
    "confirm": _l("confirmed by the person talked with"),
    "disagree": _l("disputed by the person talked with"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters["record_type_label"] = lambda code: vocab.label(RECORD_TYPES, code)
    app.jinja_env.filters["action_label"] = lambda code: vocab.label(ACTIONS, code)
    app.jinja_env.globals.update(
        perm=permissions,
        page_url=page_url,
        record_url=record_url,
        badges=Badges,
        vocab=vocab,
        label=vocab.label,
        select_options=select_options,
        history_changes=history_display.changes_of,
    )
