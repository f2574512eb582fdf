"""`gunicorn benchmarks.app:app` / `flask --app benchmarks.app bench fill`: the tracker with
the benchmark's pages and data command, for `make bench` only."""
from __future__ import annotations

import gc
import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import text

from benchmarks.fill import Params, fill
from benchmarks.views import bp
from tracker import create_app
from tracker.extensions import db

bench_cli = AppGroup("bench", help="Benchmark data.")


@bench_cli.command("fill")
@click.option("--branches", default=Params.branches, show_default=True)
@click.option("--people", default=Params.people, show_default=True)
@click.option("--dispatches", default=Params.dispatches, show_default=True)
@click.option("--sessions", default=Params.sessions, show_default=True)
@click.option("--attendance", default=Params.attendance, show_default=True)
@click.option("--talks", default=Params.talks, show_default=True)
@click.option("--seed", default=Params.seed, show_default=True)
def fill_command(**options):
    """Add a large, realistic data set to an EMPTY, migrated database."""
    started = time.perf_counter()
    filled = fill(Params(**options))
    _vacuum()
    seconds = time.perf_counter() - started
    counts = {"people": len(filled.people), "projects": len(filled.projects),
              "branches": len(filled.branches), "dispatches": len(filled.dispatches), **filled.counts}
    click.echo("filled " + ", ".join(f"{n} {name}" for name, n in counts.items()) + f" in {seconds:.1f} s")


def _vacuum() -> None:
    """On PostgreSQL, the visibility map that autovacuum keeps on a database in service (it
    vacuums a table after enough inserts too): without it every index-only scan of the
    freshly loaded tables visits the table for each row, and the pages would be timed as on
    no database in service (the talks due list took twice as long)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))


def make_app(config: dict | None = None) -> Flask:
    app = create_app(config)
    app.register_blueprint(bp)
    app.cli.add_command(bench_cli)
    return app


app = make_app()
# as wsgi.py does: what the app built at start stays out of the garbage collector's rounds
gc.collect()
gc.freeze()
