"""What the dispatch, person, project and branch pages show about talks and due items
(registered in tracker.panels). Each returns template variables; every one costs a fixed
number of queries."""
from __future__ import annotations

from tracker import panels
from tracker.due import CHECKPOINT_KINDS, OPEN_STATES, TALK_KINDS, DueFilters, due_items, due_items_each
from tracker.due.rows import due_rows
from tracker.extensions import db
from tracker.talks import queries
from tracker.talks.rows import talk_rows

TALKS = frozenset(TALK_KINDS)
CHECKPOINTS = frozenset(CHECKPOINT_KINDS)


def for_dispatch(dispatch) -> dict:
    items = [] if dispatch.deleted_at else due_items(DueFilters(dispatch_id=dispatch.id, kinds=TALKS))
    return {
        "due": {i.kind: i for i in items},
        "talks": talk_rows(db.session.execute(queries.talks_of("dispatch_id"), {"dispatch_id": dispatch.id})),
    }


def for_person(person) -> dict:
    return {
        "due": due_rows(due_items(DueFilters(person_id=person.id, kinds=TALKS))),
        "talks": talk_rows(db.session.execute(queries.talks_of("person_id"), {"person_id": person.id})),
    }


def for_project(project) -> dict:
    items = due_items(DueFilters(project_id=project.id))
    return {
        "due": due_rows([i for i in items if i.is_talk]),
        "checkpoint_due": {i.kind: i for i in items if i.kind in CHECKPOINT_KINDS},
    }


#: how many talks held the branch page shows
BRANCH_TALKS = 20


def for_branch(branch) -> dict:
    # A branch serves projects with hundreds of dispatches: its page lists the talks still to
    # hold (the done ones are under "Talks held" and in the "Talks due" list), and every
    # checkpoint; both in one query
    talks_due, checkpoints_due = due_items_each(DueFilters(branch_id=branch.id, kinds=TALKS, states=OPEN_STATES),
                                                DueFilters(branch_id=branch.id, kinds=CHECKPOINTS))
    return {
        "due": due_rows(talks_due),
        "checkpoints_due": due_rows(checkpoints_due),
        # the newest ones; the page links to all of them in the talk list
        "talks": talk_rows(db.session.connection().execute(queries.talks_of("branch_id", BRANCH_TALKS),
                                                            {"branch_id": branch.id})),
    }


def register(app) -> None:
    panels.register(app, "person", lambda person: {"talk_panel": for_person(person)})
    panels.register(app, "project", lambda project: {"talk_panel": for_project(project)})
    panels.register(app, "branch", lambda branch: {"talk_panel": for_branch(branch)})
    panels.register(app, "dispatch", lambda dispatch: {"talk_panel": for_dispatch(dispatch)})
