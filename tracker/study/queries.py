"""Reads of study sessions. Each returns a select() that loads what its page shows."""
from __future__ import annotations

from sqlalchemy import Integer, Select, bindparam, case, cast, func, literal_column, null, select, union_all
from sqlalchemy.orm import joinedload

from tracker import access, vocab
from tracker import permissions as perm
from tracker.branches import queries as branch_queries
from tracker.branches.models import Branch
from tracker.dates import parse_day, parse_month
from tracker.months import add_months
from tracker.review.models import STATUSES
from tracker.statements import built_statement
from tracker.study.models import Attachment, Attendance, StudySession
from tracker.study.rules import COUNTED
from tracker.web import inline


def branches_led_by(user) -> Select:
    """Ids of the branches serving a project this user leads as team leader."""
    return access.led_branches(user)


def visible(stmt: Select, user) -> Select:
    """Limit a statement over StudySession to the sessions this user may read."""
    return access.readable_sessions(user, stmt)


def per_session(model, *conditions):
    """How many `model` rows (attendance, attachments) belong to each session selected: a
    count on the index on session_id, not hundreds of loaded rows."""
    return (
        select(func.count()).where(model.session_id == StudySession.id, *conditions)
        .correlate(StudySession).scalar_subquery()
    )


def attendance_counts() -> tuple:
    """Each selected session's attendance: `expected` (everyone on its sheet) and `present`."""
    return (per_session(Attendance).label("expected"),
            per_session(Attendance, Attendance.status == "present").label("present"))


#: What a session's list row shows besides the session's own columns: its branch's name,
#: and counts from the indexes on session_id rather than hundreds of loaded attendance rows
#: per page. Built once.
SHOWN = (
    StudySession.id, StudySession.branch_id, Branch.name.label("branch_name"),
    StudySession.session_type, StudySession.held_on, StudySession.start_time,
    StudySession.topic, StudySession.status,
    *attendance_counts(),
    per_session(Attachment, Attachment.deleted_at.is_(None)).label("files"),
)


def listed(found_sessions: Select) -> Select:
    """The sessions that `found_sessions` (found()) selects, as plain rows of SHOWN."""
    return (found_sessions.with_only_columns(*SHOWN, maintain_column_froms=True)
            .join(Branch, Branch.id == StudySession.branch_id))


#: the order of a list of sessions: the latest held first
NEWEST_FIRST = (StudySession.held_on.desc(), StudySession.start_time.desc(), StudySession.id.desc())


def found(args, user) -> Select:
    """Ids of the sessions matching the list filters, what counting needs (no join to name
    their branches): branch_id, branch (name), session_type, status
    (or "counted": submitted or reviewed, the sessions the rules count), author ("me": written
    by the user), month (YYYY-MM),
    held_from and held_to (YYYY-MM-DD, inclusive)."""
    stmt = visible(select(StudySession.id).where(StudySession.deleted_at.is_(None)), user)
    if branch_id := args.get("branch_id", type=int):
        stmt = stmt.where(StudySession.branch_id == branch_id)
    if branch := (args.get("branch") or "").strip():
        stmt = stmt.where(StudySession.branch_id.in_(branch_queries.named(branch)))
    if (kind := args.get("session_type")) in vocab.SESSION_TYPES:
        stmt = stmt.where(StudySession.session_type == kind)
    if (status := args.get("status")) in STATUSES:
        stmt = stmt.where(StudySession.status == status)
    elif status == "counted":
        stmt = stmt.where(StudySession.status.in_(COUNTED))
    if args.get("author") == "me":  # the to-do box's "your drafts", "returned to you"
        stmt = stmt.where(StudySession.author_id == user.id)
    if held_from := parse_day(args.get("held_from")):
        stmt = stmt.where(StudySession.held_on >= held_from)
    if held_to := parse_day(args.get("held_to")):
        stmt = stmt.where(StudySession.held_on <= held_to)
    if first := parse_month(args.get("month")):
        stmt = stmt.where(StudySession.held_on >= first, StudySession.held_on < add_months(first, 1))
    return stmt.order_by(*NEWEST_FIRST)


#: What the branch page shows of each of its latest sessions: a list row (SHOWN) but the
#: branch's name (the page is the branch's) and the count of files, which the page does not
#: show: neither a join to the branch nor a count for each session.
LATEST_SHOWN = (
    StudySession.id, StudySession.session_type, StudySession.held_on, StudySession.topic, StudySession.status,
    *attendance_counts(),
)


def latest_of_branch(user, limit: int, counted: Select | None = None) -> Select:
    """The latest `limit` sessions of a branch (the parameter `branch_id`) that the user may
    read, as rows of LATEST_SHOWN: the branch page's. Built once per process for those who
    read every session (the read rule adds nothing), so that the page does not build it and
    its cache key anew; for the others with their rule.

    `counted`: sessions as (branch_id, held_on, session_type, id) to read in the same query
    (the branch page's study rules: study.rules.sessions_held, built once), a round trip
    fewer: then each row has LATEST_SHOWN's columns, the session's start time and its part,
    0 for those of `counted` (their other columns None) and 1 for the latest, which come last.

    The sessions are chosen first, by id, and only theirs counted: with the counts beside
    every session of the branch, the database counted the attendance of each before sorting."""
    def build(chosen: Select) -> Select:
        # ordered by deleted_at too, NULL in every row chosen: PostgreSQL then reads the
        # index on (deleted_at, branch_id, held_on, start_time, id) backwards and stops at the
        # limit (an IS NULL is no constant to its planner, which sorted all of the branch's)
        chosen = chosen.order_by(StudySession.deleted_at.desc(), *NEWEST_FIRST).limit(inline(limit)).subquery()
        latest = select(*LATEST_SHOWN).join(chosen, chosen.c.id == StudySession.id)
        if counted is None:
            return latest.order_by(*NEWEST_FIRST)
        held = counted.subquery()
        both = union_all(
            select(held.c.id, held.c.session_type, held.c.held_on,
                   *(cast(null(), c.type).label(c.key) for c in (*LATEST_SHOWN[3:], StudySession.start_time)),
                   literal_column("0", Integer).label("part")),
            latest.add_columns(StudySession.start_time, literal_column("1", Integer).label("part")),
        ).subquery()
        # the counted ones by id (the rules list a day's sessions in the order they get them),
        # the latest newest first
        return select(both).order_by(both.c.part, case((both.c.part == 0, both.c.id)),
                                     both.c.held_on.desc(), both.c.start_time.desc(), both.c.id.desc())

    ids = select(StudySession.id).where(StudySession.deleted_at.is_(None),
                                        StudySession.branch_id == bindparam("branch_id"))
    if (readable := visible(ids, user)) is not ids:
        return build(readable)
    return built_statement(("latest of branch", limit, counted), lambda: build(ids))


def branch_choices(user, *, for_logging: bool) -> Select:
    """(id, name) of branches for a filter, or, when logging, those the user may log for."""
    stmt = select(Branch.id, Branch.name).where(Branch.deleted_at.is_(None)).order_by(Branch.name, Branch.id)
    if for_logging:
        stmt = stmt.where(Branch.status != "proposed")
        if not perm.is_office(user):
            stmt = stmt.where(Branch.id.in_(branches_led_by(user)))
    else:
        stmt = access.readable_ledger_branches(user, stmt)
    return stmt


def attended_by(person_id: int, user) -> Select:
    """The attendance rows of a person, with their sessions and branches, newest first."""
    stmt = (
        select(Attendance)
        .join(StudySession, StudySession.id == Attendance.session_id)
        .where(Attendance.person_id == person_id, StudySession.deleted_at.is_(None))
        .options(joinedload(Attendance.session).joinedload(StudySession.branch))
        .order_by(StudySession.held_on.desc(), StudySession.id.desc())
    )
    return visible(stmt, user)


def attendance_rate(rows) -> tuple[int, int]:
    """(present, expected) over the sessions that count (submitted or reviewed)."""
    counted = [a for a in rows if a.session.status in COUNTED]
    return sum(1 for a in counted if a.status == "present"), len(counted)

