"""The rows of a page's talks table (templates/talks/macros.html, `talk_rows`) as plain
values: the link, date and labels of each talk made in one pass, the link from one URL
(web.record_url), instead of calls through Jinja's runtime for each cell."""
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
