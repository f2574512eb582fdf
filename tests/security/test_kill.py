"""A server killed with SIGKILL in the middle of a burst of saves loses no save it
acknowledged and leaves no half-written record (SQLite and PostgreSQL)."""
from __future__ import annotations

import http.client
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PASSWORD
from tests.security.conftest import Gunicorn, database_url, flask_cli, server_env
from tests.security.test_throttle import Browser

WRITERS = 8
#: what a request raises when the server is killed under it: the connection refused or reset
#: (OSError), or an answer cut short (http.client.IncompleteRead, BadStatusLine, …)
GONE = (OSError, http.client.HTTPException)


def person(n: int, run: str) -> dict:
    return {"name": f"K{run}-{n}", "party_status": "full", "source": "borrowed",
            "home_organisation": f"单位{n}", "post": f"岗位{n}", "phone": f"1380000{n:04d}"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_no_acknowledged_save_is_lost_when_the_server_is_killed(kind, tmp_path):
    url = database_url(kind, tmp_path, "kill")
    env = server_env(url, tmp_path)
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "user", "create", "writer", "--role", "secretary", "--password-stdin", input=PASSWORD + "\n")
    server = Gunicorn(env, workers=2, threads=4).start()
    run = uuid.uuid4().hex[:6]
    acknowledged: dict[int, dict] = {}
    lock = threading.Lock()
    counter = iter(range(1, 1_000_000))
    stop = threading.Event()

    def writer():
        browser = Browser(server.base)
        try:
            signed_in = browser.sign_in("writer", PASSWORD)
            token = browser.csrf("/people/new")
        except GONE:
            return  # killed while this writer was still signing in (each sign-in hashes slowly)
        assert signed_in == 302
        while not stop.is_set():
            with lock:
                n = next(counter)
            data = person(n, run)
            try:
                status, _, headers = browser.request("/people/new", {**data, "csrf_token": token})
            except GONE:
                # the server is gone: this save was never acknowledged (an answer cut short
                # is not counted either, whatever its status line said)
                return
            if status == 302:
                person_id = int(headers["Location"].rstrip("/").rsplit("/", 1)[1])
                with lock:
                    acknowledged[person_id] = data

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 150 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()  # mid-burst: requests are in flight in every worker
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        server.stop()
    assert len(acknowledged) >= 150, "the burst did not get going"

    restarted = Gunicorn(env, workers=2).start()  # the app comes back on the same database
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(text(
                "SELECT id, name, party_status, source, home_organisation, post, phone FROM person"))}
            created = set(conn.execute(text(
                "SELECT record_id FROM history_entry WHERE record_type = 'person' AND action = 'create'")).scalars())
            if kind == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        engine.dispose()
        for person_id, data in acknowledged.items():
            row = rows.get(person_id)
            assert row is not None, f"acknowledged person {person_id} lost"
            assert {k: getattr(row, k) for k in data} == data, f"person {person_id} incomplete"
        # Nothing half-written: every person that exists has its history, and the reverse.
        assert set(rows) == created
        browser = Browser(restarted.base)
        assert browser.sign_in("writer", PASSWORD) == 302
        some = next(iter(acknowledged))
        assert browser.request(f"/people/{some}")[0] == 200
    finally:
        restarted.stop()
