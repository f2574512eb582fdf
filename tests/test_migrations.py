"""The schema the migrations build is the schema the models describe."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from tracker.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_sqlite_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's connection pragmas (tracker._configure_sqlite): PostgreSQL has none to check")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_postgresql_keeps_prepared_statements_of_transactions_that_only_read(app):
    """tracker._configure_postgresql: a transaction of SELECTs ends with COMMIT, so psycopg
    keeps the statements it prepared (on a ROLLBACK it drops them all); one that wrote is
    still rolled back; every statement is planned for its own values."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements (tracker._configure_postgresql): PostgreSQL only")
    prepared = text("SELECT count(*) FROM pg_prepared_statements")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT current_setting('plan_cache_mode')")).scalar() == "force_custom_plan"
        repeated = text("SELECT count(*) FROM points_tally_status WHERE id > :n")
        for _ in range(conn.connection.dbapi_connection.prepare_threshold + 1):
            conn.execute(repeated, {"n": 0})
        conn.rollback()
        assert conn.execute(prepared).scalar() >= 1
        conn.execute(repeated, {"n": 0})
        conn.execute(text("INSERT INTO points_tally_status (id, reason) VALUES (99, 'rolled back')"))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM points_tally_status WHERE id = 99")).scalar() == 0
