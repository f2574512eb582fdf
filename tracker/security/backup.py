"""`flask backup PATH` and `flask restore PATH`: one archive with a consistent snapshot of the
database and the uploaded files, taken while the app serves.

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
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from tracker.extensions import db

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(click.ClickException):
    pass


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
                files[file.relative_to(uploads).as_posix()] = _sha256(file)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "dialect": make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name(),
            "revision": _revision(),
            "database": member,
            "database_sha256": _sha256(tmp_path / member),
            "files": files,
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(tmp_path / member, arcname=member)
            for name in files:
                tar.add(uploads / name, arcname=f"uploads/{name}")
        os.replace(partial, path)  # a backup file is either complete or absent
    return manifest


def _safe_member(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts


def _extract(archive: Path, into: Path) -> dict:
    with tarfile.open(archive, "r") as tar:
        members = tar.getmembers()
        for m in members:
            if not (m.isfile() and _safe_member(m.name)):
                raise BackupError(f"unexpected entry in the archive: {m.name!r}")
        for m in members:
            target = into / m.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(m) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    manifest = json.loads((into / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError("not a backup of this application, or of an unknown format")
    if _sha256(into / manifest["database"]) != manifest["database_sha256"]:
        raise BackupError("the database snapshot in the archive is damaged")
    for name, digest in manifest["files"].items():
        if not _safe_member(name) or _sha256(into / "uploads" / name) != digest:
            raise BackupError(f"the uploaded file {name!r} in the archive is damaged")
    return manifest


def _restore_database(manifest: dict, folder: Path) -> None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if manifest["dialect"] != url.get_backend_name():
        raise BackupError(f"the backup is of {manifest['dialect']}, the app uses {url.get_backend_name()}")
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
        args, env = _pg_command("pg_restore", url)
        _run([*args, "--clean", "--if-exists", "--single-transaction",
              "--dbname", url.database, str(folder / PG_MEMBER)], env)


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


def read_backup(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = _extract(path, folder)
        _restore_database(manifest, folder)
        _restore_uploads(folder)
    return manifest


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
    """Replace the database and the uploaded files with the backup at PATH."""
    if not yes:
        click.confirm("This replaces every record and file with the backup's. Go on?", abort=True)
    manifest = read_backup(path)
    click.echo(f"restored {path} (taken {manifest['created_at']}, revision {manifest['revision']})")
