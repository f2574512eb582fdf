"""Compiled catalogues made at start: a checkout served straight after installing the
requirements has only the .po files (the .mo files are build output, not in git), and
Flask-Babel silently falls back to English without them."""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)


def _stale(po: Path, mo: Path) -> bool:
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def _compile(po: Path, mo: Path) -> None:
    with po.open("rb") as source:
        catalog = read_po(source)
    mo.parent.mkdir(parents=True, exist_ok=True)
    # written aside and renamed: another worker starting at the same moment never reads half a file
    handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
    try:
        os.chmod(temporary, 0o644)  # like the .po: readable by whoever serves the checkout
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog, use_fuzzy=True)
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def ensure_compiled(source: Path, instance: Path) -> list[str]:
    """Compile each <lang>/LC_MESSAGES/*.po under `source` whose .mo is missing or older,
    next to it, or under instance/translations when the checkout is read-only. Returns the
    directories Flask-Babel should search, the instance copy first when one was needed."""
    fallback = instance / "translations"
    used_fallback = False
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not _stale(po, mo):
            continue
        try:
            _compile(po, mo)
        except OSError:
            copy = fallback / po.relative_to(source).with_suffix(".mo")
            if _stale(po, copy):
                _compile(po, copy)
            used_fallback = True
            log.warning("translations folder is read-only; compiled %s into %s", po.name, copy)
    return ([str(fallback)] if used_fallback else []) + [str(source)]
