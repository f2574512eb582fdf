"""Statements kept built per process: what a page asks the database is rebuilt only when what it
is built from changes. Never results: every request still reads the tables."""
from __future__ import annotations

import threading
from collections import OrderedDict

#: Built statements by what they are built from (e.g. the due items' filters, today, rules and
#: page): building one (the due list's unions of a part per kind, each with its state
#: expression; the points table's ranking) can cost the database's own work on a page many
#: times over. A statement holds no data (every request reads the tables), so it is right in
#: every worker whatever is written. The largest, the due list's, takes about 220 KB with its
#: key (measured with tracemalloc): at most _BUILT_MAX are kept, under 15 MB a worker, the
#: least recently used dropped.
_BUILT: OrderedDict = OrderedDict()
_BUILT_MAX = 64
_BUILT_LOCK = threading.Lock()


def built_statement(key: tuple, build):
    """The statement `build()` makes for `key`, built once while it stays among the recent."""
    with _BUILT_LOCK:
        if key in _BUILT:
            _BUILT.move_to_end(key)
            return _BUILT[key]
    stmt = build()
    with _BUILT_LOCK:
        _BUILT[key] = stmt
        while len(_BUILT) > _BUILT_MAX:
            _BUILT.popitem(last=False)
    return stmt
