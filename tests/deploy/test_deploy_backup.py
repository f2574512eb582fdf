"""The nightly backup as tracker-backup.service runs it (deploy/backup.sh) while the servers
serve: each run adds an archive, only the newest TRACKER_BACKUP_KEEP stay, and the restore
drill of the README brings the newest back into a scratch database and folder, identical."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import time

from sqlalchemy import create_engine, text

from tests.deploy.stack import ROOT, drop_pg_database, flask, pg_database

COUNTED = ["person", "branch", "study_session", "attachment", "talk", "history_entry"]


def snapshot(url: str, uploads) -> tuple[dict, dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in COUNTED}
    finally:
        engine.dispose()
    files = {str(p.relative_to(uploads)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(uploads.rglob("*")) if p.is_file()} if uploads.exists() else {}
    return rows, files


def test_nightly_backups_keep_the_newest_and_the_restore_drill_brings_one_back(running, tmp_path):
    stack = running
    backups = tmp_path / "backups"
    env = {**stack.env, "TRACKER_BACKUP_DIR": str(backups), "TRACKER_BACKUP_KEEP": "1",
           "TRACKER_APP_DIR": str(ROOT), "TRACKER_PYTHON": sys.executable}
    # Something to back up besides the demo data: a person saved through nginx.
    client = stack.signed_in()
    token = client.csrf(stack.base + "/people/new")
    assert client.request(stack.base + "/people/new", {
        "name": "备份演练", "party_status": "full", "source": "in_house", "home_organisation": "机关",
        "post": "审计员", "phone": "13800000000", "csrf_token": token})[0] == 302
    written = []
    for _ in range(2):
        started = time.time()
        done = subprocess.run([str(ROOT / "deploy" / "backup.sh")], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        written.append(done.stdout.strip().splitlines()[-1])
        time.sleep(max(0.0, 1.05 - (time.time() - started)))  # names are stamped to the second
    assert len(set(written)) == 2
    kept = sorted(str(p) for p in backups.iterdir())
    assert kept == [written[-1]], kept  # the older one went; nothing half-written is left
    expected = snapshot(stack.url, stack.folder / "uploads")

    # The drill: the newest archive into a scratch database and upload folder.
    drill_url = pg_database("deploy_drill")
    try:
        drill = {**stack.env, "DATABASE_URL": drill_url, "UPLOAD_FOLDER": str(tmp_path / "drill-uploads")}
        flask(drill, "restore", "--yes", written[-1])
        assert snapshot(drill_url, tmp_path / "drill-uploads") == expected
    finally:
        drop_pg_database(drill_url)
