"""Benchmarks of the tracker, outside the product: `create_app()` never registers them.

- `benchmarks.app`: the WSGI entry `make bench` serves — the tracker plus the reference page
  (`/bench/reference`, the base layout around one indexed query and a 50-row table) and a bare
  page (`/bench/bare`: the same query and table, no layout) — and the `bench fill` command.
- `benchmarks.fill`: a large, realistic data set.
- `benchmarks.run`: `make bench` (gunicorn, wrk; the database named in BENCH_DATABASE_URL).
"""
