"""Temporary Branch Tracker: the application factory.

It imports inside its functions, the one place that does: every `import tracker.x` runs this
module first, so features imported here at module level would import themselves in a cycle.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(root / "instance"),
        template_folder=str(root / "templates"),
        static_folder="static",
    )
    from tracker import config as settings

    app.config.from_mapping(settings.load(Path(app.instance_path)))
    if config:
        app.config.update(config)
    from tracker.catalogues import ensure_compiled

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        ensure_compiled(root / "translations", Path(app.instance_path)))

    from tracker import assets, dates, errors, i18n, navigation, web
    from tracker.extensions import bootstrap, csrf, db, migrate

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
    from tracker import security

    security.init_app(app)  # before the blueprints: it bounds every <int:…> in their routes

    from tracker.auth import init_app as init_auth

    init_auth(app)
    _register_blueprints(app)
    _register_panels(app)
    _register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from tracker.accounts.views import bp as accounts
    from tracker.auth.views import bp as auth
    from tracker.branches.views import bp as branches
    from tracker.calendar.views import bp as calendar
    from tracker.dispatches.views import bp as dispatches
    from tracker.due.views import bp as due
    from tracker.health.views import bp as health
    from tracker.home import bp as home
    from tracker.ledger.views import bp as ledger
    from tracker.members.views import bp as members
    from tracker.people.views import bp as people
    from tracker.points.views import bp as points
    from tracker.projects.views import bp as projects
    from tracker.security.trash import bp as trash
    from tracker.selfsign.views import bp as selfsign
    from tracker.study.views import bp as study
    from tracker.talks.views import bp as talks
    from tracker.todo import bp as todo

    for bp in (home, auth, accounts, people, projects, branches, dispatches, study, talks, due, calendar,
               ledger, points, members, selfsign, trash, health, todo):
        app.register_blueprint(bp)


def _register_panels(app: Flask) -> None:
    """What the pages of lower features show of the features above them (tracker/panels.py)."""
    from tracker.branches import panels as branches
    from tracker.dispatches import panels as dispatches
    from tracker.due import panels as due
    from tracker.study import panels as study

    for feature in (branches, dispatches, study, due):
        feature.register(app)


def _register_commands(app: Flask) -> None:
    from tracker.cli import demo_cli, user_cli
    from tracker.due.upkeep import due_cli
    from tracker.security.backup import backup_command, restore_command

    app.cli.add_command(user_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(due_cli)


def _configure_sqlite(app: Flask) -> None:
    """Foreign keys on, WAL, a busy timeout, and real transactions (SAVEPOINT works)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from tracker.extensions import db

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
        from flask import has_request_context, request

        writing = has_request_context() and request.method == "POST"
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
