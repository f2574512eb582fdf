"""Temporary Branch Tracker: the application factory, which wires every feature."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, request
from sqlalchemy import event

from tracker import assets, dates, errors, i18n, kept_counts, navigation, security, web
from tracker import config as settings
from tracker.accounts.views import bp as accounts_bp
from tracker.auth import init_app as init_auth
from tracker.auth.views import bp as auth_bp
from tracker.branches import panels as branch_panels
from tracker.branches.views import bp as branches_bp
from tracker.calendar.views import bp as calendar_bp
from tracker.catalogues import ensure_compiled
from tracker.cli import demo_cli, user_cli
from tracker.dispatches import counting as _dispatch_counts  # noqa: F401  (kept counts: declared on import)
from tracker.dispatches import panels as dispatch_panels
from tracker.dispatches.views import bp as dispatches_bp
from tracker.due import panels as due_panels
from tracker.due.upkeep import due_cli
from tracker.due.views import bp as due_bp
from tracker.extensions import bootstrap, csrf, db, migrate
from tracker.health.views import bp as health_bp
from tracker.home import bp as home_bp
from tracker.ledger.views import bp as ledger_bp
from tracker.members.views import bp as members_bp
from tracker.people import counting as _people_counts  # noqa: F401
from tracker.people.views import bp as people_bp
from tracker.points.views import bp as points_bp
from tracker.projects import counting as _project_counts  # noqa: F401
from tracker.projects.views import bp as projects_bp
from tracker.security.backup import backup_command, restore_command
from tracker.security.trash import bp as trash_bp
from tracker.selfsign.views import bp as selfsign_bp
from tracker.study import counting as _study_counts  # noqa: F401
from tracker.study import panels as study_panels
from tracker.study.upkeep import study_cli
from tracker.study.views import bp as study_bp
from tracker.talks import counting as _talk_counts  # noqa: F401
from tracker.talks.views import bp as talks_bp
from tracker.todo import bp as todo_bp

BLUEPRINTS = (home_bp, auth_bp, accounts_bp, people_bp, projects_bp, branches_bp, dispatches_bp, study_bp,
              talks_bp, due_bp, calendar_bp, ledger_bp, points_bp, members_bp, selfsign_bp, trash_bp,
              health_bp, todo_bp)

#: the features whose panels the pages of lower features show (tracker/panels.py)
PANELS = (branch_panels, dispatch_panels, study_panels, due_panels)


def create_app(config: dict | None = None) -> Flask:
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(root / "instance"),
        template_folder=str(root / "templates"),
        static_folder="static",
    )
    app.config.from_mapping(settings.load(Path(app.instance_path)))
    if config:
        app.config.update(config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        ensure_compiled(root / "translations", Path(app.instance_path)))

    _postgresql_session_settings(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(root / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    navigation.init_app(app)
    dates.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    _configure_sqlite(app)
    _configure_postgresql(app)
    security.init_app(app)  # before the blueprints: it bounds every <int:…> in their routes

    init_auth(app)
    _register_blueprints(app)
    _register_panels(app)
    _register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)


def _register_panels(app: Flask) -> None:
    """What the pages of lower features show of the features above them (tracker/panels.py)."""
    for feature in PANELS:
        feature.register(app)


def _register_commands(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(due_cli)
    app.cli.add_command(kept_counts.recount_all_command)
    app.cli.add_command(study_cli)


def _is_postgresql(app: Flask) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


#: settings of every PostgreSQL session the app opens (libpq's `options`, no round trip)
POSTGRESQL_SETTINGS = {
    # No parallel workers for a request: with a server's workers on every core they only
    # compete with the other requests, and a parallel plan evaluates every scalar subquery
    # before it starts its workers, so a count kept by the writes read as
    # coalesce(kept, count(*) of the table) counted the table as well (the talks due list's
    # counts at ten times province scale: 10 ms without, 60 ms with).
    "max_parallel_workers_per_gather": "0",
}


def _postgresql_session_settings(app: Flask) -> None:
    if not _is_postgresql(app):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    given = connect_args.get("options", "")
    connect_args["options"] = " ".join([given, *(f"-c {name}={value}" for name, value in POSTGRESQL_SETTINGS.items())]).strip()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}


def _configure_postgresql(app: Flask) -> None:
    """Begin a transaction at its first statement that is not a SELECT.

    psycopg sends BEGIN before a transaction's first statement and SQLAlchemy ends it with
    COMMIT or ROLLBACK: two round trips around every request, and a ROLLBACK (which ends
    every request that wrote nothing) makes psycopg drop every prepared statement of the
    connection, so none ever was and the database parsed each statement of each request
    again. Each transaction therefore starts in autocommit: its SELECTs run on their own,
    and the first other statement (an INSERT, an UPDATE, a SAVEPOINT, DDL, a SET) turns
    autocommit off, so psycopg sends BEGIN before it, and it and everything after it are one
    transaction that SQLAlchemy commits or rolls back as before. A request that only reads
    sends no BEGIN and nothing at its end, and keeps the connection's prepared statements.

    The same for the data: at READ COMMITTED (the default; nothing here sets another or
    locks rows with SELECT … FOR UPDATE) each statement of a transaction sees what was
    committed before that statement began, inside a transaction or not."""
    if not _is_postgresql(app):
        return
    from psycopg.pq import TransactionStatus

    with app.app_context():
        engine = db.engine

    def idle(dbapi_connection) -> bool:
        return dbapi_connection.info.transaction_status == TransactionStatus.IDLE

    # set on a connection this put in autocommit, not on one whose user asked for it
    # (isolation_level="AUTOCOMMIT", as VACUUM or CREATE DATABASE need): that one is left alone
    reading = "tracker_reads_in_autocommit"

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        dbapi_connection = conn.connection.dbapi_connection
        if dbapi_connection is not None and not dbapi_connection.autocommit and idle(dbapi_connection):
            dbapi_connection.autocommit = True
            conn.connection.info[reading] = True

    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(conn, cursor, statement, _parameters, context, _executemany):
        if conn.info.get(reading) and (
                not statement.startswith("SELECT")
                or (context is not None and context.execution_options.get("stream_results"))):
            conn.info.pop(reading)
            cursor.connection.autocommit = False  # psycopg sends BEGIN before this statement

    @event.listens_for(engine.pool, "checkin")
    def on_checkin(dbapi_connection, record):
        # a connection back in the pool is psycopg's usual one, whoever takes it next
        if record.info.pop(reading, None) and dbapi_connection is not None and idle(dbapi_connection):
            dbapi_connection.autocommit = False


def _configure_sqlite(app: Flask) -> None:
    """Foreign keys on, WAL, a busy timeout, and real transactions (SAVEPOINT works)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if ":memory:" not in str(engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged save survives a crash
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # A POST takes the write lock when its transaction starts, so two saves queue up
        # instead of the second failing on a stale WAL snapshot ("database is locked");
        # it then reads the first one's version and gets the conflict page.
        writing = has_request_context() and request.method == "POST"
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
