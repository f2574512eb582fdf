"""`flask backup PATH` and `flask restore PATH`: one archive with a consistent snapshot of the
database and the uploaded files, taken while the app serves; its manifest signed with the
operator's key, and checked before a restore replaces anything (tracker/security/restore_check).

The database is copied first (SQLite's online backup API copies every page in one read
transaction; pg_dump reads in one repeatable-read snapshot), the upload folder after it.
Uploads are only ever added, so every file the snapshot refers to is in the archive.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3

# subprocess runs only pg_dump/pg_restore, with list arguments and no shell (see _run).
import subprocess  # nosec B404
import tarfile
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from tracker import clock
from tracker.extensions import db
from tracker.security.restore_check import (
    APP_ID,
    FORMAT,
    MANIFEST,
    PG_MEMBER,
    SIGNATURE,
    SQLITE_MEMBER,
    BackupError,
    check_postgresql,
    check_sqlite,
    head_revision,
    sign,
    unpack,
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_command(tool: str, url) -> tuple[list[str], dict]:
    """The libpq connection as options and PG* variables (the password never on argv)."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    args = [shutil.which(tool) or f"/usr/bin/{tool}", "--no-owner", "--no-privileges"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args, env


def _run(args: list[str], env: dict) -> None:
    # The tool is pg_dump/pg_restore, the arguments a list from our settings; no shell.
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _snapshot_database(target: Path) -> str:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
        dest = sqlite3.connect(target / SQLITE_MEMBER)
        try:
            source.backup(dest)  # all pages in one step: one consistent read
        finally:
            dest.close()
            source.close()
        return SQLITE_MEMBER
    if url.get_backend_name() == "postgresql":
        args, env = _pg_command("pg_dump", url)
        _run([*args, "--format=custom", "--file", str(target / PG_MEMBER), url.database], env)
        return PG_MEMBER
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def _revision() -> str | None:
    from sqlalchemy import text

    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - an unmigrated database simply has no revision
        db.session.rollback()
        return None


def write_backup(path: Path) -> dict:
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        member = _snapshot_database(tmp_path)
        files = {}
        if uploads.is_dir():
            for file in sorted(p for p in uploads.rglob("*") if p.is_file()):
                files[file.relative_to(uploads).as_posix()] = [file.stat().st_size, _sha256(file)]
        manifest = {
            "app": APP_ID,
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "dialect": make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name(),
            "revision": _revision(),
            "database": member,
            "database_size": (tmp_path / member).stat().st_size,
            "database_sha256": _sha256(tmp_path / member),
            "files": files,
        }
        partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            for name, content in ((MANIFEST, data), (SIGNATURE, sign(data))):
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
            tar.add(tmp_path / member, arcname=member)
            for name in files:
                tar.add(uploads / name, arcname=f"uploads/{name}")
        os.replace(partial, path)  # a backup file is either complete or absent
    return manifest


def _pg_restore(url, database: str, dump: Path) -> None:
    args, env = _pg_command("pg_restore", url)
    _run([*args, "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
          "--dbname", database, str(dump)], env)


def _check(manifest: dict, folder: Path) -> dict[str, int]:
    """Row counts of the backup's database, read from a scratch copy."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return check_sqlite(folder / SQLITE_MEMBER, manifest["revision"])
    return check_postgresql(url, manifest["revision"],
                            lambda scratch: _pg_restore(url, scratch, folder / PG_MEMBER))


def _restore_database(manifest: dict, folder: Path) -> None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(folder / SQLITE_MEMBER)
        dest = sqlite3.connect(url.database, timeout=30)
        try:
            source.backup(dest)  # replaces every page under the write lock
        finally:
            dest.close()
            source.close()
    else:
        _pg_restore(url, url.database, folder / PG_MEMBER)


def _restore_uploads(folder: Path) -> None:
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    uploads.parent.mkdir(parents=True, exist_ok=True)
    incoming = folder / "uploads"
    incoming.mkdir(exist_ok=True)
    staged = uploads.with_name(uploads.name + ".restoring")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(incoming, staged)
    old = uploads.with_name(uploads.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if uploads.exists():
        os.replace(uploads, old)
    os.replace(staged, uploads)
    shutil.rmtree(old, ignore_errors=True)


def read_backup(path: Path, confirm=lambda counts: True) -> dict | None:
    """Unpack and check the backup in a scratch place, save the current data, then replace
    it. `confirm(counts)` sees the backup's row counts and may still say no."""
    dialect = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = unpack(path, folder, dialect)
        manifest["row_counts"] = _check(manifest, folder)
        if not confirm(manifest["row_counts"]):
            return None
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
        pre_restore = _backup_folder() / f"pre-restore-{stamp}.tar"
        write_backup(pre_restore)  # the current data, should the backup prove the wrong one
        manifest["pre_restore_backup"] = str(pre_restore)
        _restore_database(manifest, folder)
        _restore_uploads(folder)
    return manifest


def _backup_folder() -> Path:
    return Path(current_app.config["BACKUP_FOLDER"])


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Write the database and the uploaded files to one archive at PATH."""
    manifest = write_backup(path)
    click.echo(f"backup written to {path}: {manifest['dialect']} database, {len(manifest['files'])} files")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Check the backup at PATH, keep the current data as a pre-restore backup, then replace
    the database and the uploaded files with the backup's."""
    def confirm(counts: dict[str, int]) -> bool:
        click.echo("The backup is authentic and its database passed the checks. Rows:")
        for table, count in counts.items():
            click.echo(f"  {table:28} {count}")
        return yes or click.confirm("Replace every record and file with the backup's?")

    manifest = read_backup(path, confirm)
    if manifest is None:
        raise click.Abort()
    click.echo(f"the data before the restore is kept in {manifest['pre_restore_backup']}")
    click.echo(f"restored {path} (taken {manifest['created_at']}, revision {manifest['revision']})")
    if manifest["revision"] != head_revision():
        click.echo("the backup is of an older schema version: run flask --app wsgi db upgrade")
