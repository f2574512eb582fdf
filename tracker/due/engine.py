"""`due_items(filters)`: the due talks and integrity checkpoints, with their state.

The database computes due dates and states (tracker/due/sql.py, checked against the pure
rules of tracker/due/rules.py) from the stored rows of tracker/due/models.py,
and filters, counts (`due_counts`, `due_day_counts`), sorts and pages them: a page costs
two queries for its items (its span of due days, then its items; one more with their
branches) however many dispatches there are.

What counts as done:
- a pre-/post-dispatch talk is done when a talk of that type exists for the dispatch
  and is not deleted, whatever its review status: drafts count. The talk took place on
  its date; review is about the record, and pending reviews are watched by the review
  rule. The item carries the talk's status so pages can show "Done · Draft". When
  several talks exist, the earliest one counts.
- an integrity checkpoint is done when the project records the day it was done. Its
  state too is computed from stored rows (due_checkpoint: per live project and kind, the
  project date its due day counts from and that day), kept by the same writes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, String, case, cast, func, literal_column, null, or_, select, union_all
from sqlalchemy.sql.expression import ColumnElement

from tracker import access, clock, vocab
from tracker.branches import queries as branch_queries
from tracker.dispatches.models import Dispatch
from tracker.due import sql as due_sql
from tracker.due.models import DueCheckpoint, DueLagCount, DueOpenCount, DueTalk
from tracker.due.rules import CHECKPOINT_KINDS, OPEN_STATES, TALK_KINDS
from tracker.extensions import db
from tracker.people.models import Person
from tracker.people.queries import name_matches
from tracker.projects import queries as project_queries
from tracker.projects.models import Project
from tracker.statements import built_statement
from tracker.talks.models import Talk
from tracker.web import inline

ALL_KINDS = frozenset(TALK_KINDS + CHECKPOINT_KINDS)
#: due item kind -> the talk type that fulfils it
TALK_TYPE_OF = {"pre_talk": "pre_dispatch", "post_talk": "post_dispatch"}
KIND_LABELS = {
    "pre_talk": _l("Pre-dispatch talk"),
    "post_talk": _l("Post-dispatch talk"),
    **vocab.CHECKPOINT_KINDS,
}
_ORDER = {kind: n for n, kind in enumerate(TALK_KINDS + CHECKPOINT_KINDS)}


@dataclass(frozen=True)
class DueFilters:
    """Which due items to compute. Every field left at None means "no restriction"."""

    kinds: frozenset[str] = ALL_KINDS
    states: frozenset[str] | None = None
    dispatch_id: int | None = None
    person_id: int | None = None
    #: people whose name contains this text
    person_name: str | None = None
    project_id: int | None = None
    #: projects served by this temporary branch
    branch_id: int | None = None
    #: projects whose code or name contains this text
    project_name: str | None = None
    #: projects served by the branches whose name contains this text
    branch_name: str | None = None
    #: only these projects (e.g. those whose branch a user is secretary of)
    project_ids: frozenset[int] | None = None
    #: only projects this person leads (a team leader's own team)
    leader_person_id: int | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None

    @property
    def talks_only(self) -> bool:
        """A person or a dispatch has talks, not project checkpoints."""
        return self.person_id is not None or self.dispatch_id is not None or bool(self.person_name)


class DueItem(NamedTuple):
    """One due talk or checkpoint, a named tuple of plain values."""

    kind: str
    due_on: dt.date
    state: str
    project_id: int
    project_code: str
    project_name: str
    done_on: dt.date | None = None
    dispatch_id: int | None = None
    person_id: int | None = None
    person_name: str = ""
    departure_date: dt.date | None = None
    return_date: dt.date | None = None
    #: the talk that fulfils a talk item, and its review status
    talk_id: int | None = None
    talk_status: str | None = None
    team_leader_id: int | None = None
    #: (id, name) of the temporary branches serving the project
    branches: tuple[tuple[int, str], ...] = ()

    @property
    def is_talk(self) -> bool:
        return self.kind in TALK_KINDS

    @property
    def talk_type(self) -> str | None:
        return TALK_TYPE_OF.get(self.kind)

    @property
    def label(self) -> str:
        return vocab.label(KIND_LABELS, self.kind)

    @property
    def is_open(self) -> bool:
        return self.done_on is None


def due_items(filters: DueFilters | None = None, *, today: dt.date | None = None,
              rules: dict | None = None, with_branches: bool = False,
              limit: int | None = None, offset: int = 0, overdue_first: bool = False,
              newest_first: bool = False) -> list[DueItem]:
    """Due items matching `filters`, earliest due first (the database filters, sorts and,
    with `limit`/`offset`, pages them); `with_branches` fills each item's `branches`
    (one query more), for pages that show or group by them; `overdue_first`: overdue items
    before the others (what to act on first); `newest_first`: the latest due first.

    A page (`limit`) is found in two steps, so that its cost follows its rows and not all the
    items that match: the due days of the first offset + limit items of each kind, read in
    the order of an index, give the page's span of due days; then only the items due in that
    span are read in full and sorted. `newest_first`: the same from the latest due day down."""
    filters = filters or DueFilters()
    today = today or clock.today()
    rules = rules or current_app.config["RULES"]
    skip = 0
    if limit is not None and not overdue_first:
        window = _page_window(filters, today, rules, limit, offset, newest_first)
        if window is None:
            return []
        filters, skip = window
        offset = 0

    def build():
        found = due_statement(filters, today=today, rules=rules)
        if found is None:
            return None
        order = _order(found)
        if newest_first:
            order[0] = found.c.due_on.desc()
        if overdue_first:
            order.insert(0, found.c.state != "overdue")
        stmt = select(found).order_by(*order)
        return stmt if limit is None else stmt.limit(inline(limit)).offset(inline(offset + skip))

    stmt = built_statement(("items", filters, today, rules_key(rules), overdue_first, newest_first, limit,
                            offset + skip),
                           build)
    if stmt is None:
        return []
    items = [DueItem(*row[:_FIELDS]) for row in _rows(stmt)]
    if with_branches:
        branches = _branches_of({i.project_id for i in items})
        items = [i._replace(branches=branches[i.project_id]) if i.project_id in branches else i for i in items]
    return items


def due_items_each(*each: DueFilters, today: dt.date | None = None,
                   rules: dict | None = None) -> list[list[DueItem]]:
    """[due_items(filters) for filters in each], in one query: a page that shows several lists
    of due items (the branch page's talks to hold and its checkpoints) asks the database once,
    not once per list (a round trip each on PostgreSQL)."""
    today = today or clock.today()
    rules = rules or current_app.config["RULES"]

    def build():
        parts = [select(found, literal_column(str(n), Integer).label("part"))
                 for n, found in enumerate(due_statement(filters, today=today, rules=rules) for filters in each)
                 if found is not None]
        if not parts:
            return None
        every = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("each")
        return select(every).order_by(every.c.part, *_order(every))

    stmt = built_statement(("each", each, today, rules_key(rules)), build)
    lists: list[list[DueItem]] = [[] for _ in each]
    if stmt is not None:
        for row in _rows(stmt):
            lists[row[-1]].append(DueItem(*row[:_FIELDS]))
    return lists


def due_items_pages(*each: tuple[DueFilters, bool], limit: int, today: dt.date | None = None,
                    rules: dict | None = None) -> list[list[DueItem]]:
    """[due_items(filters, limit=limit, newest_first=newest_first) for filters, newest_first in
    each], in two queries whatever the number of lists (the dashboard's newest overdue and
    soonest due items): their page windows in one, then the page of every window in one."""
    today = today or clock.today()
    rules = rules or current_app.config["RULES"]

    def build_windows():
        parts = []
        for n, (filters, newest_first) in enumerate(each):
            window = _page_window_statement(filters, today, rules, limit, newest_first)
            if window is not None:
                days = window.subquery()
                parts.append(select(days.c.due_on, literal_column(str(n), Integer).label("part")))
        return None if not parts else parts[0] if len(parts) == 1 else union_all(*parts)

    stmt = built_statement(("windows", each, today, rules_key(rules), limit), build_windows)
    days: list[list[dt.date]] = [[] for _ in each]
    if stmt is not None:
        for day, part in _rows(stmt):
            days[part].append(day)
    # (list number, its filters narrowed to its window, items before its page, newest first)
    pages = [(n, *window, newest_first) for n, ((filters, newest_first), found) in enumerate(zip(each, days, strict=True))
             if found and (window := _narrowed(filters, found, 0, limit, newest_first)) is not None]

    def build_pages():
        parts = []
        for n, filters, skip, newest_first in pages:
            found = due_statement(filters, today=today, rules=rules)
            if found is None:
                continue
            order = _order(found)
            if newest_first:
                order[0] = found.c.due_on.desc()
            page = select(found).order_by(*order).limit(inline(limit)).offset(inline(skip)).subquery()
            parts.append(select(page, literal_column(str(n), Integer).label("part")))
        if not parts:
            return None
        every = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("each")
        return select(every).order_by(every.c.part, *_order(every))

    lists: list[list[DueItem]] = [[] for _ in each]
    stmt = built_statement(("pages", tuple(pages), today, rules_key(rules), limit), build_pages) if pages else None
    if stmt is not None:
        for row in _rows(stmt):
            lists[row[-1]].append(DueItem(*row[:_FIELDS]))
    # read in the engine's order (_order); the newest first by their due day only, the rest
    # of that order kept (a stable sort), as due_items(newest_first=True) orders them
    for n, _, _, newest_first in pages:
        if newest_first:
            lists[n].sort(key=lambda i: i.due_on, reverse=True)
    return lists


def _rows(stmt):
    """The rows of a due statement. Core, not the ORM: plain rows, without the ORM's result
    set-up per query (flushed first as the ORM's execute would: a caller's pending writes
    count)."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(stmt)


def _page_window(filters: DueFilters, today: dt.date, rules: dict, limit: int,
                 offset: int, newest_first: bool = False) -> tuple[DueFilters, int] | None:
    """(the filters narrowed to the due days of the page's items, how many items due on the
    page's first day come before the page), or None when the page is past the last item.

    Each kind's first offset + limit due days, in one query: they come from the index of its
    stored rows on their date in order (the due day is that date moved by a fixed number of
    days)."""
    wanted = offset + limit
    if wanted <= 0:
        return None
    stmt = built_statement(("window", filters, today, rules_key(rules), wanted, newest_first),
                           lambda: _page_window_statement(filters, today, rules, wanted, newest_first))
    if stmt is None:
        return None
    return _narrowed(filters, list(db.session.scalars(stmt)), offset, wanted, newest_first)


def _narrowed(filters: DueFilters, days: list[dt.date], offset: int, wanted: int,
              newest_first: bool) -> tuple[DueFilters, int] | None:
    """_page_window's answer from the due days its statement read."""
    days = sorted(days, reverse=newest_first)
    page = days[offset:wanted]
    if not page:
        return None
    first, last = min(page), max(page)
    before = sum(1 for day in days if (day > last if newest_first else day < first))
    narrowed = replace(filters, due_from=max(first, filters.due_from or first),
                       due_to=min(last, filters.due_to or last))
    return narrowed, offset - before


def _page_window_statement(filters: DueFilters, today: dt.date, rules: dict, wanted: int,
                           newest_first: bool = False):
    """The due days of the first (`newest_first`: last) `wanted` items of each kind, unsorted;
    None when no kind is left to look at."""
    arms = []
    for kind in _kinds_of(filters):
        stmt = _kept_select(kind, filters, today, rules, ("due_on",))
        if filters.states is not None and filters.states & OPEN_STATES and not filters.states <= OPEN_STATES:
            # open and done states: else exactly by _open_conditions or _done_condition (_in_states)
            stmt = stmt.where(_kept_state(kind, today, rules).in_(_names(filters.states)))
        # in the order of the indexes (kind, done_lag, base_on): for open items, whose
        # done_lag IS NULL, ordered by done_lag too, which PostgreSQL needs to see that it
        # may read the index in order and stop (it sees a constant only in an equality, and
        # sorted every open item of the kind to find the ten newest)
        order = [_kept(kind).base_on]
        if filters.states is not None and filters.states <= OPEN_STATES:
            order.insert(0, _kept(kind).done_lag)
        arms.append(stmt.order_by(*(c.desc() if newest_first else c for c in order)).limit(inline(wanted)))
    if not arms:
        return None
    keyed = [select(arm.subquery().c.due_on) for arm in arms]
    return keyed[0] if len(keyed) == 1 else union_all(*keyed)


#: the rules a due statement is built from (its days: tracker/due/sql.py, and due_soon_days)
_DUE_RULES = ("pre_talk_days_before_departure", "post_talk_grace_days", "integrity_disclosure_days",
              "integrity_revisit_days", "due_soon_days")


def rules_key(rules: dict) -> tuple:
    """The rules as part of a statement's key: those of due items only. All of them, the
    study rules' dicts too, written out and sorted on every request, cost more Python than
    executing the branch page's due statement."""
    return tuple(rules[name] for name in _DUE_RULES)


def due_counts(filters: DueFilters | None = None, *, today: dt.date | None = None,
               rules: dict | None = None) -> dict[str, int]:
    """{state: how many items match `filters` but their state, in each state}, every state
    present; one query."""
    counts = dict.fromkeys(vocab.DUE_STATES, 0)
    filters = replace(filters or DueFilters(), states=None)
    today = today or clock.today()
    rules = rules or current_app.config["RULES"]
    stmt = built_statement(("counts", filters, today, rules_key(rules)),
                           lambda: _counts_statement(filters, today, rules))
    if stmt is None:
        return counts
    for n, state in db.session.execute(stmt):
        counts[state] += n
    return counts


def _counts_statement(filters: DueFilters, today: dt.date, rules: dict):
    """(n, state) rows counting the items of `filters` by state (see due_counts); None when
    no kind is left to count."""
    # Every item of the kinds asked (the list as it opens): each state is a range of the few
    # rows of the counts kept by lag and date (tracker.due.kept), not of every item's entry
    # in the index (tens of thousands of done ones at ten times the province).
    ranges = _kept_ranges if _unfiltered(filters) else _range_counts
    parts = [part for kind in _kinds_of(filters) for part in ranges(kind, filters, today, rules).values()]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else union_all(*parts)


#: DueFilters' fields that are not conditions on the items: the kinds and states asked
_NOT_CONDITIONS = frozenset({"kinds", "states"})


def _unfiltered(filters: DueFilters) -> bool:
    """Whether `filters` ask for every item of their kinds: no condition besides."""
    return not any(getattr(filters, field.name) for field in fields(filters) if field.name not in _NOT_CONDITIONS)


def due_day_counts(filters: DueFilters | None = None, *, today: dt.date | None = None,
                   rules: dict | None = None) -> list[tuple[str, str, dt.date, int]]:
    """[(kind, state, due day, how many)] of the items matching `filters`, one query: what a
    chart of due items per day, week or month needs. A kind is grouped on its stored indexed
    columns (the date its due day counts from, and whether and how late it was done), its
    due day added here; nothing is computed for each item."""
    filters = filters or DueFilters()
    today = today or clock.today()
    rules = rules or current_app.config["RULES"]
    arms, shifts = [], {}
    for kind in _kinds_of(filters):
        due, shifts[kind] = _kept(kind), _shift(kind, rules)
        state = _kept_state(kind, today, rules)
        stmt = (select(literal_column(f"'{kind}'", String).label("kind"), state.label("state"),
                       due.base_on.label("day"), func.count().label("n"))
                .where(*_kept_conditions(kind, filters, rules)).group_by(due.base_on, state))
        arms.append(_narrowed_count(stmt, kind, state, filters, today, rules))
    if not arms:
        return []
    rows = db.session.execute(arms[0] if len(arms) == 1 else union_all(*arms))
    return [(kind, state, day + dt.timedelta(days=shifts[kind]), n) for kind, state, day, n in rows]


def _narrowed_count(stmt, kind: str, state, filters: DueFilters, today: dt.date, rules: dict):
    """A kind's count narrowed, as both counts narrow it, to the person's name and the states
    asked (open states also by the indexed dates that make them)."""
    if filters.person_name and kind in TALK_KINDS:
        stmt = stmt.join(Person, Person.id == DueTalk.person_id)
    if filters.states is not None and filters.states <= OPEN_STATES:
        stmt = stmt.where(*_open_conditions(kind, filters.states, today, rules))
    elif filters.states is not None:
        stmt = stmt.where(state.in_(_names(filters.states)))
    return stmt


def due_state_counts(filters: DueFilters | None = None, *, today: dt.date | None = None,
                     rules: dict | None = None) -> list[tuple[str, str, int, dt.date]]:
    """[(kind, state, how many, the earliest due day)] of the items matching `filters`, one
    query of a few rows: what a headline of open items needs. A kind is counted on its
    stored indexed columns (its earliest due day is its earliest date moved by the rule's days)."""
    filters = filters or DueFilters()
    today = today or clock.today()
    rules = rules or current_app.config["RULES"]
    shifts = {kind: _shift(kind, rules) for kind in _kinds_of(filters)}
    # kept built: building the union and its cache key cost as much as the query
    stmt = built_statement(("state counts", filters, today, rules_key(rules)),
                           lambda: _state_counts_statement(filters, today, rules))
    if stmt is None:
        return []
    rows = db.session.execute(stmt)
    return [(kind, state, n, day + dt.timedelta(days=shifts[kind])) for kind, state, n, day in rows if n]


def _state_counts_statement(filters: DueFilters, today: dt.date, rules: dict):
    # a count and a first day over each state's range of a kind's index (no state computed
    # for each row, nothing grouped); an empty state gives n = 0
    arms = [part for kind in _kinds_of(filters)
            for state, part in _range_counts(kind, filters, today, rules, first_day=True).items()
            if filters.states is None or state in filters.states]
    if not arms:
        return None
    return arms[0] if len(arms) == 1 else union_all(*arms)


def due_statement(filters: DueFilters, *, today: dt.date | None = None, rules: dict | None = None,
                  columns: tuple[str, ...] | None = None):
    """A subquery of the due items matching `filters`, with the columns of DueItem (without
    `branches`) and `kind_order`, or only those named in `columns` (which must include "state"
    when `filters.states` is set); None when the filters leave no kind to look at."""
    today = today or clock.today()
    rules = rules or current_app.config["RULES"]
    kinds = _kinds_of(filters)
    if _few(filters):
        groups = [g for g in ([k for k in kinds if k in TALK_KINDS], [k for k in kinds if k in CHECKPOINT_KINDS]) if g]
        parts = [_kept_select(g[0], filters, today, rules, columns) if len(g) == 1
                 else _merged_select(g, filters, today, rules, columns) for g in groups]
    else:
        parts = [_kept_select(kind, filters, today, rules, columns) for kind in kinds]
    if not parts:
        return None
    found = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("due")
    if filters.states is not None:
        found = select(found).where(found.c.state.in_(_names(filters.states))).subquery("due_in_state")
    return found


#: DueItem's fields read from a row (all but `branches`)
_FIELDS = len(DueItem._fields) - 1
_ALL_COLUMNS = (*DueItem._fields[:_FIELDS], "kind_order")


def _names(states: frozenset[str]) -> list:
    """The states of a filter written into the statement (due_sql.day tells why)."""
    return [due_sql.name(state) for state in sorted(states)]


def _order(found) -> list:
    return [found.c.due_on, found.c.kind_order, found.c.project_code, found.c.person_name,
            func.coalesce(found.c.dispatch_id, due_sql._int(0))]


def _scope_conditions(project_id, filters: DueFilters) -> list:
    """Which projects' items a reader gets: the one place the due items are cut to the user
    (`leader_person_id`: a team leader's own projects; `project_ids`: e.g. the projects of
    the branches a user is an officer of)."""
    conditions = []
    if filters.project_ids is not None:
        conditions.append(project_id.in_(sorted(filters.project_ids) or [-1]))
    if filters.leader_person_id is not None:
        conditions.append(project_id.in_(access.projects_led_by(filters.leader_person_id)))
    return conditions


def _project_id_conditions(project_id, filters: DueFilters) -> list:
    """The conditions of `filters` on projects, on a column of project ids."""
    conditions = _scope_conditions(project_id, filters)
    if filters.project_id is not None:
        conditions.append(project_id == filters.project_id)
    if filters.branch_id is not None:
        conditions.append(project_id.in_(
            branch_queries.projects_served_by(filters.branch_id)
        ))
    if filters.project_name:
        conditions.append(project_id.in_(project_queries.named(filters.project_name)))
    if filters.branch_name:
        conditions.append(project_id.in_(branch_queries.projects_of_named(filters.branch_name)))
    return conditions


def _none(type_) -> ColumnElement:
    return cast(null(), type_)


def _pick(columns: tuple[str, ...] | None, *labelled) -> list:
    """The labelled columns named in `columns` (all when None), in the same order in every
    part of the union: a count that reads only states does not make the database build
    names and codes of every row."""
    return [c for c in labelled if columns is None or c.name in columns]


def _kinds_of(filters: DueFilters) -> list[str]:
    """The kinds `filters` ask for, in their order: talks, then checkpoints (none for a person
    or a dispatch)."""
    kinds = [kind for kind in TALK_KINDS if kind in filters.kinds]
    if not filters.talks_only:
        kinds += [kind for kind in CHECKPOINT_KINDS if kind in filters.kinds]
    return kinds


def _kept(kind: str):
    """The stored rows of a kind (tracker/due/models.py): due talks or due checkpoints."""
    return DueTalk if kind in TALK_KINDS else DueCheckpoint


def _shift(kind: str, rules: dict) -> int:
    """The days from a stored row's `base_on` to its due day."""
    if kind in TALK_KINDS:
        return due_sql.talk_due_shift(kind, rules)[1]
    return due_sql.checkpoint_shift(kind, rules)


def _kept_select(kind: str, filters: DueFilters, today: dt.date, rules: dict,
                 columns: tuple[str, ...] | None = None):
    """One row per stored due item of `kind` selected by `filters` (tracker/due/models.py: a
    live dispatch's talk, a live project's checkpoint), joined only to what the columns ask
    for; a checkpoint has no dispatch, person or talk."""
    stmt = (
        select(*_kept_columns(kind, today, rules, columns))
        .select_from(_kept(kind))
        .where(*_kept_conditions(kind, filters, rules))
    )
    return _in_states(_kept_joins(stmt, kind, filters, columns), kind, filters, today, rules)


def _kept_columns(kind: str, today: dt.date, rules: dict, columns: tuple[str, ...] | None) -> list:
    """The labelled columns of a kind's stored rows that `columns` names (all when None)."""
    due, talk = _kept(kind), kind in TALK_KINDS

    def of_talk(column, otherwise):
        return column if talk else otherwise

    return _pick(
        columns,
        literal_column(f"'{kind}'", String).label("kind"),
        due_sql._plus(due.base_on, _shift(kind, rules)).label("due_on"),
        _kept_state(kind, today, rules).label("state"),
        due.project_id.label("project_id"), Project.code.label("project_code"),
        Project.name.label("project_name"),
        due.done_on.label("done_on"),
        of_talk(DueTalk.dispatch_id, _none(Integer)).label("dispatch_id"),
        of_talk(DueTalk.person_id, _none(Integer)).label("person_id"),
        of_talk(Person.name, literal_column("''", String)).label("person_name"),
        of_talk(Dispatch.departure_date, _none(Date)).label("departure_date"),
        of_talk(Dispatch.return_date, _none(Date)).label("return_date"),
        of_talk(DueTalk.talk_id, _none(Integer)).label("talk_id"),
        of_talk(Talk.status, _none(String)).label("talk_status"),
        Project.team_leader_id.label("team_leader_id"),
        literal_column(str(_ORDER[kind]), Integer).label("kind_order"),
    )


def _kept_joins(stmt, kind: str, filters: DueFilters, columns: tuple[str, ...] | None):
    """`stmt` of a kind's stored rows joined to what its columns and filters need."""
    due, talk = _kept(kind), kind in TALK_KINDS
    wanted = set(_ALL_COLUMNS if columns is None else columns)
    if wanted & {"project_code", "project_name", "team_leader_id"}:
        stmt = stmt.join(Project, Project.id == due.project_id)
    if talk and (wanted & {"person_name"} or filters.person_name):
        stmt = stmt.join(Person, Person.id == DueTalk.person_id)
    if talk and wanted & {"departure_date", "return_date"}:
        stmt = stmt.join(Dispatch, Dispatch.id == DueTalk.dispatch_id)
    if talk and "talk_status" in wanted:
        stmt = stmt.outerjoin(Talk, Talk.id == DueTalk.talk_id)
    return stmt


def _few(filters: DueFilters) -> bool:
    """Whether `filters` select the items of one dispatch, person, project or branch, with
    conditions that are the same for every kind (no period of due days, which is a range of
    a different date for each kind; no states that are some of the open ones but not all,
    each a range of dates of its own). Their rows are then few, and read in one part per
    table (_merged_select) rather than one per kind: the branch page's five checkpoint
    kinds were five parts, each reading the branch's projects, and PostgreSQL planned its
    seven parts in 10 ms (on each of the first executions on a connection) and ran them in
    twice the time of two."""
    return ((filters.dispatch_id, filters.person_id, filters.project_id, filters.branch_id) != (None,) * 4
            and filters.due_from is None and filters.due_to is None
            and (filters.states is None or not filters.states < OPEN_STATES))


def _merged_select(kinds: list[str], filters: DueFilters, today: dt.date, rules: dict,
                   columns: tuple[str, ...] | None = None):
    """_kept_select of several kinds of one table, in one select: the rows of every kind in
    `kinds`, each column the expression its kind's select has (CASE on the kind where
    they differ). Only for filters whose conditions are the same for every kind (_few)."""
    due = _kept(kinds[0])
    each = [_kept_columns(kind, today, rules, columns) for kind in kinds]
    merged = []
    for n, column in enumerate(each[0]):
        if column.name == "kind":
            merged.append(due.kind.label("kind"))
            continue
        expressions = [cols[n].element for cols in each]
        if all(e.compare(expressions[0]) for e in expressions[1:]):
            merged.append(column)
        else:
            # the kinds of each different expression (two checkpoints count from the start
            # by the same days), the last one's the CASE's ELSE
            alike: list[tuple[list[str], ColumnElement]] = []
            for kind, e in zip(kinds, expressions, strict=True):
                same = next((group for group in alike if group[1].compare(e)), None)
                if same is None:
                    alike.append(([kind], e))
                else:
                    same[0].append(kind)
            merged.append(case(*((due.kind.in_([due_sql.name(k) for k in group]), e) for group, e in alike[:-1]),
                               else_=alike[-1][1]).label(column.name))
    conditions = _kept_conditions(kinds[0], filters, rules)[1:]  # all but its kind's
    stmt = select(*merged).select_from(due).where(due.kind.in_([due_sql.name(kind) for kind in kinds]), *conditions)
    return _in_states(_kept_joins(stmt, kinds[0], filters, columns), kinds[0], filters, today, rules)


def _in_states(stmt, kind: str, filters: DueFilters, today: dt.date, rules: dict):
    """`stmt` of a kind's stored rows narrowed by the index to the states asked: open ones by
    their range of dates, done ones by a lag recorded."""
    if filters.states is not None and filters.states <= OPEN_STATES:
        stmt = stmt.where(*_open_conditions(kind, filters.states, today, rules))
    elif filters.states is not None and not filters.states & OPEN_STATES:
        stmt = stmt.where(_done_condition(kind, filters.states, rules))
    return stmt


def _done_condition(kind: str, states: frozenset[str], rules: dict) -> ColumnElement:
    """For done states only: the range of lags these states allow (_kept_state read
    backwards), so the index on (kind, done_lag, base_on) is read over the done-late items
    only, not over every done item with a state computed for each."""
    lag, allowed = _kept(kind).done_lag, due_sql._int(_shift(kind, rules))
    if states == {"done"}:
        return lag <= allowed
    if states == {"done_late"}:
        return lag > allowed
    return lag.is_not(None)


def _kept_state(kind: str, today: dt.date, rules: dict) -> ColumnElement:
    """rules.state_of for a stored row: done when done at most `shift` days after the date
    the due day counts from; an open one compared with today moved by the same days."""
    due, shift = _kept(kind), _shift(kind, rules)
    opens_on = due.base_on if kind == "post_talk" else None
    closed = case((due.done_lag <= due_sql._int(shift), literal_column("'done'")),
                  else_=literal_column("'done_late'"))
    return due_sql.state(due.base_on, due.done_lag, today, rules["due_soon_days"], opens_on,
                         shifted=(due.base_on, shift), closed=closed)


def _open_conditions(kind: str, states: frozenset[str], today: dt.date, rules: dict) -> list:
    """For open states only: the rows not yet done, and the range of the date the due day
    counts from that these states allow (rules.state_of read backwards), so the index on
    (kind, done_lag, base_on) is read over that range only — the newest overdue items are
    found without walking every item due later. Exactly the rows in these states: no state
    needs computing for each row besides."""
    due, shift = _kept(kind), _shift(kind, rules)
    overdue_below = today - dt.timedelta(days=shift)
    soon_up_to = today + dt.timedelta(days=rules["due_soon_days"] - shift)
    if kind == "post_talk":  # due soon from its return on (opens_on = base_on)
        soon_up_to = max(soon_up_to, today)
    overdue_below, soon_up_to = due_sql.day(overdue_below), due_sql.day(soon_up_to)
    conditions = [due.done_lag.is_(None)]
    if "overdue" not in states:
        conditions.append(due.base_on >= overdue_below)
    if "due_soon" in states:
        if "not_yet_due" not in states:
            conditions.append(due.base_on <= soon_up_to)
    elif "overdue" in states and "not_yet_due" in states:
        conditions.append(or_(due.base_on < overdue_below, due.base_on > soon_up_to))
    elif "overdue" in states:
        conditions.append(due.base_on < overdue_below)
    else:
        conditions.append(due.base_on > soon_up_to)
    return conditions


def _kept_conditions(kind: str, filters: DueFilters, rules: dict) -> list:
    due, shift = _kept(kind), _shift(kind, rules)
    conditions = [due.kind == due_sql.name(kind), *_project_id_conditions(due.project_id, filters)]
    if kind in TALK_KINDS:
        if filters.dispatch_id is not None:
            conditions.append(DueTalk.dispatch_id == filters.dispatch_id)
        if filters.person_id is not None:
            conditions.append(DueTalk.person_id == filters.person_id)
        if filters.person_name:
            conditions.append(name_matches(filters.person_name))
    # A period of due dates is the same period of the date the due day counts from, shifted.
    if filters.due_from is not None:
        conditions.append(due.base_on >= due_sql.day(filters.due_from - dt.timedelta(days=shift)))
    if filters.due_to is not None:
        conditions.append(due.base_on <= due_sql.day(filters.due_to - dt.timedelta(days=shift)))
    return conditions


def _range_counts(kind: str, filters: DueFilters, today: dt.date, rules: dict, *, done: bool = True,
                  first_day: bool = False) -> dict:
    """{state: a select of (n, state)} for `kind`, each a count over one range of its stored
    rows' index on (kind, done_lag, base_on): done (unless `done` is False) and done late by
    how late it was done; open ones by their date, as _kept_state tells them apart (nothing
    computed, sorted or grouped for each row). `first_day`: selects of (kind, state, n, the
    earliest date the due day counts from) instead."""
    due, shift = _kept(kind), _shift(kind, rules)
    conditions = _kept_conditions(kind, filters, rules)
    lag = due_sql._int(shift)
    overdue_before, soon_until = _open_bounds(kind, today, rules)
    open_ones = [*conditions, due.done_lag.is_(None)]

    def part(state: str, *where):
        named = literal_column(f"'{state}'", String).label("state")
        columns = ((literal_column(f"'{kind}'", String).label("kind"), named, func.count().label("n"),
                    func.min(due.base_on).label("day")) if first_day else (func.count().label("n"), named))
        counted = select(*columns).select_from(due)
        if filters.person_name and kind in TALK_KINDS:
            counted = counted.join(Person, Person.id == DueTalk.person_id)
        return counted.where(*where)

    return {
        **({"done": part("done", *conditions, due.done_lag <= lag)} if done else {}),
        "done_late": part("done_late", *conditions, due.done_lag > lag),
        "overdue": part("overdue", *open_ones, due.base_on < due_sql.day(overdue_before)),
        "due_soon": part("due_soon", *open_ones, due.base_on >= due_sql.day(overdue_before),
                         due.base_on <= due_sql.day(soon_until)),
        "not_yet_due": part("not_yet_due", *open_ones, due.base_on > due_sql.day(soon_until)),
    }


def _open_bounds(kind: str, today: dt.date, rules: dict) -> tuple[dt.date, dt.date]:
    """_kept_state of an open item of `kind` by the date its due day counts from: overdue
    before the first day; due soon from it up to the second (a post-dispatch talk also once
    its dispatch is back: its date is the return); not yet due after it."""
    shift = _shift(kind, rules)
    overdue_before = today - dt.timedelta(days=shift)
    soon_until = today + dt.timedelta(days=rules["due_soon_days"] - shift)
    if kind == "post_talk":
        soon_until = max(soon_until, today)
    return overdue_before, soon_until


def _kept_ranges(kind: str, _filters: DueFilters, today: dt.date, rules: dict) -> dict:
    """{state: a select of (n, state)} for every item of `kind`, each a sum over a range of
    the counts kept by lag (done, done late) and by date (open states) of tracker.due.kept:
    the ranges of _range_counts over rows that each count many items."""
    lags, days = DueLagCount.__table__, DueOpenCount.__table__
    lag = due_sql._int(_shift(kind, rules))
    overdue_before, soon_until = (due_sql.day(d) for d in _open_bounds(kind, today, rules))

    def part(state: str, table, *where):
        return (select(func.coalesce(func.sum(table.c.n), due_sql._int(0)).label("n"),
                       literal_column(f"'{state}'", String).label("state"))
                .where(table.c.kind == due_sql.name(kind), *where))

    return {
        "done": part("done", lags, lags.c.done_lag <= lag),
        "done_late": part("done_late", lags, lags.c.done_lag > lag),
        "overdue": part("overdue", days, days.c.base_on < overdue_before),
        "due_soon": part("due_soon", days, days.c.base_on >= overdue_before, days.c.base_on <= soon_until),
        "not_yet_due": part("not_yet_due", days, days.c.base_on > soon_until),
    }


def _branches_of(project_ids: set[int]) -> dict[int, tuple[tuple[int, str], ...]]:
    """The temporary branches (not deleted) serving each project, active ones first."""
    if not project_ids:
        return {}
    result: dict[int, list] = {}
    for row in branch_queries.serving(sorted(project_ids)):
        result.setdefault(row.project_id, []).append((row.id, row.name))
    return {k: tuple(v) for k, v in result.items()}
