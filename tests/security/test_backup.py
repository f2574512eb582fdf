"""`flask backup PATH` / `flask restore PATH`: a consistent snapshot of the database and the
uploaded files, taken while the app writes, brought back identical."""
from __future__ import annotations

import io
import re
import tarfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tracker import records
from tracker.db import Base
from tracker.extensions import db
from tracker.history.models import HistoryEntry
from tracker.people.models import Person


def dump(app) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with app.app_context():
        out = {}
        for table in Base.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
        db.session.rollback()
        return out


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def add_people(app, *names):
    with app.app_context():
        for name in names:
            records.create(Person, {"name": name, "party_status": "full", "source": "in_house"})
        db.session.commit()


def invoke(app, *args):
    # with_appcontext uses the current app if there is one: make it this one, not the suite's.
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def cli(app, *args):
    result = invoke(app, *args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_round_trip_brings_back_identical_records_and_files(real_app, tmp_path):
    uploads = Path(real_app.config["UPLOAD_FOLDER"])
    (uploads / "sessions" / "7").mkdir(parents=True)
    (uploads / "sessions" / "7" / "主题党日合影.jpg").write_bytes(bytes(range(256)) * 50)
    (uploads / "minutes.pdf").write_bytes(b"%PDF-1.4 minutes")
    add_people(real_app, "王磊", "林芳", "郑浩")
    with real_app.app_context():
        person = db.session.scalar(select(Person).where(Person.name == "林芳"))
        records.soft_delete(person)
        db.session.commit()
    before_rows, before_files = dump(real_app), files(uploads)

    archive = tmp_path / "tracker-backup.tar"
    assert "2 files" in cli(real_app, "backup", str(archive))
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "uploads/minutes.pdf"} <= set(tar.getnames())

    # Life goes on: records added, changed and deleted; files added and removed.
    add_people(real_app, "后来的人")
    with real_app.app_context():
        db.session.execute(text("UPDATE person SET post = 'changed'"))
        db.session.commit()
    (uploads / "minutes.pdf").unlink()
    (uploads / "new.txt").write_text("after the backup")
    assert dump(real_app) != before_rows

    cli(real_app, "restore", "--yes", str(archive))
    assert dump(real_app) == before_rows
    assert files(uploads) == before_files
    # And the app still works on the restored data.
    add_people(real_app, "恢复后新增")
    assert len(dump(real_app)["person"]) == 4


def test_restore_refuses_a_damaged_archive_and_changes_nothing(real_app, tmp_path):
    add_people(real_app, "王磊")
    archive = tmp_path / "b.tar"
    cli(real_app, "backup", str(archive))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("database"):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    before = dump(real_app)
    result = invoke(real_app, "restore", "--yes", str(damaged))
    assert result.exit_code != 0 and "damaged" in result.output
    assert dump(real_app) == before


def test_backup_taken_while_writing_is_consistent(real_app, make_real_app, tmp_path):
    """A writer commits people (each with its history entry, one transaction each) while the
    backup runs; the snapshot holds whole transactions only."""
    add_people(real_app, "起点")
    stop = threading.Event()
    written = []

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            add_people(real_app, f"写入{n}")
            written.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        archive = tmp_path / "live.tar"
        cli(real_app, "backup", str(archive))
    finally:
        stop.set()
        thread.join(30)
    assert len(written) > 5

    other = make_real_app()
    cli(other, "restore", "--yes", str(archive))
    with other.app_context():
        people = db.session.scalars(select(Person)).all()
        created = set(db.session.scalars(select(HistoryEntry.record_id).where(
            HistoryEntry.record_type == "person", HistoryEntry.action == "create")).all())
        assert len(people) > 1
        assert {p.id for p in people} == created  # no person without its history, nor the reverse
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_restore_refuses_a_backup_of_the_other_database_kind(real_app, tmp_path):
    archive, forged = tmp_path / "b.tar", tmp_path / "other-kind.tar"
    cli(real_app, "backup", str(archive))
    rewrite(real_app, archive, forged, manifest=lambda m: m.update(dialect="mysql"), resign=True)
    result = invoke(real_app, "restore", "--yes", str(forged))
    assert result.exit_code != 0 and "the backup is of mysql" in result.output


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd"])
def test_restore_refuses_paths_outside_the_archive(real_app, tmp_path, name):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    result = invoke(real_app, "restore", "--yes", str(evil))
    assert result.exit_code != 0 and "unexpected entry" in result.output


# Backups that cannot be turned against the bureau ------------------------------------------
def rewrite(app, archive: Path, out: Path, *, manifest=None, members=None, drop=(), add=None,
            resign=False, key_app=None) -> None:
    """A copy of `archive` with its manifest edited, members changed, dropped or added; signed
    again with `app`'s key only when `resign` (what an operator's own tool might produce)."""
    import json

    from tracker.security.restore_check import MANIFEST, SIGNATURE, sign

    with tarfile.open(archive) as src:
        contents = {m.name: src.extractfile(m).read() for m in src.getmembers()}
    for name in drop:
        contents.pop(name)
    for name, change in (members or {}).items():
        contents[name] = change(contents[name])
    contents.update(add or {})
    data = json.loads(contents[MANIFEST])
    if manifest:
        manifest(data)
    contents[MANIFEST] = json.dumps(data).encode()
    if resign:
        with (key_app or app).app_context():
            contents[SIGNATURE] = sign(contents[MANIFEST])
    with tarfile.open(out, "w") as dst:
        for name, body in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            dst.addfile(info, io.BytesIO(body))


def database_member(app) -> str:
    return "database.sqlite3" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "database.pgdump"


def refused(app, archive, message, monkeypatch):
    """Restore is refused with `message`; nothing changed, pg_restore never ran."""
    from tracker.security import backup

    ran = []
    real_run = backup._run
    monkeypatch.setattr(backup, "_run", lambda args, env: ran.append(args[0]) or real_run(args, env))
    before, folder = dump(app), Path(app.config["UPLOAD_FOLDER"])
    before_files = files(folder) if folder.exists() else {}
    result = invoke(app, "restore", "--yes", str(archive))
    assert result.exit_code != 0 and message in result.output, result.output
    assert dump(app) == before
    assert (files(folder) if folder.exists() else {}) == before_files
    assert not any("pg_restore" in tool for tool in ran)


def backdoor(member_bytes: bytes, tmp_path: Path) -> bytes:
    """The SQLite snapshot with an admin added (for PostgreSQL: the dump's bytes changed)."""
    import sqlite3

    if not member_bytes.startswith(b"SQLite format 3"):
        return member_bytes.replace(b"person", b"persoN", 1)
    path = tmp_path / "tampered.sqlite3"
    path.write_bytes(member_bytes)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO user (username, display_name, password_hash, roles_text, enabled, "
                 "session_epoch, created_at, updated_at, version) VALUES ('backdoor', '', 'x', 'admin', 1, 0, "
                 "'2026-01-01', '2026-01-01', 1)")
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_a_tampered_database_with_a_recomputed_checksum_is_refused(real_app, tmp_path, monkeypatch):
    import hashlib

    add_people(real_app, "王磊")
    archive, forged = tmp_path / "b.tar", tmp_path / "tampered.tar"
    cli(real_app, "backup", str(archive))
    member = database_member(real_app)
    with tarfile.open(archive) as tar:
        tampered = backdoor(tar.extractfile(member).read(), tmp_path)
    rewrite(real_app, archive, forged, members={member: lambda _: tampered},
            manifest=lambda m: m.update(database_sha256=hashlib.sha256(tampered).hexdigest(),
                                        database_size=len(tampered)))
    refused(real_app, forged, "not authenticated with this server's key", monkeypatch)


def test_a_backup_made_with_another_key_is_refused(real_app, make_real_app, tmp_path, monkeypatch):
    archive = tmp_path / "b.tar"
    monkeypatch.setitem(real_app.config, "BACKUP_KEY", "key of the other bureau")
    cli(real_app, "backup", str(archive))
    monkeypatch.setitem(real_app.config, "BACKUP_KEY", "")  # now: the key derived from SECRET_KEY
    refused(real_app, archive, "not authenticated with this server's key", monkeypatch)
    other = make_real_app(SECRET_KEY="another server's secret")
    refused(other, archive, "not authenticated with this server's key", monkeypatch)
    monkeypatch.setitem(real_app.config, "BACKUP_KEY", "key of the other bureau")
    cli(real_app, "restore", "--yes", str(archive))  # with the right key it restores


def test_an_archive_without_a_database_is_refused(real_app, tmp_path, monkeypatch):
    add_people(real_app, "王磊")
    archive, forged = tmp_path / "b.tar", tmp_path / "empty.tar"
    cli(real_app, "backup", str(archive))
    member = database_member(real_app)
    rewrite(real_app, archive, forged, drop=[member], resign=True)
    refused(real_app, forged, "holds no database", monkeypatch)
    rewrite(real_app, archive, forged, drop=[member], resign=True, manifest=lambda m: m.update(database="x"))
    refused(real_app, forged, "holds no database", monkeypatch)


def test_files_not_in_the_manifest_are_never_copied(real_app, tmp_path, monkeypatch):
    archive, forged = tmp_path / "b.tar", tmp_path / "extra.tar"
    cli(real_app, "backup", str(archive))
    rewrite(real_app, archive, forged, resign=True,
            add={"uploads/planted.html": b"<script>", "instance/secret_key": b"x"})
    refused(real_app, forged, "files not in the manifest", monkeypatch)
    assert not (Path(real_app.config["UPLOAD_FOLDER"]) / "planted.html").exists()


def test_a_compressed_bomb_is_refused_without_expanding(real_app, tmp_path, monkeypatch):
    import gzip
    import time

    archive = tmp_path / "b.tar"
    cli(real_app, "backup", str(archive))
    bomb = tmp_path / "bomb.tar.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as gz:
        gz.write(archive.read_bytes())
        block = bytes(1 << 20)
        for _ in range(200):  # 200 MB of zeros, 200 KB compressed
            gz.write(block)
    assert bomb.stat().st_size < 2_000_000
    started = time.monotonic()
    refused(real_app, bomb, "not a plain tar archive", monkeypatch)
    assert time.monotonic() - started < 5


def test_an_archive_over_the_size_limit_is_refused(real_app, tmp_path, monkeypatch):
    uploads = Path(real_app.config["UPLOAD_FOLDER"])
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "big.bin").write_bytes(bytes(3_000_000))
    archive = tmp_path / "b.tar"
    cli(real_app, "backup", str(archive))
    monkeypatch.setitem(real_app.config, "RESTORE_MAX_BYTES", 2_000_000)
    refused(real_app, archive, "larger than RESTORE_MAX_BYTES", monkeypatch)


def test_an_unknown_schema_version_is_refused(real_app, tmp_path, monkeypatch):
    archive, forged = tmp_path / "b.tar", tmp_path / "future.tar"
    cli(real_app, "backup", str(archive))
    rewrite(real_app, archive, forged, resign=True, manifest=lambda m: m.update(revision="9999"))
    refused(real_app, forged, "schema version '9999'", monkeypatch)


def test_a_database_not_of_this_app_is_refused_in_the_scratch_check(real_app, tmp_path, monkeypatch):
    import hashlib
    import sqlite3

    if database_member(real_app) != "database.sqlite3":
        pytest.skip("SQLite: a foreign database is made with the sqlite3 module")
    foreign = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    conn.execute("INSERT INTO alembic_version VALUES ('0008')")
    conn.commit()
    conn.close()
    body = foreign.read_bytes()
    archive, forged = tmp_path / "b.tar", tmp_path / "foreign.tar"
    cli(real_app, "backup", str(archive))
    rewrite(real_app, archive, forged, resign=True, members={"database.sqlite3": lambda _: body},
            manifest=lambda m: m.update(database_sha256=hashlib.sha256(body).hexdigest(),
                                        database_size=len(body), revision="0008"))
    refused(real_app, forged, "not a database of this application", monkeypatch)


def test_restore_shows_the_check_and_keeps_the_data_it_replaces(real_app, make_real_app, tmp_path):
    add_people(real_app, "备份时的人")
    archive = tmp_path / "b.tar"
    cli(real_app, "backup", str(archive))
    add_people(real_app, "恢复前新增的人")
    before = dump(real_app)
    output = cli(real_app, "restore", "--yes", str(archive))
    assert "passed the checks" in output and re.search(r"person\s+1\n", output)
    pre_restore = Path(re.search(r"kept in (\S+)", output).group(1))
    assert pre_restore.exists() and pre_restore.parent == Path(real_app.config["BACKUP_FOLDER"])
    other = make_real_app()
    cli(other, "restore", "--yes", str(pre_restore))  # the kept data is a backup like any other
    assert dump(other)["person"] == before["person"]


def test_restore_asks_before_replacing(real_app, tmp_path):
    archive = tmp_path / "b.tar"
    cli(real_app, "backup", str(archive))
    add_people(real_app, "不会被覆盖")
    before = dump(real_app)
    with real_app.app_context():
        result = real_app.test_cli_runner().invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code != 0 and "Rows:" in result.output
    assert dump(real_app) == before
