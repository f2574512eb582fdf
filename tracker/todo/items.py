"""The to-do items: each takes a Context and gives an Entry, or None when it does not apply.

A team leader: records returned to them (with the reviewer's comment), their drafts, the
talks due for their team, their branches' sessions due. A secretary (whoever reviews): the
records waiting for review (oldest first), overdue talks and checkpoints, branches missing
this month's (or quarter's) sessions. Anyone who writes records has their own returned
records and drafts."""
from __future__ import annotations

import datetime as dt
from functools import cache

from flask import url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import access, periods, vocab
from tracker.branches.models import Branch
from tracker.dashboard import figures
from tracker.due import ACTION_STATES, CHECKPOINT_KINDS, TALK_KINDS, DueFilters
from tracker.due.engine import due_statement
from tracker.extensions import db
from tracker.i18n import colon
from tracker.people.models import Person
from tracker.study.models import StudySession
from tracker.study.rules import period_label
from tracker.talks import confirmation
from tracker.talks.models import Talk
from tracker.todo.entries import ROW_LIMIT, Context, Entry, InSql, Row
from tracker.web import record_url


# Records the user wrote ----------------------------------------------------------------
def _own(model, ctx: Context, status: str):
    return select(func.count()).where(
        model.deleted_at.is_(None), model.status == status, model.author_id == ctx.user.id)


def _own_rows(ctx: Context, model, status: str, with_comment: bool, named, label, links):
    """The rows of one of the user's own lists, most recently reviewed or edited first: `named`
    the columns (and the join) that name each record, `label` what a row shows, `links()` the
    maker of its link (web.record_url)."""
    columns, join = named

    def rows() -> list[Row]:
        found = (
            _own(model, ctx, status)
            .with_only_columns(model.id, model.review_comment, *columns)
            .join(*join)
            .order_by(func.coalesce(model.reviewed_at, model.updated_at).desc(), model.id)
            .limit(ROW_LIMIT)
        )
        link = links()
        return [Row(label(r), link(r.id), r.review_comment if with_comment else "")
                for r in db.session.execute(found)]
    return rows


def _session_rows(ctx: Context, status: str, with_comment: bool):
    return _own_rows(
        ctx, StudySession, status, with_comment,
        ((StudySession.session_type, StudySession.topic, Branch.name),
         (Branch, Branch.id == StudySession.branch_id)),
        lambda r: f"{vocab.label(vocab.SESSION_TYPES, r.session_type)}{colon()}{r.topic} · {r.name}",
        lambda: record_url("study.detail", "session_id"))


def _talk_rows(ctx: Context, status: str, with_comment: bool):
    return _own_rows(
        ctx, Talk, status, with_comment,
        ((Talk.talk_type, Person.name), (Person, Person.id == Talk.person_id)),
        lambda r: f"{vocab.label(vocab.TALK_TYPES, r.talk_type)}{colon()}{r.name}",
        lambda: record_url("talks.detail", "talk_id"))


def sessions_returned(ctx: Context) -> Entry:
    return Entry("sessions_returned", _("Study sessions returned to you"),
                 url_for("study.index", status="returned", author="me"),
                 InSql(lambda: _own(StudySession, ctx, "returned")), _session_rows(ctx, "returned", True), warn=True)


def talks_returned(ctx: Context) -> Entry:
    return Entry("talks_returned", _("Talks returned to you"),
                 url_for("talks.index", status="returned", author="me"),
                 InSql(lambda: _own(Talk, ctx, "returned")), _talk_rows(ctx, "returned", True), warn=True)


def draft_sessions(ctx: Context) -> Entry:
    return Entry("draft_sessions", _("Your study sessions not yet submitted"),
                 url_for("study.index", status="draft", author="me"),
                 InSql(lambda: _own(StudySession, ctx, "draft")), _session_rows(ctx, "draft", False))


def draft_talks(ctx: Context) -> Entry:
    return Entry("draft_talks", _("Your talks not yet submitted"),
                 url_for("talks.index", status="draft", author="me"),
                 InSql(lambda: _own(Talk, ctx, "draft")), _talk_rows(ctx, "draft", False))


# Waiting for review, oldest first ------------------------------------------------------
def _waited(ctx: Context, since: dt.datetime) -> str:
    days = (ctx.today - since.date()).days
    return ngettext("waiting %(num)s day", "waiting %(num)s days", days)


def sessions_waiting(ctx: Context) -> Entry | None:
    if not ctx.reviews:
        return None
    def rows() -> list[Row]:
        # the dashboard's review queue, read once a request for both
        oldest = figures.review_queue(ctx.scope, ctx.today).oldest_sessions[:ROW_LIMIT]
        review = record_url("study.review", "session_id")
        return [Row(f"{w.title} · {w.where}", review(w.id), _waited(ctx, w.at)) for w in oldest]
    return Entry("sessions_waiting", _("Study sessions waiting for your review"),
                 url_for("study.index", status="submitted"),
                 InSql(lambda: figures.waiting_count(ctx.scope, "session")), rows)


def talks_waiting(ctx: Context) -> Entry | None:
    if not ctx.reviews:
        return None
    def rows() -> list[Row]:
        oldest = figures.review_queue(ctx.scope, ctx.today).oldest_talks[:ROW_LIMIT]
        talk_page = record_url("talks.detail", "talk_id")
        return [Row(w.title, talk_page(w.id), _waited(ctx, w.at)) for w in oldest]
    return Entry("talks_waiting", _("Talks waiting for your review"), url_for("talks.index", status="submitted"),
                 InSql(lambda: figures.waiting_count(ctx.scope, "talk")), rows)


# Due talks and checkpoints -------------------------------------------------------------
def _due_count(ctx: Context, filters: DueFilters):
    return select(func.count()).select_from(due_statement(filters, today=ctx.today, columns=("state",)))


def _overdue_count(ctx: Context, what: str, filters: DueFilters):
    """Overdue items over all the data: for whoever sees everything, the number the
    dashboard's headline counts anyway (once a request, figures.open_figures); else a SELECT."""
    if not ctx.scope.sees_all:
        return InSql(lambda: _due_count(ctx, filters))
    return lambda: figures.open_figures(ctx.scope, ctx.today).count(what, "overdue")


def overdue_talks(ctx: Context) -> Entry | None:
    if not ctx.reviews:
        return None
    filters = DueFilters(kinds=frozenset(TALK_KINDS), states=frozenset({"overdue"}))
    return Entry("overdue_talks", _("Overdue talks"), url_for("due.talks", state="overdue", what="talks"),
                 _overdue_count(ctx, "talks", filters), warn=True)


def overdue_checkpoints(ctx: Context) -> Entry | None:
    if not ctx.reviews:
        return None
    filters = DueFilters(kinds=frozenset(CHECKPOINT_KINDS), states=frozenset({"overdue"}))
    return Entry("overdue_checkpoints", _("Overdue integrity checkpoints"),
                 url_for("due.talks", state="overdue", what="checkpoints"),
                 _overdue_count(ctx, "checkpoints", filters), warn=True)


def team_talks_due(ctx: Context) -> Entry | None:
    """Overdue and due-soon talks of the projects the user leads (the due list cuts a team
    leader's to their own projects by itself)."""
    if not ctx.leads:
        return None
    filters = DueFilters(kinds=frozenset(TALK_KINDS), states=ACTION_STATES, leader_person_id=ctx.user.person_id)
    return Entry("team_talks_due", _("Talks overdue or due soon for your team"),
                 url_for("due.talks", state="action", what="talks"), InSql(lambda: _due_count(ctx, filters)))


# Talks the person talked with has not confirmed ----------------------------------------
def talks_unconfirmed(ctx: Context) -> Entry | None:
    """Talks not confirmed by their subject TALK_CONFIRMATION_DAYS after they were held."""
    if not ctx.reviews:
        return None
    def rows() -> list[Row]:
        found = (confirmation.unconfirmed(ctx.user).with_only_columns(Talk.id, Talk.talk_type, Talk.talk_date, Person.name)
                 .join(Person, Person.id == Talk.person_id).limit(ROW_LIMIT))
        talk_page = record_url("talks.detail", "talk_id")
        return [Row(f"{vocab.label(vocab.TALK_TYPES, r.talk_type)}{colon()}{r.name}",
                    talk_page(r.id), format_date(r.talk_date))
                for r in db.session.execute(found)]
    return Entry("talks_unconfirmed",
                 _("Talks not confirmed by the person talked with after %(days)s days", days=confirmation.days()),
                 url_for("talks.index", confirmation="overdue"),
                 InSql(lambda: confirmation.unconfirmed(ctx.user).with_only_columns(func.count(Talk.id)).order_by(None)),
                 rows)


def talks_disagreed(ctx: Context) -> Entry | None:
    """Talks whose subject disagreed with the record: the secretary follows them up."""
    if not ctx.reviews:
        return None
    stmt = InSql(lambda: access.readable_talks(ctx.user, select(func.count(Talk.id)).where(confirmation.disagreed())))
    return Entry("talks_disagreed", _("Talks the person talked with disagreed with"),
                 url_for("talks.index", confirmation="disagreed"), stmt, warn=True)


# Study sessions the rules require ------------------------------------------------------
def branches_missing_sessions(ctx: Context) -> Entry | None:
    """Branches (all of them, or the user's) missing a session this month's or quarter's
    rules require, or with one due soon: as the dashboard judges them."""
    if not (ctx.reviews or ctx.leads):
        return None
    period = periods.current("month", ctx.today)

    @cache
    def gaps() -> list[figures.BranchGaps]:
        return figures.study_gaps(ctx.scope, period, ctx.today)

    def rows() -> list[Row]:
        out = []
        branch_page = record_url("branches.detail", "branch_id")
        for g in gaps()[:ROW_LIMIT]:
            missing = [f"{vocab.label(vocab.SESSION_TYPES, kind)} {period_label(d)}"
                       for kind, dues in g.missing.items() for d in dues]
            soon = [f"{vocab.label(vocab.SESSION_TYPES, d.session_type)} {_('by %(day)s', day=format_date(d.due))}"
                    for d in g.soon]
            out.append(Row(g.name, branch_page(g.branch_id),
                           " · ".join(missing + soon)))
        return out
    text = _("Branches missing study sessions") if ctx.reviews else _("Study sessions due for your branches")
    return Entry("branches_missing_sessions", text,
                 url_for("home.index", period="month", _anchor="study-rules"), lambda: len(gaps()), rows,
                 warn=True)
