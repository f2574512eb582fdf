"""What a to-do item gives: an Entry (a count, a link, perhaps a short list) for a Context."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Select

from tracker import access, clock
from tracker import permissions as perm
from tracker.dashboard import figures

#: how many rows an entry's short list shows; its link lists them all
ROW_LIMIT = 5


@dataclass(frozen=True)
class Row:
    """One line of an entry's short list."""

    text: str
    url: str
    #: e.g. the reviewer's comment, or how long it has waited
    note: str = ""


class InSql:
    """A count read in SQL, as a function that builds its SELECT: the box's one query is built
    once per process and user (tracker.todo.registry), so the request need not build each
    item's SELECT again."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], Select]):
        self.build = build


def in_sql(count) -> Select | None:
    """The SELECT of an entry's count read in SQL; None for a count made in Python."""
    if isinstance(count, InSql):
        return count.build()
    return count if isinstance(count, Select) else None


@dataclass
class Entry:
    key: str
    text: str
    #: the filtered list behind the count
    url: str
    #: a SELECT of one number (all of them are read in one query; InSql: a function that
    #: builds it), or a function that counts
    count: Select | InSql | Callable[[], int]
    #: the short list, read only where the box is shown
    rows: Callable[[], list[Row]] | None = None
    #: overdue or waiting too long: shown in red
    warn: bool = False


class Context:
    """Who the box is for and what they may see; items ask it instead of deciding again."""

    def __init__(self, user, today: dt.date | None = None):
        self.user = user
        self.today = today or clock.today()

    @cached_property
    def reviews(self) -> bool:
        """Reviews records (secretaries, admins): the bureau-wide items."""
        return perm.can_review(self.user)

    @cached_property
    def leads(self) -> bool:
        """Leads audit teams: the items of their projects and branches."""
        return self.user.has_role("team-leader") and self.user.person_id is not None

    @cached_property
    def scope(self) -> figures.Scope:
        """The dashboard's cut of the data: everything, or the projects the user leads."""
        return figures.Scope(self.user, access.sees_everything(self.user))
