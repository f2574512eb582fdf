"""Every number of the review dashboard, each read with a fixed number of queries.

Nothing here re-states a compliance rule: due states come from `tracker.due.due_items`,
the study rules from `tracker.study.rules.for_branches`, "needs a branch" from
`tracker.dispatches.rules` (`needing_branch`), and what counts as a held session from
`tracker.study.rules.COUNTED`. This module only selects, counts and groups.

Scope: admins, secretaries and viewers see everything; anyone else (a team leader) sees
the projects they lead, the branches serving them, those branches' sessions and the talks
of those projects' dispatches — the same cut as the study, talks and "Talks due" lists.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context
from sqlalchemy import (
    Float,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)

from tracker import access, clock, kept_counts, vocab
from tracker.branches.models import Branch
from tracker.dispatches import rules as dispatch_rules
from tracker.due import ACTION_STATES, TALK_KINDS, DueFilters, DueItem, state_of
from tracker.due.engine import due_items_pages, due_state_counts, due_statement, rules_key
from tracker.extensions import db
from tracker.i18n import colon, request_cache
from tracker.months import add_months, month_end
from tracker.people.models import Person
from tracker.periods import Period
from tracker.projects.models import Project
from tracker.statements import built_statement
from tracker.study import counting as study_counting
from tracker.study import queries as study_queries
from tracker.study import rules as study_rules
from tracker.study.models import StudyMonth, StudyMonthTotal, StudySession
from tracker.study.upkeep import month_of
from tracker.talks import counting as talk_counting
from tracker.talks import queries as talk_queries
from tracker.talks.models import Talk

#: how many overdue/due-soon items and waiting records the page lists (the links show all)
LIST_LIMIT = 10


@dataclass(frozen=True)
class Scope:
    """Whose records the dashboard counts, and optionally one branch."""

    user: object
    sees_all: bool
    branch_id: int | None = None

    @property
    def leader_person_id(self) -> int | None:
        return None if self.sees_all else access.due_leader(self.user)

    @property
    def key(self) -> tuple:
        return getattr(self.user, "id", None), self.sees_all, self.branch_id


def once_a_request(compute):
    """`compute(scope, *args)` computed once a request for the same scope and arguments: the
    home page's to-do box and its dashboard show the same figures (the headline's open
    items, the study rules' gaps, the review queue). Nothing is kept past the request."""
    def figure(scope: Scope, *args, **kwargs):
        if not has_request_context():
            return compute(scope, *args, **kwargs)
        known = request_cache("_dashboard_figures")
        key = (compute.__name__, scope.key, *args, *sorted(kwargs.items()))
        if key not in known:
            known[key] = compute(scope, *args, **kwargs)
        return known[key]
    figure.__name__, figure.__doc__ = compute.__name__, compute.__doc__
    return figure


def _sessions_in_scope(stmt, scope: Scope):
    """A statement over StudySession cut to the scope (as the study list cuts it)."""
    if not scope.sees_all:
        stmt = access.readable_sessions(scope.user, stmt)
    if scope.branch_id is not None:
        stmt = stmt.where(StudySession.branch_id == scope.branch_id)
    return stmt


def _kept(scope: Scope, key: tuple, build):
    """The statement `build()` makes, kept built per process for whoever sees everything (it
    then depends on `key` and the scope's branch only); built for the request for a narrower
    reader (it holds their own cut)."""
    return built_statement(("dashboard", *key, scope.branch_id), build) if scope.sees_all else build()


# Due talks and integrity checkpoints -------------------------------------------------
@dataclass
class DueFigures:
    """The period's figures: talks and checkpoints whose due date falls in the period."""

    #: ("talks" | "checkpoints", state) -> how many are due in the period
    counts: Counter
    #: first day of a month -> {state: number of talks due that month}
    talks_by_month: dict[dt.date, Counter]

    def count(self, what: str, state: str) -> int:
        return self.counts[(what, state)]

    @property
    def talks_total(self) -> int:
        return sum(n for (what, _), n in self.counts.items() if what == "talks")


def _what(is_talk) -> str:
    return "talks" if is_talk else "checkpoints"


def due_figures(scope: Scope, period: Period, today: dt.date | None = None) -> DueFigures:
    """Talks and checkpoints due in the period, counted by the database per kind, state and
    month due (a few rows a month): one query."""
    filters = DueFilters(
        branch_id=scope.branch_id, leader_person_id=scope.leader_person_id,
        due_from=period.first, due_to=period.last,
    )
    counts: Counter = Counter()
    by_month: dict[dt.date, Counter] = {month: Counter() for month in period.months}
    today = today or clock.today()
    rules = current_app.config["RULES"]

    def build():
        found = due_statement(filters, today=today, rules=rules, columns=("kind", "state", "due_on"))
        is_talk = found.c.kind.in_(TALK_KINDS)
        month = month_of(found.c.due_on)
        return (select(is_talk.label("is_talk"), found.c.state, month, func.count())
                .group_by(is_talk, found.c.state, month))
    # kept built like the due engine's own statements: building it and its cache key cost
    # more than the query
    rows = db.session.connection().execute(
        built_statement(("dashboard period", filters, today, rules_key(rules)), build))
    for talk, state, month, n in rows:
        counts[(_what(talk), state)] += n
        if talk:
            by_month[month][state] += n
    return DueFigures(counts, by_month)


@dataclass
class OpenFigures:
    """What is open now, whatever its due date and the period: the dashboard's headline."""

    today: dt.date
    #: ("talks" | "checkpoints", "overdue" | "due_soon") -> how many
    counts: Counter
    #: ("talks" | "checkpoints", state) -> the earliest due date among them
    earliest: dict[tuple[str, str], dt.date]
    #: the most recently overdue first, at most LIST_LIMIT (see open_figures)
    overdue: list[DueItem]
    #: the soonest due first, at most LIST_LIMIT
    soon: list[DueItem]

    def count(self, what: str, state: str) -> int:
        return self.counts[(what, state)]

    def total(self, state: str) -> int:
        return self.count("talks", state) + self.count("checkpoints", state)

    def most_days_overdue(self, what: str) -> int | None:
        """Days the longest-overdue item of this kind is overdue (None when none is)."""
        first = self.earliest.get((what, "overdue"))
        return (self.today - first).days if first else None

    def days_overdue(self, item: DueItem) -> int:
        return (self.today - item.due_on).days


@once_a_request
def open_figures(scope: Scope, today: dt.date | None = None) -> OpenFigures:
    """Overdue and due-soon talks and checkpoints, whenever they were due (three queries).

    The overdue list is ordered most recently due first: an item that became overdue today
    heads the list instead of queueing behind every older one, where a cap of ten would hide
    it; the long-overdue ones are counted in the headline with the days of the oldest, and
    the "more" link lists them all, oldest first."""
    today = today or clock.today()
    filters = DueFilters(branch_id=scope.branch_id, leader_person_id=scope.leader_person_id,
                         states=ACTION_STATES)
    counts: Counter = Counter()
    earliest: dict[tuple[str, str], dt.date] = {}
    for kind, state, n, first in due_state_counts(filters, today=today):
        key = (_what(kind in TALK_KINDS), state)
        counts[key] += n
        earliest[key] = min(first, earliest.get(key, first))
    overdue_items, soon = due_items_pages((replace(filters, states=frozenset({"overdue"})), True),
                                          (replace(filters, states=frozenset({"due_soon"})), False),
                                          limit=LIST_LIMIT, today=today)
    return OpenFigures(today, counts, earliest, overdue_items, soon)


# Records waiting for review ----------------------------------------------------------
@dataclass(frozen=True)
class Waiting:
    """A submitted session or talk: since when it waits, and its state against the rule."""

    kind: str  # "session" | "talk"
    id: int
    title: str
    where: str
    held_on: dt.date
    since: dt.date
    waited_days: int
    #: review deadline (since + RULES["review_within_days"]) as a due state
    state: str
    #: the moment it waits since, as stored
    at: dt.datetime | None = None


@dataclass
class ReviewQueue:
    sessions: int = 0
    sessions_late: int = 0
    talks: int = 0
    talks_late: int = 0
    oldest: list[Waiting] = field(default_factory=list)
    within_days: int = 14
    #: the oldest sessions and the oldest talks, each at most LIST_LIMIT (the to-do box's lists)
    oldest_sessions: list[Waiting] = field(default_factory=list)
    oldest_talks: list[Waiting] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sessions + self.talks

    @property
    def late(self) -> int:
        return self.sessions_late + self.talks_late


def _local_midnight_utc(day: dt.date) -> dt.datetime:
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)


#: written into the statement, not bound: the partial indexes of the waiting records
#: (ix_*_waiting_since, WHERE status = 'submitted') serve only a query that names it
SUBMITTED = literal_column("'submitted'")


def waiting_sessions(scope: Scope):
    since = func.coalesce(StudySession.submitted_at, StudySession.updated_at)
    stmt = select(StudySession).where(StudySession.deleted_at.is_(None), StudySession.status == SUBMITTED)
    return _sessions_in_scope(stmt, scope), since


def waiting_talks(scope: Scope):
    since = func.coalesce(Talk.submitted_at, Talk.updated_at)
    stmt = select(Talk).where(Talk.deleted_at.is_(None), Talk.status == SUBMITTED)
    if not scope.sees_all:
        stmt = stmt.where(talk_queries.of_team_led_by(scope.leader_person_id))
    if scope.branch_id is not None:
        stmt = stmt.where(talk_queries.of_branch(scope.branch_id))
    return stmt, since


def waiting_count(scope: Scope, kind: str):
    """A SELECT of how many sessions ("session") or talks ("talk") wait for review in the
    scope: for the whole bureau the count kept by the writes (tracker.study.counting,
    tracker.talks.counting), which a reviewer's to-do box reads on every page; the waiting
    records are counted while it is not kept, and for a narrower scope."""
    stmt, _ = waiting_sessions(scope) if kind == "session" else waiting_talks(scope)
    counted = stmt.with_only_columns(func.count())
    if not scope.sees_all or scope.branch_id is not None:
        return counted
    kept = study_counting.WAITING_SESSIONS if kind == "session" else talk_counting.WAITING_TALKS
    return select(func.coalesce(kept_counts.read_statement(kept.name), counted.scalar_subquery()))


def _oldest(stmt, model, since):
    """The ids of the LIST_LIMIT oldest records of `stmt` and since when they wait, read from
    the start of the index in the order they wait (ix_*_waiting_since) before anything is
    joined. Ordered as the index is, deleted_at first: it is NULL for every waiting record,
    but PostgreSQL sees a constant only in an equality, not in IS NULL, and would sort."""
    return (stmt.with_only_columns(model.id, since.label("since"))
            .order_by(model.deleted_at, since, model.id).limit(LIST_LIMIT).subquery())


def _waiting_and_recent(scope: Scope, kind: str, stmt, since, cutoff):
    """How many records of `stmt` wait (kept for the bureau, see `waiting_count`), and how
    many of them since `cutoff` or later: the few at the end of the index in the order they
    wait, whatever the number waiting. The late are the difference."""
    return select(waiting_count(scope, kind).scalar_subquery().label("n"),
                  stmt.with_only_columns(func.count()).where(since >= cutoff).scalar_subquery().label("recent"),
                  ).subquery()


def _review_statements(scope: Scope):
    """The review queue's two statements, with the cutoff of waiting too long as the
    parameter `cutoff`: how many sessions and talks wait and how many of them are not yet
    late, in one row; the oldest sessions and the oldest talks (kind, id, type, topic, day,
    name, since) in one list."""
    cutoff = bindparam("cutoff", type_=StudySession.submitted_at.type)
    sessions, session_since = waiting_sessions(scope)
    talks, talk_since = waiting_talks(scope)
    s = _waiting_and_recent(scope, "session", sessions, session_since, cutoff)
    t = _waiting_and_recent(scope, "talk", talks, talk_since, cutoff)
    counts = select(s.c.n, s.c.recent, t.c.n, t.c.recent).select_from(s.join(t, true()))
    old_sessions, old_talks = _oldest(sessions, StudySession, session_since), _oldest(talks, Talk, talk_since)
    oldest = union_all(
        select(literal_column("'session'").label("kind"), StudySession.id, StudySession.session_type.label("type"),
               StudySession.topic, StudySession.held_on.label("day"), Branch.name, old_sessions.c.since)
        .join(old_sessions, old_sessions.c.id == StudySession.id)
        .join(Branch, Branch.id == StudySession.branch_id),
        select(literal_column("'talk'"), Talk.id, Talk.talk_type, null(), Talk.talk_date, Person.name,
               old_talks.c.since)
        .join(old_talks, old_talks.c.id == Talk.id)
        .join(Person, Person.id == Talk.person_id),
    )
    return counts, oldest


@once_a_request
def review_queue(scope: Scope, today: dt.date | None = None) -> ReviewQueue:
    """Submitted sessions and talks, oldest first (two queries)."""
    today = today or clock.today()
    rules = current_app.config["RULES"]
    within = rules["review_within_days"]
    # waiting longer than the rule allows: submitted before the day `within` days ago
    cutoff = _local_midnight_utc(today - dt.timedelta(days=within))
    queue = ReviewQueue(within_days=within)
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])

    def waiting(kind, day, title, where, record_id, moment) -> Waiting:
        since_day = moment.astimezone(tz).date()
        return Waiting(
            kind, record_id, title, where, day, since_day, (today - since_day).days,
            state_of(since_day + dt.timedelta(days=within), None, today, rules["due_soon_days"]), moment,
        )

    # whoever sees everything asks the same statements (kept built: building them and their
    # cache keys cost more than the queries); a team leader's are cut to their own records
    counts, oldest = _kept(scope, ("review queue", LIST_LIMIT), lambda: _review_statements(scope))
    connection = db.session.connection()
    queue.sessions, sessions_recent, queue.talks, talks_recent = connection.execute(counts, {"cutoff": cutoff}).one()
    queue.sessions_late, queue.talks_late = queue.sessions - sessions_recent, queue.talks - talks_recent
    rows = sorted(connection.execute(oldest), key=lambda r: (r.since, r.id))
    session_types, talk_types = vocab.labeller(vocab.SESSION_TYPES), vocab.labeller(vocab.TALK_TYPES)
    queue.oldest_sessions = [
        waiting("session", r.day, f"{session_types(r.type)}{colon()}{r.topic}", r.name, r.id, r.since)
        for r in rows if r.kind == "session"]
    queue.oldest_talks = [
        waiting("talk", r.day, f"{talk_types(r.type)}{colon()}{r.name}", r.name, r.id, r.since)
        for r in rows if r.kind == "talk"]
    queue.oldest = sorted(queue.oldest_sessions + queue.oldest_talks,
                          key=lambda w: (w.since, w.kind, w.id))[:LIST_LIMIT]
    return queue


# Branches: the study rules and attendance --------------------------------------------
@dataclass(frozen=True)
class BranchGaps:
    """A branch's months and quarters in the period that are missing (overdue) or due soon,
    per session type, as `tracker.study.rules` judges them."""

    branch_id: int
    name: str
    #: session type -> its overdue months (quarters), for the types with any
    missing: dict[str, list[study_rules.Due]]
    soon: list[study_rules.Due]


def _branches_in_scope(scope: Scope):
    stmt = select(Branch.id, Branch.name).where(Branch.deleted_at.is_(None))
    if not scope.sees_all:
        stmt = access.readable_ledger_branches(scope.user, stmt)
    if scope.branch_id is not None:
        stmt = stmt.where(Branch.id == scope.branch_id)
    return stmt


@once_a_request
def study_gaps(scope: Scope, period: Period, today: dt.date | None = None) -> list[BranchGaps]:
    """Branches active in the period that miss a session some rule requires (3 queries): the
    rules judge only the months and quarters overlapping the period, from their sessions."""
    stmt = _branches_in_scope(scope).add_columns(
        Branch.status, Branch.approval_date, Branch.dissolved_on, Branch.deleted_at, Branch.not_applicable,
    ).where(
        Branch.status != "proposed", Branch.approval_date <= period.last,
        or_(Branch.dissolved_on.is_(None), Branch.dissolved_on >= period.first),
    ).order_by(Branch.name, Branch.id)
    branches = db.session.execute(stmt).all()
    within = (period.first, period.last)
    # the rules judge only the branches whose kept monthly counts do not show every month
    # and quarter held (most have held theirs)
    owing = study_rules.may_owe(branches, today or clock.today(), within,
                                every_branch=scope.sees_all and scope.branch_id is None)
    compliance = study_rules.for_branches([b.id for b in owing.branches], today=today, within=within,
                                          branches=owing.branches, counts=owing.counts)
    out = []
    for b in branches:
        c = compliance.get(b.id)
        if c is None:
            continue
        missing, soon = {}, []
        for kind, dues in c.by_type.items():
            in_period = [d for d in dues if d.first <= period.last and d.last >= period.first]
            if overdue := [d for d in in_period if d.state == "overdue"]:
                missing[kind] = overdue
            soon += [d for d in in_period if d.state == "due_soon"]
        if missing or soon:
            out.append(BranchGaps(b.id, b.name, missing, sorted(soon, key=lambda d: d.due)))
    return out


def missing_per_type(gaps: list[BranchGaps]) -> dict[str, list[BranchGaps]]:
    """{session type: the branches missing it}, for every type of the rules table in its
    order (a type nobody misses has an empty list: the page shows its 0)."""
    kinds = current_app.config["RULES"].get("sessions", {})
    return {kind: [g for g in gaps if kind in g.missing] for kind in kinds}


@dataclass(frozen=True)
class AttendanceRow:
    branch_id: int
    name: str
    sessions: int
    present: int
    expected: int

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


def _months_in_scope(stmt, scope: Scope):
    """A statement over StudyMonth cut to the scope (the branches whose sessions it reads)."""
    if not scope.sees_all and (ids := access.session_branches(scope.user)) is not None:
        stmt = stmt.where(StudyMonth.branch_id.in_(ids))
    if scope.branch_id is not None:
        stmt = stmt.where(StudyMonth.branch_id == scope.branch_id)
    return stmt


def _whole_months(period: Period) -> tuple[dt.date, dt.date]:
    """The first of the period's first whole month and of the month after its last whole
    one (equal when it has none): the days between are counted by months."""
    first = period.first if period.first.day == 1 else add_months(period.first.replace(day=1), 1)
    after = add_months(period.last.replace(day=1), 1 if period.last == month_end(period.last) else 0)
    return first, max(first, after)


def attendance(scope: Scope, period: Period) -> list[AttendanceRow]:
    """Present / expected per branch over its counted sessions held in the period, by the
    branch's name (1 query): its whole months from the kept monthly counts (StudyMonth); the
    days of a custom period before and after them from the sessions, each session's
    attendance counted on the index (session_id, status)."""
    def build():
        per = _attendance_statement(scope, period).subquery("per")
        return select(per).order_by(per.c.name, per.c.branch_id)
    stmt = _kept(scope, ("attendance", period.first, period.last), build)
    return [AttendanceRow(r.branch_id, r.name, int(r.sessions), int(r.present), int(r.expected))
            for r in db.session.connection().execute(stmt)]


@dataclass(frozen=True)
class Attendance:
    """The attendance table's rows, and the figures of every branch the period counts."""

    rows: list[AttendanceRow]
    #: how many branches held counted sessions in the period
    branches: int
    present: int
    expected: int


def lowest_attendance(scope: Scope, period: Period, limit: int) -> Attendance:
    """The branches that need attention (1 query): the lowest rate first, those whose
    sessions expected nobody (no attendance taken) before them, then by name as `attendance`
    lists them; at most `limit`, with the number of branches and the totals of all of them
    (the database sums them over the rows it ranks: none of the others is sent)."""
    def build():
        per = _attendance_statement(scope, period).subquery("per")
        taken = per.c.expected > 0
        rate = case((taken, cast(per.c.present, Float) / per.c.expected), else_=0.0)
        return (select(per, func.count().over().label("branches"), func.sum(per.c.present).over().label("all_present"),
                       func.sum(per.c.expected).over().label("all_expected"))
                .order_by(taken, rate, per.c.name, per.c.branch_id).limit(bindparam("limit")))
    stmt = _kept(scope, ("lowest attendance", period.first, period.last), build)
    found = db.session.connection().execute(stmt, {"limit": limit}).all()
    rows = [AttendanceRow(r.branch_id, r.name, int(r.sessions), int(r.present), int(r.expected)) for r in found]
    if not found:
        return Attendance([], 0, 0, 0)
    return Attendance(rows, found[0].branches, int(found[0].all_present), int(found[0].all_expected))


def _attendance_statement(scope: Scope, period: Period):
    """Per branch (branch_id, name, sessions, expected, present), unordered."""
    first, after = _whole_months(period)
    months = _months_in_scope(
        select(StudyMonth.branch_id, StudyMonth.sessions, StudyMonth.expected, StudyMonth.present)
        .where(StudyMonth.month >= first, StudyMonth.month < after), scope)
    parts = [months]
    if (period.first, period.last) != (first, after - dt.timedelta(days=1)):
        days = or_(StudySession.held_on < first, StudySession.held_on >= after)
        parts.append(_sessions_in_scope(
            select(StudySession.branch_id, literal_column("1"), *study_queries.attendance_counts())
            .where(StudySession.deleted_at.is_(None), StudySession.status.in_(study_rules.COUNTED),
                   StudySession.held_on >= period.first, StudySession.held_on <= period.last, days),
            scope))
    held = union_all(*parts).subquery("held") if len(parts) > 1 else months.subquery("held")
    return (
        select(held.c.branch_id, Branch.name, func.sum(held.c.sessions).label("sessions"),
               func.sum(held.c.expected).label("expected"), func.sum(held.c.present).label("present"))
        .join(Branch, Branch.id == held.c.branch_id)
        .group_by(held.c.branch_id, Branch.name)
    )


def chart_months(period: Period, at_least: int = 12) -> list[dt.date]:
    """The months of the period, or the `at_least` months ending with its last month."""
    months = period.months
    if len(months) >= at_least:
        return months
    return [add_months(months[-1], n) for n in range(1 - at_least, 1)]


def sessions_by_month(scope: Scope, months: list[dt.date]) -> dict[dt.date, Counter]:
    """{first of month: {session type: counted sessions held}} for these months (1 query):
    for the whole bureau from its kept monthly totals (StudyMonthTotal), for a narrower
    scope from the kept monthly counts of its branches and their index ix_study_month_month."""
    def build():
        if scope.sees_all and scope.branch_id is None:
            return (select(StudyMonthTotal.month, StudyMonthTotal.session_type, StudyMonthTotal.sessions)
                    .where(StudyMonthTotal.month >= months[0], StudyMonthTotal.month <= months[-1]))
        return _months_in_scope(
            select(StudyMonth.month, StudyMonth.session_type, func.sum(StudyMonth.sessions))
            .where(StudyMonth.month >= months[0], StudyMonth.month <= months[-1])
            .group_by(StudyMonth.month, StudyMonth.session_type), scope)
    stmt = _kept(scope, ("sessions by month", months[0], months[-1]), build)
    out: dict[dt.date, Counter] = defaultdict(Counter)
    for first, kind, n in db.session.connection().execute(stmt):
        if n:
            out[first][kind] += n
    return {first: out.get(first, Counter()) for first in months}


# Projects ----------------------------------------------------------------------------
def projects_needing_branch(scope: Scope, period: Period) -> list:
    """Open projects running in the period that need a temporary branch and have none
    (rows of id, code, name; one query). A chosen branch has none of these, so then nothing."""
    if scope.branch_id is not None:
        return []
    stmt = select(Project.id).where(
        Project.deleted_at.is_(None), Project.status != "closed",
        and_(Project.start_date <= period.last, Project.end_date >= period.first),
    )
    if not scope.sees_all:
        stmt = stmt.where(Project.id.in_(access.projects_led_by(scope.leader_person_id)))
    # whoever sees everything asks the same statement for the same period
    return dispatch_rules.needing_branch(stmt, Project.code, Project.name, order_by=(Project.code,),
                                         kept=(period.first, period.last) if scope.sees_all else None)
