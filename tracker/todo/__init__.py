"""The to-do box on each person's home page, and its count in the navigation.

Each item is one function (`items.py`, or its feature's own module) that takes a `Context`
and returns an `Entry` — a count (a SELECT: all of them are read in one query) and a link to
the filtered list, perhaps a short list — or None when it does not apply to the user.
`registry.ITEMS` names them: adding an item is one function plus one line there. Members
have their own home page (tracker/members) and no box.
"""
from flask import Blueprint

from tracker import navigation
from tracker.todo.registry import badge

bp = Blueprint("todo", __name__)


@bp.record_once
def _count_in_navigation(state) -> None:
    """The navigation's "To do" entry shows the signed-in user's count."""
    navigation.add_badge(state.app, "todo", badge)
