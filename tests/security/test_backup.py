"""`flask backup PATH` / `flask restore PATH`: a consistent snapshot of the database and the
uploaded files, taken while the app writes, brought back identical."""
from __future__ import annotations

import io
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
    import json

    archive, forged = tmp_path / "b.tar", tmp_path / "other-kind.tar"
    cli(real_app, "backup", str(archive))
    with tarfile.open(archive) as src, tarfile.open(forged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                assert manifest["revision"] == "0001" or manifest["revision"]
                manifest["dialect"] = "mysql"
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
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
