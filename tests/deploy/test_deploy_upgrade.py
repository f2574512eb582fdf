"""An upgrade as the README's "Upgrading" describes it: a database made and filled by the
previous release's own code (its migrations, its demo data) is migrated to this release's
head by `flask db upgrade`, keeps every row, and this release serves it — on PostgreSQL and
on SQLite."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from tests.deploy.stack import ROOT, AppServer, Client, drop_pg_database, flask, pg_database

#: The previous release: the commit whose schema is Alembic revision 0007 (the main branch
#: before the deployment work and its sibling branches). It is in this repository's history.
PREVIOUS_RELEASE = "de5f47ec70c68c70befc1910f25c813eacae1b41"
PREVIOUS_HEAD = "0007"
TABLES = ["user", "person", "project", "integrity_checkpoint", "branch", "membership", "dispatch",
          "study_session", "attendance", "talk", "history_entry"]
PREVIOUS_SETUP = """
from flask_migrate import upgrade
from tracker import create_app, demo
app = create_app()
with app.app_context():
    upgrade()
    demo.load()
"""
PAGES = ["/", "/people/", "/projects/", "/branches/", "/dispatches/", "/study/", "/talks/",
         "/admin/deleted/"]


def previous_release(folder):
    """The previous release's files, as `git archive` (a release tarball) gives them."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS_RELEASE],
                             check=True, capture_output=True, timeout=60).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def counts(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in TABLES}
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            branch = conn.execute(text("SELECT id FROM branch ORDER BY id")).scalars().first()
            who = conn.execute(text("SELECT id FROM person ORDER BY id")).scalars().first()
    finally:
        engine.dispose()
    return {"rows": found, "revision": revision, "branch": branch, "person": who}


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_a_database_of_the_previous_release_migrates_to_head_and_is_served(kind, tmp_path):
    url = pg_database("deploy_upgrade") if kind == "postgresql" else f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    env = {
        **os.environ, "DATABASE_URL": url, "SECRET_KEY": "upgrade-test",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"), "RATELIMIT_STORAGE_URI": "memory://",
    }
    env.pop("TEST_DATABASE_URL", None)
    server = None
    try:
        old = previous_release(tmp_path / "previous")
        # Its migrations and its demo data, in one process of its own code (`flask db upgrade`
        # and `flask demo load` do the same in two).
        subprocess.run([sys.executable, "-c", PREVIOUS_SETUP], cwd=old, env=env, check=True,
                       capture_output=True, timeout=120)
        before = counts(url)
        assert before["revision"] == [PREVIOUS_HEAD]
        empty = {t for t, n in before["rows"].items() if n == 0}
        assert empty <= {"history_entry"}, empty  # the demo data is written without history

        flask(env, "db", "upgrade")  # this release
        after = counts(url)
        head = sorted(ScriptDirectory(str(ROOT / "migrations")).get_heads())
        assert after["revision"] == head
        assert after["rows"] == before["rows"]

        (tmp_path / "logs").mkdir()
        server = AppServer(f"upgrade-{kind}", env, tmp_path / "logs", workers=1).start()  # /health: 200
        base = f"http://{server.address}"
        client = Client()  # plain HTTP, straight to the app server
        assert client.sign_in(base, "admin", "demo-admin-pass") == 302
        for path in [*PAGES, f"/branches/{after['branch']}", f"/people/{after['person']}"]:
            status, page, _ = client.request(base + path)
            assert status == 200, (path, status)
        assert "王磊" in client.request(base + "/people/")[1]  # the previous release's data
    finally:
        if server is not None:
            server.shutdown()
        if kind == "postgresql":
            drop_pg_database(url)

