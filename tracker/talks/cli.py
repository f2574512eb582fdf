"""`flask talks add-integrity-list FILE.json`: publish a new version of the integrity lists.

    {"label": "2027", "effective_from": "2027-01-01", "note": "…",
     "lists": {"eight_prohibitions": [{"zh": "不准…", "en": "No …"}, …],
               "four_bans": [{"zh": "严禁…"}, …]}}

New talks dated on or after `effective_from` use the new version; recorded talks keep theirs.
"""
from __future__ import annotations

import json

import click
from sqlalchemy import select

from tracker import vocab
from tracker.dates import MAX_DATE, MIN_DATE, parse_day
from tracker.extensions import db
from tracker.talks.models import IntegrityItem, IntegrityListVersion


def parse(data: dict) -> IntegrityListVersion:
    """A new version from the JSON data, or click.ClickException saying what is wrong."""
    label = str(data.get("label") or "").strip()
    if not label or len(label) > 50:
        raise click.ClickException("give a label of 1 to 50 characters")
    if db.session.scalar(select(IntegrityListVersion.id).where(IntegrityListVersion.label == label)):
        raise click.ClickException(f"version {label!r} exists already")
    effective_from = parse_day(str(data.get("effective_from")))
    if effective_from is None:
        raise click.ClickException(f"effective_from must be a date as YYYY-MM-DD between "
                                   f"{MIN_DATE} and {MAX_DATE}")
    lists = data.get("lists") or {}
    unknown = set(lists) - set(vocab.INTEGRITY_LISTS)
    if unknown or not lists:
        raise click.ClickException(f"lists must be some of {sorted(vocab.INTEGRITY_LISTS)}")
    version = IntegrityListVersion(label=label, effective_from=effective_from, note=str(data.get("note", "")))
    for code, items in lists.items():
        for position, item in enumerate(items, start=1):
            if not str(item.get("zh", "")).strip():
                raise click.ClickException(f"{code} item {position} has no Chinese text")
            version.items.append(IntegrityItem(
                list_code=code, position=position, text_zh=item["zh"].strip(),
                text_en=str(item.get("en", "")).strip(),
            ))
    return version


@click.command("add-integrity-list")
@click.argument("path", type=click.File("r", encoding="utf-8"))
def add_integrity_list(path):
    """Add a new version of the integrity lists (八不准 / 四严禁) from a JSON file."""
    try:
        data = json.load(path)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"not valid JSON: {exc}") from exc
    version = parse(data)
    db.session.add(version)
    db.session.commit()
    click.echo(f"added version {version.label} with {len(version.items)} items, "
               f"in force from {version.effective_from.isoformat()}")
