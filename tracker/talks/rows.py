"""The rows of a page's talks table (templates/talks/macros.html, `talk_rows`) and of the
talks list (templates/talks/index.html) as plain values: the links, date and labels of each
talk made in one pass, each link from one URL (web.record_url), instead of calls through
Jinja's runtime for each cell."""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from tracker import vocab
from tracker.i18n import date_labeller
from tracker.web import record_url


class TalkRow(NamedTuple):
    """What the table shows of a row of talks.queries.talks_of."""

    url: str
    talk_date: str
    talk_type: str
    person_name: str
    conducted_by_name: str
    #: "—" for a talk of no dispatch
    project_code: str
    #: tracker.review.models.STATUSES: the row's badge
    status: str


def talk_rows(talks: Iterable) -> list[TalkRow]:
    """The table rows of the talks (rows of talks.queries.talks_of), in their order."""
    talk_url, day, talk_type = record_url("talks.detail", "talk_id"), date_labeller(), vocab.labeller(vocab.TALK_TYPES)
    # unpacked in talks_of's order of columns: a database row read by name costs a lookup
    # per column, most of this loop's work
    return [
        TalkRow(talk_url(talk_id), day(talk_date), talk_type(kind), person_name, conducted_by_name,
                project_code or "—", status)
        for talk_id, talk_date, kind, status, person_name, conducted_by_name, project_code in talks
    ]


class ListedTalk(NamedTuple):
    """What the talks list shows of a row of talks.queries.listed."""

    url: str
    talk_date: str
    talk_type: str
    person_url: str
    person_name: str
    conducted_by_name: str
    #: None for a talk of no dispatch
    project_url: str | None
    project_code: str | None
    #: tracker.review.models.STATUSES: the row's badge
    status: str
    #: vocab.CONFIRMATIONS or None: the answer's badge
    confirmation: str | None


def listed_rows(talks: Iterable) -> list[ListedTalk]:
    """The talks list's rows (rows of talks.queries.listed), in their order."""
    talk_url, person_url = record_url("talks.detail", "talk_id"), record_url("people.detail", "person_id")
    project_url = record_url("projects.detail", "project_id")
    day, talk_type = date_labeller(), vocab.labeller(vocab.TALK_TYPES)
    # unpacked in listed's order of columns, as talk_rows does
    return [
        ListedTalk(talk_url(talk_id), day(talk_date), talk_type(kind), person_url(person_id), person_name,
                   conducted_by_name, project_url(project_id) if project_id else None, project_code, status,
                   confirmation)
        for (talk_id, talk_date, kind, person_id, status, confirmation, person_name, conducted_by_name,
             project_id, project_code) in talks
    ]
