"""What the branch and person pages show of study sessions (registered in tracker.panels)."""
from __future__ import annotations

from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import clock, panels
from tracker import permissions as perm
from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.study import queries, rules
from tracker.web import record_url


def branch_panel(branch: Branch) -> dict:
    """What the branch page shows of its sessions, to those who may read them
    (perm.can_read_branch_sessions): the rules month by month, recent sessions."""
    compliance = rules.for_branches([branch.id]).get(branch.id)
    # the list page's query: attendance counted in SQL, not loaded row by row
    recent = db.session.execute(queries.sessions(MultiDict({"branch_id": branch.id}), current_user)
                                .limit(10)).all()
    to_log = compliance.to_log(clock.today()) if compliance else None
    # every month's sessions link to their page: one url_for, then string formatting
    return {"compliance": compliance, "recent": recent, "to_log": to_log,
            "session_page": record_url("study.detail", "session_id")}


def person_panel(person) -> dict:
    rows = db.session.scalars(queries.attended_by(person.id, current_user)).all()
    present, expected = queries.attendance_rate(rows)
    return {"rows": rows, "present": present, "expected": expected}


def _branch_page(branch: Branch) -> dict:
    may_read_sessions = perm.can_read_branch_sessions(current_user, branch)
    return {"study": branch_panel(branch) if may_read_sessions else None}


def register(app) -> None:
    panels.register(app, "branch", _branch_page)
    panels.register(app, "person", lambda person: {"study": person_panel(person)})
