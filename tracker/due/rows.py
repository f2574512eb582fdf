"""The rows of a due table (templates/talks/macros.html, `due_table`) as plain values.

A due table lists up to a page of items on the "Talks due" list and on the branch, person
and project pages. Its links, labels and dates are made here in one pass, the links from one
URL per kind (web.record_url) and the words translated once: made by the template, they were
a dozen calls through Jinja's runtime per row, most of the list's cost."""
from __future__ import annotations

from typing import NamedTuple

from flask_babel import gettext as _

from tracker import vocab
from tracker.due.engine import DueItem
from tracker.i18n import date_labeller
from tracker.review.models import STATUSES
from tracker.web import record_url


class DueRow(NamedTuple):
    """What a due table's row shows of a DueItem."""

    #: vocab.DUE_STATES: the row's class and its badge
    state: str
    what: str
    #: None for a checkpoint, which concerns no one person
    person_url: str | None
    person_name: str
    project_url: str
    project_code: str
    project_name: str
    #: (link, name, "; " but after the last) of each temporary branch serving the project
    branches: tuple[tuple[str, str, str], ...]
    due_on: str
    #: "" while open
    done_on: str
    #: the talk that fulfils a talk item, and its review status's label
    talk_url: str | None
    talk_status: str
    #: the row's button: the dispatch of a talk, the project of an open checkpoint
    action_url: str | None
    action: str


def due_rows(items: list[DueItem]) -> list[DueRow]:
    """The table rows of `items`, in their order."""
    person_url, project_url = record_url("people.detail", "person_id"), record_url("projects.detail", "project_id")
    branch_url, talk_url = record_url("branches.detail", "branch_id"), record_url("talks.detail", "talk_id")
    dispatch_url = record_url("dispatches.detail", "dispatch_id")
    to_dispatch, to_project = _("Dispatch"), _("Project")
    day, status = date_labeller(), vocab.labeller(STATUSES)
    rows = []
    for i in items:
        if i.is_talk:
            action_url, action = dispatch_url(i.dispatch_id), to_dispatch
        elif i.done_on is None:
            action_url, action = project_url(i.project_id), to_project
        else:
            action_url, action = None, ""
        fulfilled = i.done_on is not None and i.talk_id is not None
        rows.append(DueRow(
            i.state, i.label,
            person_url(i.person_id) if i.person_id else None, i.person_name,
            project_url(i.project_id), i.project_code, i.project_name,
            tuple((branch_url(b_id), b_name, "; " if n < len(i.branches) else "")
                  for n, (b_id, b_name) in enumerate(i.branches, 1)),
            day(i.due_on), day(i.done_on),
            talk_url(i.talk_id) if fulfilled else None,
            status(i.talk_status) if fulfilled else "",
            action_url, action,
        ))
    return rows
