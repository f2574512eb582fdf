"""What the branch and person pages show of study sessions (registered in tracker.panels)."""
from __future__ import annotations

from typing import NamedTuple

from flask_login import current_user

from tracker import clock, panels, vocab
from tracker import permissions as perm
from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.i18n import date_labeller
from tracker.study import queries, rules
from tracker.web import record_url


class RuleTable(NamedTuple):
    """One rule's table on the branch page: its months (quarters), latest first."""

    session_type: str
    caption: str
    quarterly: bool
    #: (name, label, due day, "held / required", state, ((session link, day, comma), …)) per
    #: period, the comma after every session but the last
    rows: list[tuple]


def _rule_tables(compliance: rules.Compliance, session_page) -> list[RuleTable]:
    """The tables of the rules the branch owes, their cells made in one pass."""
    tables, day = [], date_labeller()
    for rule in compliance.rules:
        if rule.session_type not in compliance.by_type:
            continue
        rows = [
            (d.name, rules.period_label(d), day(d.due), f"{len(d.held)} / {d.required}", d.state,
             tuple((session_page(h.session_id), day(h.day), ", " if n < len(d.held) else "")
                   for n, h in enumerate(d.held, 1)))
            for d in reversed(compliance.of(rule.session_type))
        ]
        tables.append(RuleTable(rule.session_type, rules.caption(rule), rule.quarterly, rows))
    return tables


def branch_panel(branch: Branch) -> dict:
    """What the branch page shows of its sessions, to those who may read them
    (perm.can_read_branch_sessions): the rules month by month, recent sessions; each cell's
    link, date and label made here, not by calls from the template for each."""
    # the rules' counted sessions and the latest ones (attendance counted in SQL, not loaded
    # row by row) in one query: the rules' first (part 0), the latest after them (part 1)
    rows = db.session.connection().execute(queries.latest_of_branch(current_user, 10, rules.sessions_held()),
                                           {"ids": [branch.id], "branch_id": branch.id}).all()
    latest_from = next((n for n, row in enumerate(rows) if row[-1]), len(rows))
    held = [(branch.id, held_on, kind, session_id) for session_id, kind, held_on, *_ in rows[:latest_from]]
    compliance = rules.for_branches((), branches=[branch], held=held).get(branch.id)
    # every month's sessions link to their page: one url_for, then string formatting
    session_page = record_url("study.detail", "session_id")
    day, session_type = date_labeller(), vocab.labeller(vocab.SESSION_TYPES)
    return {
        "to_log": compliance.to_log(clock.today()) if compliance else None,
        "counted": bool(compliance and compliance.all),
        "rules": _rule_tables(compliance, session_page) if compliance else [],
        "not_applicable": [session_type(t) for t in compliance.not_applicable] if compliance else [],
        # unpacked in LATEST_SHOWN's order of columns: a database row read by name costs a
        # lookup per column
        "recent": [
            (day(held_on), session_type(kind), session_page(session_id), topic, f"{present} / {expected}", status)
            for session_id, kind, held_on, topic, status, expected, present, _start_time, _part in rows[latest_from:]
        ],
    }


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
