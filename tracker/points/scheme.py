"""Loading a points scheme version from JSON (validated, with messages that name the field),
and finding the version that governs a year.

    {"label": "2027", "effective_from": "2027-01-01", "base_score": 80, "threshold": 95,
     "note": "…", "categories": [{"code": "political_study", "name_zh": "政治学习",
       "name_en": "Political study", "items": [{"code": "study_present", "name_zh": "…",
       "points": 1, "yearly_cap": 12, "source": "session_present",
       "record_types": ["theme_party_day", "group_study"]}, …]}, …]}

See default_scheme.json (the one the migration seeds) and README "Points card".
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import vocab
from tracker.extensions import db
from tracker.points.models import SOURCES, PointsCategory, PointsItem, PointsScheme
from tracker.statements import built_statement

DEFAULT_FILE = Path(__file__).with_name("default_scheme.json")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
SESSION_SOURCES = ("session_present", "session_absent", "lesson_speaker")
TALK_SOURCES = ("talk_held", "talk_attended")


class SchemeError(ValueError):
    """What is wrong with a scheme file, naming the place (e.g. "categories[1].items[0].points")."""


def _text(data: dict, key: str, where: str, limit: int, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise SchemeError(f"{where}{key}: give a text of {'1' if required else '0'} to {limit} characters")
    return value.strip()


def _int(data: dict, key: str, where: str, *, low: int, high: int, optional: bool = False) -> int | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SchemeError(f"{where}{key}: give a whole number from {low} to {high}")
    return value


def _code(data: dict, where: str, seen: set) -> str:
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise SchemeError(f"{where}code: lower-case letters, digits and _, starting with a letter, at most 30")
    if code in seen:
        raise SchemeError(f"{where}code: {code!r} is used twice")
    seen.add(code)
    return code


def _item(data: dict, where: str, codes: set, claimed: dict) -> PointsItem:
    if not isinstance(data, dict):
        raise SchemeError(f"{where}: an item is an object")
    code = _code(data, where, codes)
    points = _int(data, "points", where, low=-100, high=100)
    if points == 0:
        raise SchemeError(f"{where}points: an item is worth some points (not 0)")
    cap = _int(data, "yearly_cap", where, low=1, high=1000, optional=True)
    source = data.get("source")
    if source not in SOURCES:
        raise SchemeError(f"{where}source: one of {', '.join(SOURCES)}")
    types = data.get("record_types") or []
    known = vocab.SESSION_TYPES if source in SESSION_SOURCES else vocab.TALK_TYPES if source in TALK_SOURCES else {}
    if not isinstance(types, list) or any(t not in known for t in types):
        raise SchemeError(f"{where}record_types: a list of some of {', '.join(known) or 'nothing'}")
    # One attendance or talk must not count under two items of the same source.
    for t in types or list(known):
        if (source, t) in claimed and source != "manual":
            raise SchemeError(f"{where}record_types: {t!r} already counts for item {claimed[(source, t)]!r}")
        claimed[(source, t)] = code
    return PointsItem(
        code=code, name_zh=_text(data, "name_zh", where, 100), name_en=_text(data, "name_en", where, 150, False),
        points=points, yearly_cap=cap, source=source, record_types=" ".join(types),
    )


def parse(data) -> PointsScheme:
    """A new, unsaved version from the JSON data, or SchemeError saying what is wrong."""
    if not isinstance(data, dict):
        raise SchemeError("the file holds one object: label, effective_from, base_score, categories …")
    label = _text(data, "label", "", 50)
    if db.session.scalar(select(PointsScheme.id).where(PointsScheme.label == label)):
        raise SchemeError(f"label: version {label!r} exists already")
    try:
        effective_from = dt.date.fromisoformat(str(data.get("effective_from")))
    except ValueError as exc:
        raise SchemeError("effective_from: a date as YYYY-MM-DD") from exc
    scheme = PointsScheme(
        label=label, effective_from=effective_from, note=_text(data, "note", "", 2000, False),
        base_score=_int(data, "base_score", "", low=0, high=1000),
        threshold=_int(data, "threshold", "", low=0, high=2000) if "threshold" in data else 95,
    )
    categories = data.get("categories")
    if not isinstance(categories, list) or not categories:
        raise SchemeError("categories: a list of at least one category")
    category_codes, item_codes, claimed, position = set(), set(), {}, 0
    for n, cat in enumerate(categories):
        where = f"categories[{n}]."
        if not isinstance(cat, dict):
            raise SchemeError(f"categories[{n}]: a category is an object")
        category = PointsCategory(code=_code(cat, where, category_codes), name_zh=_text(cat, "name_zh", where, 50),
                                  name_en=_text(cat, "name_en", where, 80, False), position=n)
        scheme.categories.append(category)
        items = cat.get("items")
        if not isinstance(items, list) or not items:
            raise SchemeError(f"{where}items: a list of at least one item")
        for m, raw in enumerate(items):
            item = _item(raw, f"{where}items[{m}].", item_codes, claimed)
            item.category, item.position = category, position
            position += 1
            scheme.items.append(item)
    return scheme


def load_file(path: str | Path) -> PointsScheme:
    """Parse the file and add the version to the session (the caller commits)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(f"cannot read {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SchemeError(f"not valid JSON: {exc}") from exc
    scheme = parse(data)
    db.session.add(scheme)
    db.session.flush()
    return scheme


def governing(year: int, *, items: bool = True) -> PointsScheme | None:
    """The version that governs the cards of `year` (see tracker.points for why one per year).
    The tables, which read the tally, need its categories only (`items=False`): the items
    would multiply the rows read, and load on first use if anything asks for them."""
    stmt = built_statement(("points scheme", items), lambda: _governing_statement(items))
    return db.session.scalars(stmt, {"first_day": dt.date(year, 1, 1)}).unique().one_or_none()


def _governing_statement(items: bool):
    """The governing version for the year starting on the bound `first_day`; built once per
    process, as the tables ask for it on every request."""
    newest = (select(PointsScheme.id).where(PointsScheme.effective_from <= bindparam("first_day"))
              .order_by(PointsScheme.effective_from.desc(), PointsScheme.id.desc()).limit(1).scalar_subquery())
    # one query: the version with its categories and items (a few dozen rows)
    loads = (joinedload(PointsScheme.categories), *((joinedload(PointsScheme.items),) if items else ()))
    return select(PointsScheme).options(*loads).where(PointsScheme.id == newest)


def versions():
    return (select(PointsScheme)
            .options(selectinload(PointsScheme.categories), selectinload(PointsScheme.items))
            .order_by(PointsScheme.effective_from.desc(), PointsScheme.id.desc()))
