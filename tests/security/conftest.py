"""Helpers of the trust tests: databases that really commit (outside the rolled-back test
transaction), an app on them, and gunicorn started on such a database.

Slow tests (marked `slow`: the kill test, the gunicorn throttle test) run when RUN_SLOW=1,
as `make security` does once per CI run.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: runs with RUN_SLOW=1 (make security)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def database_url(kind: str, tmp_path: Path, suffix: str) -> str:
    """A fresh, empty database: a SQLite file, or a sibling of the test PostgreSQL database."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / f'{suffix}.sqlite3'}"
    if not PG_URL:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL")
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(PG_URL)
    name = f"{parsed.database}_{suffix}"
    admin = parsed.set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def default_kind() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture
def make_real_app(tmp_path, app, session):
    """make_real_app(**config): an app on a database of its own whose commits are real,
    migrated, on the suite's database kind. While it is in use `db.session` is a normal
    Flask-SQLAlchemy session (the test's rolled-back one is put back afterwards)."""
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.extensions import db, limiter

    apps = []
    test_session = db.session
    db.session = db._make_scoped_session({})

    def make(**config):
        url = database_url(default_kind(), tmp_path, f"real{len(apps)}")
        real = create_app({
            "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "real-secret",
            "UPLOAD_FOLDER": str(tmp_path / f"uploads{len(apps)}"),
            "BACKUP_FOLDER": str(tmp_path / f"backups{len(apps)}"), **config,
        })
        from tests.conftest import Client

        real.test_client_class = Client
        with real.app_context():
            upgrade()
        apps.append(real)
        return real

    try:
        yield make
    finally:
        for real in apps:
            with real.app_context():
                db.session.remove()
                db.engine.dispose()
        db.session = test_session
        # One Limiter object serves every app of the process: give it back to the suite's.
        limiter._storage_dead = False
        limiter.init_app(app)


@pytest.fixture
def real_app(make_real_app):
    return make_real_app()


def add_user(app, username: str, *roles: str, password: str = "correct horse battery"):
    """A committed user on a real app's database."""
    from tests.conftest import _password_hash
    from tracker.auth.models import User
    from tracker.extensions import db

    with app.app_context():
        user = User(username=username, display_name=username)
        user.roles = roles
        user.password_hash = _password_hash() if password == "correct horse battery" else ""
        if password != "correct horse battery":
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user.id


@pytest.fixture
def new_client(app):
    """new_client(): a test client of its own, as a second browser would be.

    Tests keep one app context pushed, which every request then shares, and Flask-Login
    caches the signed-in user in it (as Flask-WTF does the CSRF token); each request here starts without it,
    so a client is signed in only by its own cookie."""
    from flask import g, has_app_context

    from tests.conftest import Client

    class OwnClient(Client):
        def open(self, *args, **kwargs):
            if has_app_context():
                g.pop("_login_user", None)
                g.pop("csrf_token", None)  # Flask-WTF caches the session's token there too
            return super().open(*args, **kwargs)

    def make(target=None):
        (target or app).test_client_class = OwnClient
        return (target or app).test_client()

    return make


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask_cli(env: dict, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, input=input,
                          text=True, capture_output=True, check=True)


def server_env(url: str, tmp_path: Path, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "security-test-secret",
        "FLASK_APP": "wsgi",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        **extra,
    }


class Gunicorn:
    """gunicorn in its own process group, so a kill -9 reaches the master and every worker."""

    def __init__(self, env: dict, workers: int = 2, threads: int = 1):
        self.env = env
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "--threads", str(self.threads),
             "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/sign-in", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + self.proc.stderr.read().decode()[-2000:])

    def kill(self) -> None:
        """SIGKILL to the master and all workers at once: no shutdown code runs."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
