"""The three things a server needs to serve correctly, each checked cheaply on every probe.

- the database answers;
- its schema is the one this release's code was written for (Alembic revision at head);
- the sign-in throttle's Redis answers — if it does not, the app keeps serving and counts
  failed sign-ins per process (Flask-Limiter's in-memory fallback), so the server is
  *degraded*, not down: several servers then each allow the limit.

Nothing here reads a record, a user or an address, so the answer holds no personal data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db, limiter

OK, DEGRADED, DOWN = "ok", "degraded", "down"


@dataclass
class Health:
    database: str = "ok"  #: ok · unreachable
    migrations: str = "head"  #: head · behind · ahead · unknown
    throttle: str = "shared"  #: shared (Redis) · per-process (memory)
    revision: list[str] = field(default_factory=list)  #: the database's Alembic revision(s)
    head: list[str] = field(default_factory=list)  #: this release's
    degraded: bool = False

    @property
    def status(self) -> str:
        # Behind head: the code would ask for columns the database lacks — take the server
        # out. Ahead: an upgrade migrated the database and this server runs the previous
        # release until it is reloaded; it keeps serving, since a release that removes or
        # changes what the previous code reads is installed with every server stopped
        # (README, "Deploying", step 14).
        if self.database != "ok" or self.migrations in ("behind", "unknown"):
            return DOWN
        return DEGRADED if self.degraded else OK

    def as_json(self) -> dict:
        return {"status": self.status, "database": self.database, "migrations": self.migrations,
                "revision": self.revision, "head": self.head, "throttle": self.throttle}


def _scripts(app: Flask) -> ScriptDirectory:
    """The migration scripts this release ships. They cannot change while the process runs,
    so they are read once per app."""
    scripts = app.extensions.get("tracker_migration_scripts")
    if scripts is None:
        scripts = ScriptDirectory(str(Path(app.extensions["migrate"].directory)))
        app.extensions["tracker_migration_scripts"] = scripts
    return scripts


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # noqa: BLE001 — alembic raises its own errors for an unknown id
        return False


def _database(health: Health) -> None:
    scripts = _scripts(current_app)
    health.head = sorted(scripts.get_heads())
    try:
        with db.engine.connect() as conn:
            health.revision = sorted(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError:
        health.database, health.migrations = "unreachable", "unknown"
        return
    if health.revision == health.head:
        health.migrations = "head"
    elif not health.revision:
        health.migrations = "unknown"  # an empty database: `flask db upgrade` never ran
    elif all(_known(scripts, rev) for rev in health.revision):
        health.migrations = "behind"
    else:
        # A revision this release does not know: a newer release migrated the database.
        health.migrations, health.degraded = "ahead", True


def _throttle(health: Health) -> None:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    if not uri.startswith(("redis://", "rediss://")):
        health.throttle = "per-process"  # one server, counting in memory as configured
        return
    try:
        reachable = bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 — whatever the client raises, Redis did not answer
        reachable = False
    if not reachable:
        health.throttle, health.degraded = "per-process", True


def check() -> Health:
    health = Health()
    _database(health)
    _throttle(health)
    return health
