"""Statements kept built per process: what a page asks the database is rebuilt only when what it
is built from changes. Never results: every request still reads the tables."""
from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import String, literal_column
from sqlalchemy.sql.expression import ColumnElement


class Built:
    """Statements by what they are built from, at most `most` of them, the least recently
    used dropped. A statement holds no data (every request reads the tables), so it is right
    in every worker whatever is written."""

    def __init__(self, most: int) -> None:
        self._kept: OrderedDict = OrderedDict()
        self._most = most
        self._lock = threading.Lock()

    def get(self, key: tuple, build):
        """The statement `build()` makes for `key`, built once while it stays among the recent."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        stmt = build()
        with self._lock:
            self._kept[key] = stmt
            while len(self._kept) > self._most:
                self._kept.popitem(last=False)
        return stmt

    def keys(self) -> list[tuple]:
        with self._lock:
            return list(self._kept)


#: Built statements of the pages (e.g. the due items' filters, today, rules and page):
#: building one (the due list's unions of a part per kind, each with its state expression;
#: the points table's ranking) can cost the database's own work on a page many times over.
#: The largest, the due list's, takes about 220 KB with its key (measured with tracemalloc):
#: at most 64 are kept, under 15 MB a worker.
_BUILT = Built(64)


def built_statement(key: tuple, build):
    """The statement `build()` makes for `key`, built once while it stays among the recent."""
    return _BUILT.get(key, build)


def word(text: str) -> ColumnElement:
    """One of the rules' own words (a kind, a state, a status, a session type) written into a
    statement as a literal rather than sent as a parameter, so that a prepared statement is
    planned once per connection and a partial index naming it can serve it; never a user's
    text."""
    if not text.replace("_", "").isalnum():
        raise ValueError(text)
    return literal_column(f"'{text}'", String)
