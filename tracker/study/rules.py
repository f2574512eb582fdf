"""The study rules of a temporary branch (DESIGN.md, "What is due, and when"): the 三会一课
and the theme party day, one row each in a table of rules (config RULES["sessions"],
settings RULE_<TYPE>; tracker/config.py reads them):

| session type         | default                                   |
| -------------------- | ----------------------------------------- |
| branch meeting       | 1 every quarter, by the quarter's last day |
| committee meeting    | 1 every month, by the month's last day    |
| party group meeting  | 1 every month, by the month's last day    |
| party lesson         | 1 every quarter, by the quarter's last day |
| theme party day      | 1 every month, by the 10th                |

A rule is due every month (quarter) the branch is active, on its due day of the period's
last month (the last day when none is set). A branch is active from its approval date to its
dissolution day (open-ended while not dissolved); a proposed branch owes nothing. A branch
owes a month (a quarter) if it is active on any day of it. The due day is the usual one when
the branch is active on it; otherwise — it started after the usual day, or dissolved before —
it is the last day the branch is active in that period. So a branch approved on the 20th
still owes that month's theme party day, by the month's end; one dissolved on the 5th owed
it by the 5th. A branch may mark a type as not applicable (a small branch has no party
groups): it then owes nothing of that type.

Which sessions count as held: those submitted for review or reviewed (COUNTED). A draft
is the team leader's unfinished note and a returned record has been sent back as not
acceptable yet; neither is a claim the branch stands behind. A submitted record that is
still waiting for review counts, so a slow review never turns a month red; the review
deadline is a rule of its own. Only the session's own type counts: a micro party lesson is
shorter and given by any member, it does not replace the party lesson.

The functions below are pure (no database, no clock): give them the active period, the
held sessions and today. `for_branches` does the reading, in two queries for any number
of branches (three for a period of the dashboard). States come from the one due-state function, tracker.due.rules.state_of.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Select, and_, bindparam, or_, select

from tracker import clock, months, vocab
from tracker.branches.models import Branch

# The one due-state function of the tracker; due.rules is pure and imports nothing of ours.
from tracker.due.rules import OPEN_STATES, state_of
from tracker.extensions import db
from tracker.i18n import per_language
from tracker.months import add_months, month_end
from tracker.periods import Period, active
from tracker.statements import built_statement, word
from tracker.study.models import StudyMonth, StudySession

COUNTED = ("submitted", "reviewed")


@dataclass(frozen=True)
class Rule:
    """One row of the rules table: how many sessions of a type, how often, due when."""

    session_type: str
    every_months: int = 1  # 1: every month; 3: every quarter
    required: int = 1
    due_day: int = 0  # in the period's last month; 0: its last day

    @property
    def quarterly(self) -> bool:
        return self.every_months == 3


@dataclass(frozen=True)
class Held:
    """A session as the rules see it; or, read from the kept monthly counts (StudyMonth),
    `count` sessions of a month held by `day` (see `_held_in_months`)."""

    day: dt.date
    session_type: str
    session_id: int | None = None
    count: int = 1


@dataclass(frozen=True)
class Due:
    """One month's or quarter's obligation of one session type, and its state on `today`."""

    first: dt.date  # the month's (quarter's) first day, which names it
    due: dt.date
    required: int
    held: tuple[Held, ...] = field(default=())
    state: str = "not_yet_due"  # vocab.DUE_STATES
    session_type: str = ""
    every_months: int = 1

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def month(self) -> int:
        return self.first.month

    @property
    def quarter(self) -> int:
        return months.quarter_of(self.first)

    @property
    def last(self) -> dt.date:
        """The period's last day (not the branch's: see `due` for that)."""
        return month_end(add_months(self.first, self.every_months - 1))

    @property
    def name(self) -> str:
        """"2026-06" for a month, "2026 Q2" for a quarter."""
        if self.every_months == 3:
            return f"{self.year} Q{self.quarter}"
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class Compliance:
    """A branch's dues per session type, in the order of the rules table."""

    by_type: dict[str, list[Due]]
    rules: tuple[Rule, ...] = ()
    #: types of the table the branch marked as not applicable (owing nothing)
    not_applicable: tuple[str, ...] = ()

    def of(self, session_type: str) -> list[Due]:
        return self.by_type.get(session_type, [])

    @property
    def all(self) -> list[Due]:
        return [d for dues in self.by_type.values() for d in dues]

    @property
    def missing(self) -> list[Due]:
        return [d for d in self.all if d.state == "overdue"]

    @property
    def due_soon(self) -> list[Due]:
        return [d for d in self.all if d.state == "due_soon"]

    def to_log(self, today: dt.date) -> str | None:
        """The session type a session held today would count for and is still owed: the
        open obligation of the current month or quarter that falls due first."""
        owed = [d for d in self.all if d.state in OPEN_STATES and d.first <= today <= d.last]
        return min(owed, key=lambda d: (d.due, d.every_months)).session_type if owed else None


@per_language(maxsize=256)
def caption(rule: Rule, applicable: bool = True) -> str:
    """"Committee meeting, every month", "Party lesson, 2 every quarter", or "…: not applicable";
    made once per language and process in a request."""
    from flask_babel import gettext as _

    kind = vocab.label(vocab.SESSION_TYPES, rule.session_type)
    if not applicable:
        return _("%(type)s: not applicable to this branch", type=kind)
    if rule.required > 1:
        if rule.quarterly:
            return _("%(type)s, %(n)s every quarter", type=kind, n=rule.required)
        return _("%(type)s, %(n)s every month", type=kind, n=rule.required)
    if rule.quarterly:
        return _("%(type)s, every quarter", type=kind)
    return _("%(type)s, every month", type=kind)


def period_label(due: Due) -> str:
    """A month or quarter as people write it: "2026-06", "2026 Q2"; 2026年6月, 2026年第二季度;
    made once per language and process in a request (the branch page labels every month of
    its rules)."""
    return _period_label(due.first, due.every_months)


_period_label = per_language(maxsize=4096)(months.period_label)


def table(settings: Mapping) -> tuple[Rule, ...]:
    """The rules table from config RULES (its "sessions" entry), in the settings' order."""
    return tuple(Rule(kind, **spec) for kind, spec in settings.get("sessions", {}).items())


def dues(rule: Rule, period: Period, sessions: Iterable[Held], today: dt.date,
         soon_days: int = 7, within: tuple[dt.date, dt.date] | None = None) -> list[Due]:
    """The months (quarters) of one rule from the branch's start up to today's period; with
    `within` (first, last), only those that overlap these days (each month or quarter is
    judged on its own sessions, so the others need not be walked)."""
    step = rule.every_months
    matching = sorted((s for s in sessions if s.session_type == rule.session_type), key=lambda s: s.day)
    start = months.period_start(period.first, step)
    if within is not None:
        start = max(start, months.period_start(within[0], step))
    stop = min(today, period.last, within[1] if within is not None else dt.date.max)
    out = []
    for first, last, usual in _windows(step, rule.due_day, start, stop):
        window = period.clip(first, last)
        if window is not None:
            due = usual if window[0] <= usual <= window[1] else window[1]
            held = [s for s in matching if window[0] <= s.day <= window[1]]
            done_on = _nth_day(held, rule.required)
            out.append(Due(first, due, rule.required, tuple(held),
                           state_of(due, done_on, today, soon_days), rule.session_type, step))
    return out


@lru_cache(maxsize=1024)
def _windows(step: int, due_day: int | None, first: dt.date, stop: dt.date) -> tuple[tuple[dt.date, ...], ...]:
    """(first day, last day, usual due day) of each month or quarter from `first` that begins
    by `stop`: the same for every branch judged over the same months (the dashboard judges
    hundreds), so worked out once per process."""
    out = []
    while first <= stop:
        last = month_end(add_months(first, step - 1))
        out.append((first, last, months.day_in_month(last, due_day) if due_day else last))
        first = add_months(first, step)
    return tuple(out)


def _nth_day(held: list[Held], n: int) -> dt.date | None:
    """The day the n-th of these sessions (in order of their days) was held, if it was."""
    for s in held:
        n -= s.count
        if n <= 0:
            return s.day
    return None


def compliance(period: Period | None, sessions: Iterable[Held], today: dt.date,
               settings: Mapping, not_applicable: Iterable[str] = (),
               within: tuple[dt.date, dt.date] | None = None, rules: tuple[Rule, ...] | None = None) -> Compliance:
    """Every rule of the table for one branch, with the settings of config RULES (only the
    months and quarters overlapping `within` when given: see `dues`); `rules`: the table
    of these settings, when the caller judges many branches."""
    rules = table(settings) if rules is None else rules
    skipped = frozenset(not_applicable)
    marked = tuple(r.session_type for r in rules if r.session_type in skipped)
    if period is None:
        return Compliance({}, rules, marked)
    of_type: dict[str, list[Held]] = {}
    for s in sessions:  # each rule judges only its own type's
        of_type.setdefault(s.session_type, []).append(s)
    soon = settings.get("due_soon_days", 7)
    return Compliance(
        {r.session_type: dues(r, period, of_type.get(r.session_type, ()), today, soon, within)
         for r in rules if r.session_type not in skipped},
        rules, marked,
    )


def period_of(branch) -> Period | None:
    """The active period of a branch (model or row with status, approval_date, dissolved_on)."""
    if branch.status == "proposed" or getattr(branch, "deleted_at", None) is not None:
        return None
    return active(branch.approval_date, branch.dissolved_on)


def sessions_held(rules: dict | None = None) -> Select:
    """for_branches' statement of the counted sessions of the branches `ids` (an expanding
    parameter), as (branch_id, held_on, session_type, id): for a page that reads them in
    one query with what else it shows of sessions and gives for_branches the rows (`held`)."""
    from flask import current_app

    return _statements(table(rules if rules is not None else current_app.config["RULES"]))[1]


def _statements(kinds: tuple[Rule, ...]):
    """for_branches' statements of the branches and of their counted sessions, built once per
    process and executed with the ids (the branch page and the dashboard ask them on every
    request)."""
    return built_statement(("study rules", tuple(r.session_type for r in kinds)), lambda: _reading(kinds))


def for_branches(branch_ids: Iterable[int], today: dt.date | None = None,
                 rules: dict | None = None,
                 within: tuple[dt.date, dt.date] | None = None,
                 branches: list | None = None, held: Iterable | None = None,
                 counts: list | None = None) -> dict[int, Compliance]:
    """{branch id: Compliance} for many branches in two queries (ledger, branch page): each
    due with the sessions held for it. `branches`: the branches' records (or rows with their
    status, dates and not_applicable), when the caller holds them: one query fewer. `held`:
    the rows of `sessions_held` for these branches, when the caller read them (without
    `within`): one query fewer. `counts`: the kept monthly counts `may_owe` read for them
    (with `within`): one query fewer.

    `within` (first, last): only the months and quarters overlapping these days, judged on
    what was held in them (the dashboard's period: its cost follows the period, not every
    session since each branch began), read from the kept monthly counts (`_held_in_months`)
    in two queries, and a third in the rare cases a count cannot tell. Their states are the
    sessions' states; the sessions held (Due.held) are then counts, not sessions."""
    from flask import current_app

    ids = list({b.id for b in branches} if branches is not None else set(branch_ids))
    if not ids:
        return {}
    today = today or clock.today()
    rules = rules if rules is not None else current_app.config["RULES"]
    kinds = table(rules)
    read_branches, read_sessions = _statements(kinds)
    session = db.session()
    if session.autoflush:  # as the ORM's execute would: a caller's pending writes count
        session.flush()
    if branches is None:
        branches = session.connection().execute(read_branches, {"ids": ids}).all()
    by_branch: dict[int, list[Held]] = {i: [] for i in ids}
    rows = ()
    if within is None:
        rows = held if held is not None else session.connection().execute(read_sessions, {"ids": ids})
    else:
        # every month or quarter overlapping `within` lies inside these quarters
        first = months.period_start(within[0], 3)
        last = month_end(add_months(months.period_start(within[1], 3), 2))
        if (stmt := _held_in_months(by_branch, branches, kinds, within, first, last, counts)) is not None:
            rows = session.connection().execute(stmt)
    # unpacked in _sessions_held's order of columns (and _held_in_months'): a database row read
    # by name costs a lookup per column, and a branch has hundreds of sessions
    for branch_id, held_on, session_type, session_id in rows:
        by_branch[branch_id].append(Held(held_on, session_type, session_id))
    return {b.id: compliance(period_of(b), by_branch[b.id], today, rules, (b.not_applicable or "").split(), within,
                             rules=kinds)
            for b in branches}


def _month_counts(ids: list[int] | None, kinds, within: tuple[dt.date, dt.date]) -> list:
    """(branch id, session type, sessions, first held on, last held on) of the kept monthly
    counts of these branches (None: of every branch), of each rule's months and quarters
    overlapping `within`: a monthly rule reads no month of the quarter around."""
    kinds = tuple(kinds)
    steps = sorted({r.every_months for r in kinds})
    if not steps or ids == []:
        return []

    def build():
        # each step's (monthly, quarterly) types over its own months: bound as first<step>, last<step>
        spans = [and_(StudyMonth.session_type.in_(sorted(r.session_type for r in kinds if r.every_months == step)),
                      StudyMonth.month >= bindparam(f"first{step}", type_=StudyMonth.month.type),
                      StudyMonth.month <= bindparam(f"last{step}", type_=StudyMonth.month.type))
                 for step in steps]
        # and all of them within the widest span: each branch's range of its key's index
        # (branch_id, month), not every month it has
        stmt = (select(StudyMonth.branch_id, StudyMonth.session_type, StudyMonth.sessions,
                       StudyMonth.first_held_on, StudyMonth.last_held_on)
                .where(StudyMonth.month >= bindparam("first", type_=StudyMonth.month.type),
                       StudyMonth.month <= bindparam("last", type_=StudyMonth.month.type), or_(*spans)))
        return stmt if ids is None else stmt.where(StudyMonth.branch_id.in_(bindparam("ids", expanding=True)))
    # built once per process (the dashboard and the to-do box ask it on every request)
    stmt = built_statement(("study rules' months", kinds, ids is None), build)
    spans = {}
    for step in steps:
        spans[f"first{step}"] = months.period_start(within[0], step)
        spans[f"last{step}"] = month_end(add_months(months.period_start(within[1], step), step - 1))
    widest = {"first": min(spans[f"first{step}"] for step in steps), "last": max(spans[f"last{step}"] for step in steps)}
    named = {} if ids is None else {"ids": ids}
    return db.session.connection().execute(stmt, {**named, **spans, **widest}).all()


@dataclass(frozen=True)
class Owing:
    """What `may_owe` found: the branches the rules must judge, and the kept monthly counts it
    read (for_branches' `counts`, which then reads them no more)."""

    branches: list
    counts: list


def may_owe(branches: list, today: dt.date, within: tuple[dt.date, dt.date], rules: dict | None = None,
            every_branch: bool = False) -> Owing:
    """Of these branches (rows with id, status, approval_date, dissolved_on, deleted_at and
    not_applicable), those `for_branches` may find missing or due soon a session in the months
    and quarters overlapping `within` (one query): the others held, in each of these months
    and quarters begun by today, the sessions each rule requires while active, as the kept
    monthly counts show, or were not dissolved before its end while its usual due day is
    further off than "due soon". A session held settles its month, on time or late.

    `every_branch`: the branches are all the bureau's that matter (the whole bureau's
    dashboard): the counts of every branch are read, in one span of ix_study_month_month,
    rather than of hundreds of branches named one by one (which cost more to send than to
    read), and those of the others left out here."""
    from flask import current_app

    settings = rules if rules is not None else current_app.config["RULES"]
    kinds, stop = table(settings), min(today, within[1])
    # a month or quarter whose usual due day is further off than "due soon" is not yet due
    # whatever was held, for a branch active on all its days
    later = today + dt.timedelta(days=settings.get("due_soon_days", 7))
    windows = [(r, first, last, usual > later) for r in kinds
               for first, last, usual in _windows(r.every_months, r.due_day,
                                                  months.period_start(within[0], r.every_months), stop)]
    if not windows or not branches:
        return Owing(list(branches), None)
    active = {b.id: (b.approval_date, b.dissolved_on or dt.date.max) for b in branches}
    counts = _month_counts(None if every_branch else list(active), kinds, within)
    if every_branch:
        counts = [row for row in counts if row[0] in active]
    step = {r.session_type: r.every_months for r in kinds}
    # how many sessions at least each branch held in each month or quarter while active: a
    # month whose sessions were held on both sides of its approval or dissolution day counts
    # none (recorded before the dates changed; the rules then read them)
    held: dict[tuple, int] = {}
    for branch_id, kind, n, first_held_on, last_held_on in counts:
        since, until = active[branch_id]
        if since <= first_held_on and last_held_on <= until:
            key = (branch_id, kind, months.period_start(first_held_on, step[kind]))
            held[key] = held.get(key, 0) + n

    def settled(b, rule: Rule, first: dt.date, last: dt.date, not_yet_due: bool) -> bool:
        since, until = active[b.id]
        if since > last or until < first:  # owes nothing then
            return True
        # held: done, on time or late; else not due soon while its due day is the usual one
        # or later (a branch approved after it owes it by the period's last day)
        return (held.get((b.id, rule.session_type, first), 0) >= rule.required
                or (not_yet_due and last <= until))

    out = []
    for b in branches:
        if period_of(b) is None:
            continue
        skipped = set((b.not_applicable or "").split())
        if not all(w[0].session_type in skipped or settled(b, *w) for w in windows):
            out.append(b)
    return Owing(out, counts)


def _reading(kinds: tuple[Rule, ...]):
    """for_branches' statements of the branches and of all their counted sessions, with the
    branches' ids as the parameter `ids`."""
    ids = bindparam("ids", expanding=True)
    branches = select(Branch.id, Branch.status, Branch.approval_date, Branch.dissolved_on, Branch.deleted_at,
                      Branch.not_applicable).where(Branch.id.in_(ids))
    return branches, _sessions_held(ids, kinds)


def _sessions_held(branch_ids, kinds: tuple[Rule, ...], *conditions):
    """The counted sessions of these branches of the types of the rules table. The statuses
    and types are written into the statement (the rules' own words, never a user's text), not
    sent as parameters: with seven parameters of lists PostgreSQL found no plan for any
    values as cheap as one for the values given, and so planned the prepared statement again
    on every branch page; with the words in its text it is planned once per connection, and
    the parameters are not processed in Python on every execution."""
    return select(StudySession.branch_id, StudySession.held_on, StudySession.session_type, StudySession.id).where(
        StudySession.branch_id.in_(branch_ids),
        StudySession.deleted_at.is_(None),
        StudySession.status.in_([word(status) for status in COUNTED]),
        StudySession.session_type.in_([word(r.session_type) for r in kinds]),
        *conditions,
    )


def _held_in_months(held: dict[int, list[Held]], branches, kinds: tuple[Rule, ...],
                    within: tuple[dt.date, dt.date], first: dt.date, last: dt.date, counts: list | None = None):
    """Add to `held` the kept monthly counts of the months and quarters overlapping `within`
    (of each rule, its own: a monthly rule reads no month of the quarter around) that judge
    a due as its sessions do; return the statement of the sessions (first to last) for the
    rest, or None.

    A month's count stands for its first session, held on its day, and the others, held on
    the day of its last. That changes no state when the branch was active on all of these
    days or on none of them, unless the rule asks for more than one session by a day before
    the end of its period: the n-th session is then held in time exactly when the count says
    so. The sessions themselves are read for those rules, and for a month with sessions both
    before and after the branch's approval or dissolution (recorded before its dates changed)."""
    by_day = {r.session_type for r in kinds if r.due_day and r.required > 1}
    active = {b.id: (b.approval_date, b.dissolved_on or dt.date.max) for b in branches}
    if counts is None:
        rows = _month_counts(list(held), [r for r in kinds if r.session_type not in by_day], within)
    else:  # already read (may_owe), of these and other branches and of every rule
        rows = [r for r in counts if r[0] in held and r[1] not in by_day]
    cut = set()
    for branch_id, kind, n, first_held_on, last_held_on in rows:
        since, until = active.get(branch_id, (dt.date.min, dt.date.max))
        if first_held_on < since <= last_held_on or first_held_on <= until < last_held_on:
            cut.add((branch_id, first_held_on.replace(day=1), kind))
            continue
        held[branch_id].append(Held(first_held_on, kind))
        if n > 1:
            held[branch_id].append(Held(last_held_on, kind, None, n - 1))
    which = [and_(StudySession.branch_id == b, StudySession.session_type == kind, StudySession.held_on >= month,
                  StudySession.held_on < add_months(month, 1)) for b, month, kind in sorted(cut)]
    if by_day:
        which.append(and_(StudySession.session_type.in_(sorted(by_day)), StudySession.held_on >= first,
                          StudySession.held_on <= last))
    return _sessions_held(list(held), kinds, or_(*which)) if which else None
