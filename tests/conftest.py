"""Fixtures: one app per run, one rolled-back transaction per test, and builders.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import functools
import itertools
import os
import re
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event, text
from sqlalchemy.orm import scoped_session, sessionmaker

from tracker import clock, create_app, vocab
from tracker.auth.models import User
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import IntegrityCheckpoint, Project

pytest_plugins = [
    "tests.fixtures_study", "tests.fixtures_talks", "tests.fixtures_security", "tests.fixtures_ledger",
    "tests.fixtures_points",
]

PASSWORD = "correct horse battery"
#: the test app's password hashing: one PBKDF2 round instead of scrypt, whose cost is the
#: point in production and most of a sign-in's time here (test_auth holds production to scrypt)
CHEAP_HASH = "pbkdf2:sha256:1"
#: a fixed "now" for every test: 2026-06-15 10:00 in Shanghai
NOW = dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 15)


def database_url(tmp_path_factory) -> str:
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def reset_schema(app) -> None:
    """An empty database, then the migrations: the schema tests run on is the migrated one."""
    from flask_migrate import upgrade

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "tracker.test",
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
    })
    reset_schema(app)
    return app


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.fix(NOW)
    yield NOW
    clock.fix(None)


@contextmanager
def session_on(app, connection):
    """db.session bound to `connection` in an app context: whatever the test and its requests
    commit becomes a savepoint of the connection's transaction, which the caller ends."""
    ctx = app.app_context()
    ctx.push()
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original
        ctx.pop()


@pytest.fixture(autouse=True)
def session(app):
    """Everything a test writes, requests included, is rolled back at its end."""
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    try:
        with session_on(app, connection) as bound:
            yield bound
    finally:
        outer.rollback()
        connection.close()


class Client(FlaskClient):
    """A test client that puts the session's CSRF token into every POST, as a browser would."""

    csrf_token: str | None = None

    def open(self, *args, **kwargs):
        # Serve each request in an empty context: the request then gets an app context, a
        # `g` and a database session of its own, as in production, instead of reusing the
        # test's (Flask reuses an app context that is already pushed).
        # The test's own session flushes first, so the request sees what the test set up,
        # and forgets what it loaded afterwards, so the test sees what the request wrote.
        in_test = has_app_context()
        if in_test:
            db.session.flush()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if in_test:
            db.session.expire_all()
        return response

    def post(self, *args, **kwargs):
        data = kwargs.get("data", {})
        if isinstance(data, dict) and "csrf_token" not in data and self.csrf_token is not False:
            kwargs["data"] = {**data, "csrf_token": self.fetch_csrf()}
        response = super().post(*args, **kwargs)
        if args and str(args[0]).split("?")[0] in ("/sign-in", "/sign-out"):
            # signing in or out starts a new session with a new CSRF secret: a browser's next
            # form carries a new token, and so does this client's
            self.csrf_token = None
        return response

    def fetch_csrf(self) -> str:
        if not self.csrf_token:
            page = self.get("/sign-in").get_data(as_text=True)
            if "csrf_token" not in page:  # signed in: sign-in redirects; take any form page
                page = self.get("/account").get_data(as_text=True)
            self.csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.csrf_token


@pytest.fixture
def client(app):
    app.test_client_class = Client
    return app.test_client()


_seq = itertools.count(1)


@pytest.fixture
def make_person(session):
    def make(name=None, **kw):
        n = next(_seq)
        kw.setdefault("party_status", "full")
        kw.setdefault("source", "in_house")
        person = Person(name=name or f"人员{n}", **kw)
        session.add(person)
        session.flush()
        return person
    return make


@pytest.fixture
def make_project(session):
    def make(**kw):
        n = next(_seq)
        kw.setdefault("code", f"P-{n:04d}")
        kw.setdefault("name", f"审计项目{n}")
        kw.setdefault("audited_entity", f"被审计单位{n}")
        kw.setdefault("project_type", "field_audit")
        kw.setdefault("start_date", TODAY - dt.timedelta(days=10))
        kw.setdefault("end_date", TODAY + dt.timedelta(days=40))
        kw.setdefault("status", "in_progress")
        project = Project(**kw)
        session.add(project)
        session.flush()
        for kind in vocab.CHECKPOINT_KINDS:
            session.add(IntegrityCheckpoint(project_id=project.id, kind=kind))
        session.flush()
        return project
    return make


@pytest.fixture
def make_branch(session):
    def make(projects=(), members=(), **kw):
        n = next(_seq)
        kw.setdefault("name", f"临时党支部{n}")
        kw.setdefault("approved_by", "机关党委")
        kw.setdefault("approval_date", TODAY - dt.timedelta(days=30))
        kw.setdefault("status", "active")
        branch = Branch(projects=list(projects), **kw)
        session.add(branch)
        session.flush()
        for person in members:
            role = "member"
            if isinstance(person, tuple):
                person, role = person
            session.add(Membership(branch=branch, person=person, role=role, joined_on=branch.approval_date))
        session.flush()
        return branch
    return make


@pytest.fixture
def make_dispatch(session):
    def make(person, project, **kw):
        kw.setdefault("departure_date", project.start_date)
        kw.setdefault("return_date", project.end_date)
        dispatch = Dispatch(person=person, project=project, **kw)
        session.add(dispatch)
        session.flush()
        return dispatch
    return make


@functools.cache
def _password_hash() -> str:
    """The test password, hashed once per run as the test app hashes passwords."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method=CHEAP_HASH)


@pytest.fixture
def make_user(session):
    def make(*roles, username=None, person=None, enabled=True):
        user = User(username=username or f"user{next(_seq)}", person=person, enabled=enabled)
        user.roles = roles
        user.password_hash = _password_hash()
        session.add(user)
        session.flush()
        return user
    return make


def sign_in(client, user, password=PASSWORD):
    """Sign in as `user`, ending whatever sign-in the client had."""
    client.csrf_token = None
    client.post("/sign-out")
    client.csrf_token = None
    response = client.post("/sign-in", data={"username": user.username, "password": password})
    client.csrf_token = None  # the session changed; fetch a fresh token on the next POST
    return response


@pytest.fixture
def signed_in(client, make_user, make_person):
    """sign in as a new user with these roles; team leaders get a person of their own."""
    def as_role(*roles, person=None):
        if "team-leader" in roles and person is None:
            person = make_person()
        user = make_user(*roles, person=person)
        assert sign_in(client, user).status_code == 302
        return user
    return as_role


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: …; counter.count is the number of SQL statements."""
    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                counter.count += 1
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
    return counting


def shard_writer(engine, shard: int):
    """A connection in a transaction that writes the kept figures of `shard` (the concurrency
    tests of kept counts), giving up a lock after 5 s."""
    from sqlalchemy import text

    conn = engine.connect()
    conn.info["kept_count_shard"] = shard
    conn.begin()
    conn.execute(text("SET LOCAL lock_timeout = '5s'"))
    return conn
