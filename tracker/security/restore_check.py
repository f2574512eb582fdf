"""What a backup archive must be before `flask restore` replaces anything: authenticated with
the operator's key, holding a database of this app at a known schema version and only the
files its manifest names, within size limits — unpacked and checked in a scratch folder (and,
on PostgreSQL, a scratch database) first.

The key: BACKUP_KEY when set, else one derived from SECRET_KEY (HMAC-SHA256 of a fixed label),
so a backup restores only where that secret is known; an archive anybody could assemble
(a recomputed checksum, an empty database, extra files) is refused before pg_restore or
SQLite ever reads it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import tarfile
from pathlib import Path, PurePosixPath

import click
from flask import current_app

from tracker.db import Base

APP_ID = "temporary-branch-tracker"
FORMAT = 2
MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
DATABASE_MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": PG_MEMBER}
#: a manifest lists every uploaded file; a million names is far more than a bureau holds
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1_000_000
#: tables every database of this app has had since its first revision
CORE_TABLES = {"user", "person", "project", "history_entry", "alembic_version"}


class BackupError(click.ClickException):
    pass


def backup_key() -> bytes:
    config = current_app.config
    if key := config.get("BACKUP_KEY"):
        return key.encode()
    return hmac.new(config["SECRET_KEY"].encode(), b"tracker backup key 1", hashlib.sha256).digest()


def sign(manifest: bytes) -> bytes:
    return hmac.new(backup_key(), manifest, hashlib.sha256).hexdigest().encode()


def _scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config)


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def head_revision() -> str | None:
    return _scripts().get_current_head()


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name


def _read_small(tar: tarfile.TarFile, member: tarfile.TarInfo | None, limit: int) -> bytes | None:
    if member is None or member.size > limit:
        return None
    with tar.extractfile(member) as fh:
        return fh.read(limit + 1)


def _copy(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, size: int, digest: str) -> None:
    """Copy one member of the declared size, checking its SHA-256 on the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sha, left = hashlib.sha256(), size
    with tar.extractfile(member) as src, target.open("wb") as dst:
        while chunk := src.read(min(1 << 20, left)) if left else b"":
            sha.update(chunk)
            dst.write(chunk)
            left -= len(chunk)
    if left or sha.hexdigest() != digest:
        raise BackupError(f"{member.name!r} in the archive is damaged")


def unpack(archive: Path, into: Path, dialect: str) -> dict:
    """The authenticated manifest, with exactly the files it names copied into `into`."""
    limit = current_app.config["RESTORE_MAX_BYTES"]
    try:
        # "r:": a backup is a plain tar; a compressed one could expand without bound.
        tar = tarfile.open(archive, "r:")
    except tarfile.TarError as exc:
        raise BackupError("not a backup of this application (not a plain tar archive)") from exc
    with tar:
        members: dict[str, tarfile.TarInfo] = {}
        for member in tar:
            if len(members) >= MAX_MEMBERS or member.name in members:
                raise BackupError("unexpected entry in the archive: too many or repeated entries")
            if not (member.isreg() and not member.issparse() and _safe_name(member.name)):
                raise BackupError(f"unexpected entry in the archive: {member.name!r}")
            members[member.name] = member
        body = _read_small(tar, members.get(MANIFEST), MAX_MANIFEST_BYTES)
        signature = _read_small(tar, members.get(SIGNATURE), 200)
        if body is None or signature is None:
            raise BackupError("not an authenticated backup of this application (no signed manifest)")
        if not hmac.compare_digest(signature.strip(), sign(body)):
            raise BackupError("the backup is not authenticated with this server's key (BACKUP_KEY, "
                              "or the one derived from SECRET_KEY): it was changed, or made elsewhere")
        manifest = json.loads(body)
        if manifest.get("app") != APP_ID or manifest.get("format") != FORMAT:
            raise BackupError("not a backup of this application, or of an unknown format")
        if manifest.get("dialect") != dialect:
            raise BackupError(f"the backup is of {manifest.get('dialect')}, the app uses {dialect}")
        database = DATABASE_MEMBERS[dialect]
        if manifest.get("database") != database or database not in members:
            raise BackupError("the archive holds no database")
        if manifest.get("revision") not in known_revisions():
            raise BackupError(f"the database is at schema version {manifest.get('revision')!r}, "
                              "which this version of the app does not know")
        wanted = {database: (manifest["database_size"], manifest["database_sha256"])}
        for name, (size, digest) in manifest["files"].items():
            if not _safe_name(name):
                raise BackupError(f"unexpected file name in the manifest: {name!r}")
            wanted[f"uploads/{name}"] = (size, digest)
        extra = set(members) - set(wanted) - {MANIFEST, SIGNATURE}
        if extra:
            raise BackupError(f"files not in the manifest: {sorted(extra)[:5]}; nothing restored")
        if missing := set(wanted) - set(members):
            raise BackupError(f"files of the manifest missing from the archive: {sorted(missing)[:5]}")
        if sum(size for size, _ in wanted.values()) > limit:
            raise BackupError(f"the backup is larger than RESTORE_MAX_BYTES ({limit} bytes)")
        for name, (size, digest) in wanted.items():
            if members[name].size != size:
                raise BackupError(f"{name!r} in the archive is damaged")
            _copy(tar, members[name], into / name, size, digest)
    return manifest


def _counts(tables: set[str], count) -> dict[str, int]:
    missing = CORE_TABLES - tables
    if missing:
        raise BackupError(f"not a database of this application: no {', '.join(sorted(missing))}")
    return {t.name: count(t.name) for t in Base.metadata.sorted_tables if t.name in tables}


def check_sqlite(path: Path, revision: str) -> dict[str, int]:
    """Integrity check, schema version and row counts of the scratch copy."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"the database in the archive is not readable: {exc}") from exc
        if integrity != "ok":
            raise BackupError(f"the database in the archive fails its integrity check: {integrity}")
        # The table names come from our own metadata, never from the archive.
        counts = _counts(tables, lambda name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608  # nosec B608
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    if found is None or found[0] != revision:
        raise BackupError("the database's schema version is not the one its manifest names")
    return counts


def check_postgresql(url, revision: str, restore_into) -> dict[str, int]:
    """Restore into a scratch database, check the schema version, count rows, drop it."""
    import psycopg
    from sqlalchemy import create_engine, inspect, text

    scratch = f"{url.database}_restore_check"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        restore_into(scratch)
        engine = create_engine(url.set(database=scratch))
        try:
            with engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                # The table names come from our own metadata, never from the archive.
                counts = _counts(tables, lambda name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar())  # noqa: S608  # nosec B608
                found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        finally:
            engine.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    if found != revision:
        raise BackupError("the database's schema version is not the one its manifest names")
    return counts
