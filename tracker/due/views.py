"""The "Talks due" list a secretary works through, with filters."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from tracker import access, vocab
from tracker import permissions as perm
from tracker.branches import queries as branch_queries
from tracker.dates import parse_day
from tracker.due.engine import CHECKPOINT_KINDS, TALK_KINDS, DueFilters, due_counts, due_items
from tracker.due.rows import due_rows
from tracker.due.rules import ACTION_STATES, OPEN_STATES
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects import queries as project_queries
from tracker.web import Page, page_count, page_number, require

bp = Blueprint("due", __name__, url_prefix="/due")

#: the state filter's extra choices besides the single states
STATE_GROUPS = {"action": ACTION_STATES, "open": OPEN_STATES}
WHAT = {"talks": frozenset(TALK_KINDS), "checkpoints": frozenset(CHECKPOINT_KINDS),
        "all": frozenset(TALK_KINDS + CHECKPOINT_KINDS)}


def filters_from_request(args) -> DueFilters:
    state = args.get("state", "action")
    states = STATE_GROUPS.get(state) or (frozenset({state}) if state in vocab.DUE_STATES else None)
    leader = access.due_leader(current_user)
    return DueFilters(
        kinds=WHAT.get(args.get("what", "talks"), WHAT["talks"]),
        states=states,
        branch_id=args.get("branch_id", type=int),
        project_id=args.get("project_id", type=int),
        person_id=args.get("person_id", type=int),
        person_name=args.get("person", "").strip()[:100] or None,
        project_name=args.get("project", "").strip()[:100] or None,
        branch_name=args.get("branch", "").strip()[:100] or None,
        leader_person_id=leader,
        due_from=parse_day(args.get("due_from")),
        due_to=parse_day(args.get("due_to")),
    )


@bp.get("/")
@login_required
def talks():
    require(perm.can_read(current_user))
    filters = filters_from_request(request.args)
    # The database counts every state and sorts and pages the chosen ones: two queries
    # (and the branches of the page's projects), however many dispatches there are.
    counts = due_counts(filters)
    total = sum(n for state, n in counts.items() if filters.states is None or state in filters.states)
    per_page = current_app.config["PAGE_SIZE"]
    number = min(page_number(), page_count(total, per_page))
    items = due_items(filters, with_branches=True, limit=per_page, offset=(number - 1) * per_page)
    page = Page(due_rows(items), number, per_page, total)
    return render_template(
        "due/talks.html",
        page=page,
        counts=counts,
        filters=filters,
        project=project_queries.label_of(filters.project_id),
        branch=branch_queries.name_of(filters.branch_id),
        # thousands of people: a name search box, not a list; a person_id link names its person
        person=db.session.get(Person, filters.person_id) if filters.person_id is not None else None,
        state=request.args.get("state", "action"),
        team_only=filters.leader_person_id is not None,
    )
