"""The schema the migrations build is the schema the models describe."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.schema import CreateIndex

from tracker.extensions import db


# SQLite's reflection skips an index on an expression (the review queue's ix_*_waiting_since)
# with this warning: PostgreSQL's compares them
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_sqlite_indexes_on_expressions_agree(app):
    """What the comparison above skips on SQLite: the migrations' indexes on expressions are
    the models' (SQLite keeps each index's CREATE statement as written)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's are compared with the rest")
    on_expressions = [index for table in db.metadata.tables.values() for index in table.indexes
                      if any(not hasattr(e, "name") for e in index.expressions)]
    assert on_expressions  # the review queue's ix_*_waiting_since

    def words(sql: str) -> str:
        return " ".join(sql.replace("(", " ( ").replace(")", " ) ").replace(",", " , ").split()).lower()
    with db.engine.connect() as conn:
        for index in on_expressions:
            stored = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"),
                                  {"n": index.name}).scalar()
            assert stored is not None, index.name
            assert words(stored) == words(str(CreateIndex(index).compile(dialect=db.engine.dialect))), index.name


def test_sqlite_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's connection pragmas (tracker._configure_sqlite): PostgreSQL has none to check")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_postgresql_begins_a_transaction_at_its_first_write(app):
    """tracker._configure_postgresql: SELECTs run without BEGIN and without COMMIT or
    ROLLBACK after them, so psycopg keeps the statements it prepared (a ROLLBACK drops them
    all); the first other statement begins a transaction, which rolls back whole."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's transactions and prepared statements (tracker._configure_postgresql)")
    prepared = text("SELECT count(*) FROM pg_prepared_statements")
    in_transaction = text("SELECT now() = statement_timestamp()")  # false only inside a transaction
    row = text("SELECT count(*) FROM points_tally_status WHERE id = 99")
    with db.engine.connect() as conn:
        repeated = text("SELECT count(*) FROM points_tally_status WHERE id > :n")
        for _ in range(conn.connection.dbapi_connection.prepare_threshold + 1):
            conn.execute(repeated, {"n": 0})
        assert conn.execute(in_transaction).scalar() is True
        conn.rollback()
        assert conn.execute(prepared).scalar() >= 1
        conn.execute(text("INSERT INTO points_tally_status (id, reason) VALUES (99, 'rolled back')"))
        assert conn.execute(in_transaction).scalar() is False
        assert conn.execute(row).scalar() == 1
        conn.rollback()
        assert conn.execute(row).scalar() == 0
        assert conn.execute(in_transaction).scalar() is True
    with db.engine.connect() as conn:  # back in the pool, the connection was psycopg's usual one
        assert conn.connection.dbapi_connection.autocommit is False


def test_postgresql_leaves_a_connection_asked_for_autocommit_alone(app):
    """A connection whose user asked for autocommit (VACUUM, CREATE DATABASE: they refuse a
    transaction block) keeps it at its first statement that is not a SELECT."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's transactions (tracker._configure_postgresql)")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT 1"))
        conn.execute(text("VACUUM points_tally_status"))
        assert conn.connection.dbapi_connection.autocommit is True
    with db.engine.connect() as conn:
        conn.execute(text("INSERT INTO points_tally_status (id, reason) VALUES (98, 'rolled back')"))
        assert conn.execute(text("SELECT now() = statement_timestamp()")).scalar() is False
        conn.rollback()


def test_postgresql_runs_a_request_without_parallel_workers(app):
    """tracker.POSTGRESQL_SETTINGS: a parallel plan evaluates every scalar subquery before it
    starts, so coalesce(a kept count, a count of the table) would count the table too."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's session settings")
    from tracker import POSTGRESQL_SETTINGS

    with db.engine.connect() as conn:
        for name, value in POSTGRESQL_SETTINGS.items():
            assert conn.execute(text(f"SHOW {name}")).scalar() == value
        # the plan of a count kept by the writes, read with its fallback, beside another count
        # of the same table (as the talks due list's counts are): the fallback is not run
        plan = "\n".join(conn.execute(text(
            "EXPLAIN (ANALYZE, COSTS OFF) SELECT coalesce((SELECT sum(n) FROM kept_count WHERE name = 'talk'), "
            "(SELECT count(*) FROM talk)) UNION ALL SELECT count(*) FROM talk WHERE talk_type = 'other'")).scalars())
        assert "never executed" in plan
