"""The dashboard page. The home page's view renders it for every signed-in user."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from tracker import access, clock, periods, vocab
from tracker import permissions as perm
from tracker.branches import queries as branch_queries
from tracker.branches.models import Branch
from tracker.dashboard import charts, figures
from tracker.extensions import db
from tracker.months import add_months, month_label
from tracker.projects.models import Project
from tracker.study import queries as study_queries
from tracker.web import record_url


def _then(url: str) -> str:
    """What joins one more argument to `url`."""
    return "&" if "?" in url else "?"


class Links:
    """The filtered list behind each number, with the dashboard's period and branch.

    The tables' links (per month, state, session type, branch) add arguments to a base
    made once (url_for per row cost a fifth of the page): the values are ISO dates, months,
    ids and vocabulary codes, which need no quoting."""

    def __init__(self, scope: figures.Scope, period: periods.Period):
        self.scope, self.period = scope, period
        self.branch = {"branch_id": scope.branch_id} if scope.branch_id else {}
        self._due = url_for("due.talks", what="talks", **self.branch)
        # as url_for("due.talks", state=…, what=…, …, **self.branch) writes them
        self._due_list = url_for("due.talks")
        self._of_branch = f"&branch_id={int(scope.branch_id)}" if scope.branch_id else ""
        self._counted = url_for("study.index", status="counted", **self.branch)
        self._counted_any_branch = url_for("study.index", status="counted")
        sessions = url_for("study.index")
        self._sessions = sessions + _then(sessions)
        self.branch_page = record_url("branches.detail", "branch_id")
        self.project_page = record_url("projects.detail", "project_id")
        self.dispatch_page = record_url("dispatches.detail", "dispatch_id")
        self.session_review = record_url("study.review", "session_id")
        self.talk_page = record_url("talks.detail", "talk_id")

    def due(self, state: str, what: str = "talks", first: dt.date | None = None,
            last: dt.date | None = None) -> str:
        first, last = first or self.period.first, last or self.period.last
        return (f"{self._due_list}?state={state}&what={what}&due_from={first.isoformat()}"
                f"&due_to={last.isoformat()}{self._of_branch}")

    def open(self, state: str, what: str = "talks") -> str:
        """Everything in this state now, whenever it was due (the headline's lists)."""
        return f"{self._due_list}?state={state}&what={what}{self._of_branch}"

    def due_month(self, state: str, month: dt.date) -> str:
        """Talks due in one month (of the period) in this state."""
        last = add_months(month, 1) - dt.timedelta(days=1)
        first, last = max(month, self.period.first), min(last, self.period.last)
        return f"{self._due}&state={state}&due_from={first.isoformat()}&due_to={last.isoformat()}"

    def sessions(self, **args) -> str:
        return url_for("study.index", **self.branch, **args)

    def counted_in_month(self, month: str, session_type: str | None = None) -> str:
        """Counted sessions held in a month (YYYY-MM), perhaps of one type."""
        url = f"{self._counted}&month={month}"
        return f"{url}&session_type={session_type}" if session_type else url

    def sessions_in_period(self, branch_id: int | None = None) -> str:
        base = self._counted_any_branch if branch_id else self._counted
        url = f"{base}&held_from={self.period.first.isoformat()}&held_to={self.period.last.isoformat()}"
        return f"{url}&branch_id={int(branch_id)}" if branch_id else url

    def missing(self, branch_id: int, session_type: str, first: dt.date, last: dt.date) -> str:
        """A branch's sessions of one type in a month or quarter the rules found missing."""
        return (f"{self._sessions}branch_id={int(branch_id)}&session_type={session_type}"
                f"&held_from={first.isoformat()}&held_to={last.isoformat()}")

    def talks(self, **args) -> str:
        mine = {} if self.scope.sees_all else {"mine": "1"}
        return url_for("talks.index", **self.branch, **mine, **args)

    def dashboard(self, **args) -> str:
        return url_for("home.index", **{**self.period.args(), **self.branch, **args})


#: how many branches a search lists when it matches several
MATCHES_SHOWN = 10


@dataclass
class BranchFilter:
    """The branch the dashboard is narrowed to, named by a link's id: a search on branch names
    (a field, not an option for each of hundreds of branches) that matches one gives its id."""

    id: int | None = None
    #: its name, when the user may read it
    name: str | None = None
    #: a search matched exactly this branch: the page is its link's, by id
    found: bool = False
    #: a search that matched no branch or several: what to tell the user
    error: str | None = None
    #: (id, name) of the branches a search matched, when several
    matches: list = field(default_factory=list)


def _readable_branches(user, condition) -> list:
    """(id, name) of the branches the user may read meeting `condition`, a few at most."""
    stmt = study_queries.branch_choices(user, for_logging=False).where(condition)
    return db.session.execute(stmt.limit(MATCHES_SHOWN + 1)).all()


def branch_filter(user) -> BranchFilter:
    """The branch of the request's `branch` (a search on names) or else `branch_id`
    arguments: a query for each of them given."""
    branch_id = request.args.get("branch_id", type=int)
    text = (request.args.get("branch") or "").strip()[:100]  # longer than any branch's name
    error, matches = None, []
    if text:
        matches = _readable_branches(user, Branch.id.in_(branch_queries.named(text)))
        if len(matches) == 1:
            return BranchFilter(matches[0].id, matches[0].name, found=True)
        error = (_("No temporary branch’s name contains “%(text)s”.", text=text) if not matches else
                 _("Several temporary branches match “%(text)s”: choose one, or type more of its name.",
                   text=text))
    if branch_id is None:
        return BranchFilter(error=error, matches=matches[:MATCHES_SHOWN])
    # a link's id: named if the user may read it (else its figures are empty)
    named = _readable_branches(user, Branch.id == branch_id)
    return BranchFilter(branch_id, named[0].name if named else None, error=error, matches=matches[:MATCHES_SHOWN])


def _charts(by_month_sessions, talks_by_month, links: Links) -> dict:
    """The two charts as SVG and their data tables' rows — sessions: (month, [(count, link)],
    total, link); talks: (month, [(count, link)]) — each cell's link made here rather than by
    the template (a hundred cells)."""
    session_series = [charts.Series(code, str(text), charts.PALETTE[n])
                      for n, (code, text) in enumerate(vocab.SESSION_TYPES.items())]
    state_series = [charts.Series(code, str(vocab.DUE_STATES[code]), charts.STATE_COLOURS[code])
                    for code in ("done", "done_late", "overdue", "due_soon", "not_yet_due")]
    nothing = _("Nothing in these months.")
    session_rows = []
    for month, counts in by_month_sessions.items():
        ym = month.strftime("%Y-%m")
        session_rows.append((month_label(month),
                             [(counts[s.key], links.counted_in_month(ym, s.key)) for s in session_series],
                             sum(counts.values()), links.counted_in_month(ym)))
    # a period of one month has no table of its months: its row is the completion table
    talk_rows = [(month_label(month), [(counts[s.key], links.due_month(s.key, month)) for s in state_series])
                 for month, counts in talks_by_month.items()] if len(talks_by_month) > 1 else []
    return {
        "sessions": charts.svg(charts.stacked_bars(
            [(m.strftime("%Y-%m"), counts) for m, counts in by_month_sessions.items()], session_series),
            "chart-sessions", _("Study sessions per month by type"), nothing),
        "talks": charts.svg(charts.stacked_bars(
            [(m.strftime("%Y-%m"), counts) for m, counts in talks_by_month.items()], state_series,
            legend_columns=5), "chart-talks", _("Talks due per month by state"), nothing),
        "session_series": session_series, "session_rows": session_rows,
        "state_series": state_series, "talk_rows": talk_rows,
    }


def _figures(scope: figures.Scope, period: periods.Period, today: dt.date, all_attendance: bool,
             links: Links, all_gaps: bool = False) -> dict:
    """Everything the page shows except the chrome (about twenty queries): the headline's
    open figures whatever the period, then the period's. The attendance table shows the
    branches with the lowest rate unless `all_attendance`; the study rules' lists the first
    LIST_LIMIT branches of each unless `all_gaps`."""
    due = figures.due_figures(scope, period, today)
    by_month_sessions = figures.sessions_by_month(scope, figures.chart_months(period))
    if all_attendance:
        rows = figures.attendance(scope, period)
        attendance = figures.Attendance(rows, len(rows), sum(r.present for r in rows), sum(r.expected for r in rows))
    else:
        attendance = figures.lowest_attendance(scope, period, figures.LIST_LIMIT)
    mine = []
    if not scope.sees_all and scope.user.person_id:
        mine = db.session.execute(
            select(Project.id, Project.code, Project.name, Project.status)
            .where(Project.deleted_at.is_(None), Project.status != "closed",
                   Project.id.in_(access.led_projects(scope.user)))
            .order_by(Project.start_date)
        ).all()
    gaps = figures.study_gaps(scope, period, today)
    return {
        "mine": mine, "due": due, "open": figures.open_figures(scope, today),
        "queue": figures.review_queue(scope, today),
        "gaps": gaps, "missing": figures.missing_per_type(gaps), "all_gaps": all_gaps,
        "soon": [g for g in gaps if g.soon], "shown": None if all_gaps else figures.LIST_LIMIT,
        "needing": figures.projects_needing_branch(scope, period),
        "attendance": attendance.rows, "branches_attending": attendance.branches, "all_attendance": all_attendance,
        "present": attendance.present, "expected": attendance.expected,
        "sessions_by_month": by_month_sessions,
        "charts": _charts(by_month_sessions, due.talks_by_month, links),
    }


def pct(part: int, whole: int) -> str:
    """A share as a whole percentage ("67%"), or a dash when there is no whole."""
    return f"{part / whole:.0%}" if whole else "—"


def page(todo: Callable[[], Markup] | None = None):
    """The dashboard, with the home page's to-do box (`todo` renders it) under its title; a
    search that found one branch is sent to that branch's dashboard."""
    today = clock.today()
    period, message = periods.from_args(request.args, today)
    branch = branch_filter(current_user)
    scope = figures.Scope(current_user, perm.sees_everything(current_user), branch.id)
    if branch.found:  # the branch's own address, as its links give it
        return redirect(Links(scope, period).dashboard())
    may_form_branch = perm.can_create_branch(current_user)
    links = Links(scope, period)
    # Markup: the body is a template that Jinja rendered with autoescaping on.
    body = Markup(render_template(  # noqa: S704  # nosec B704
        "dashboard/_body.html", period=period, message=message, scope=scope, links=links,
        kinds=periods.KINDS, today=today, may_form_branch=may_form_branch, todo=todo() if todo else None, pct=pct,
        branch=branch,
        title=title(scope),
        **_figures(scope, period, today, all_attendance=request.args.get("attendance") == "all", links=links,
                   all_gaps=request.args.get("gaps") == "all"),
    ))
    return render_template("dashboard/index.html", title=title(scope), body=body)


def title(scope: figures.Scope) -> str:
    return _("Review dashboard") if scope.sees_all else _("My projects and branches")
