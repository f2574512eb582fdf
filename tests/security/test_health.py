"""/health, the load balancer's probe: 200 while the server can serve (ok, or degraded to
per-process sign-in throttling when Redis is away), 503 when the database is unreachable or
its schema is behind this release's migrations. No sign-in, no personal data."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from tests.conftest import sign_in

REDIS_URL = "redis://127.0.0.1:6379/0"


def probe(client):
    response = client.get("/health")
    return response.status_code, response.get_json(), response


def test_healthy_without_sign_in_and_nothing_personal(client, make_user):
    make_user("admin", username="healthadmin")
    status, body, response = probe(client)
    assert status == 200
    assert body["status"] == "ok" and body["database"] == "ok" and body["migrations"] == "head"
    assert body["revision"] == body["head"] and body["head"]
    assert body["throttle"] == "per-process"  # the suite counts in memory, as configured
    assert set(body) == {"status", "database", "migrations", "revision", "head", "throttle"}
    assert "healthadmin" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # a probe opens no session
    assert "Content-Security-Policy" in response.headers


def test_signed_in_users_get_the_same_answer(client, make_user):
    sign_in(client, make_user("viewer"))
    assert probe(client)[:2] == (200, probe(client)[1])


def test_database_behind_head_is_503(make_real_app, new_client):
    from flask_migrate import downgrade

    app = make_real_app()
    with app.app_context():
        downgrade(revision="-1")  # the schema of the previous release
    with app.app_context():
        status, body, _ = probe(new_client(app))
    assert status == 503
    assert body["status"] == "down" and body["migrations"] == "behind"
    assert body["revision"] != body["head"]


def test_empty_database_is_503(make_real_app, new_client):
    app = make_real_app()
    from tracker.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
        status, body, _ = probe(new_client(app))
    assert (status, body["migrations"]) == (503, "unknown")


def test_database_ahead_of_this_release_serves_degraded(make_real_app, new_client):
    """The middle of an upgrade: the database is migrated, this server not yet restarted."""
    app = make_real_app()
    from tracker.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'next-release'"))
        status, body, _ = probe(new_client(app))
    assert status == 200
    assert (body["status"], body["migrations"], body["revision"]) == ("degraded", "ahead", ["next-release"])


def test_database_unreachable_is_503(make_real_app, new_client, tmp_path):
    """make_real_app is asked for what it sets up around a real app (a plain session, the
    limiter given back afterwards); this app is made here because it cannot be migrated."""
    from tracker import create_app

    # Nothing listens on port 1: the connection is refused at once.
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://tracker@127.0.0.1:1/tracker"})
    with app.app_context():
        status, body, _ = probe(new_client(app))
    assert status == 503
    assert (body["status"], body["database"], body["revision"]) == ("down", "unreachable", [])


def test_redis_down_degrades_to_per_process_throttling(make_real_app, new_client):
    app = make_real_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens there
    with app.app_context():
        status, body, _ = probe(new_client(app))
    assert status == 200
    assert (body["status"], body["throttle"], body["database"]) == ("degraded", "per-process", "ok")


def test_redis_up_shares_the_throttle(make_real_app, new_client):
    redis = pytest.importorskip("redis").Redis.from_url(REDIS_URL)
    try:
        redis.ping()
    except Exception:  # noqa: BLE001
        pytest.skip("Redis is not running at " + REDIS_URL)
    app = make_real_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=f"health-{uuid.uuid4().hex}")
    with app.app_context():
        status, body, _ = probe(new_client(app))
    assert (status, body["status"], body["throttle"]) == (200, "ok", "shared")
