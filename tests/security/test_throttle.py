"""Sign-in throttling: failures per user name and per address are limited; Redis shares the
count between gunicorn workers; the app keeps working when Redis is down."""
from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.conftest import PASSWORD, sign_in
from tests.security.conftest import Gunicorn, add_user, database_url, flask_cli, server_env

REDIS_URL = "redis://127.0.0.1:6379/0"


def attempt(client, username, password="wrong password"):
    client.csrf_token = None
    return client.post("/sign-in", data={"username": username, "password": password})


def test_failures_for_one_user_name_are_refused_for_a_while(client, make_user):
    user = make_user("viewer")
    for _ in range(5):  # the default: 5 per minute, 20 per hour
        assert attempt(client, user.username).status_code == 400
    refused = attempt(client, user.username, PASSWORD)  # even the right password now
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many failed sign-ins" in page
    assert f'value="{user.username}"' in page  # what was typed is kept
    assert "Retry-After" in refused.headers
    # Another user name from the same address is not affected.
    other = make_user("viewer")
    assert sign_in(client, other).status_code == 302


def test_user_name_count_ignores_case_and_spaces(client, make_user):
    make_user("viewer", username="casey")
    for name in ("casey", "CASEY", " Casey ", "casey", "cAsey"):
        attempt(client, name)
    assert attempt(client, "casey", PASSWORD).status_code == 429


def test_successful_sign_ins_are_not_counted(client, make_user):
    user = make_user("viewer")
    for _ in range(8):
        assert sign_in(client, user).status_code == 302


def test_failures_from_one_address_are_refused(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_ADDRESS", "3 per minute")
    for n in range(3):
        assert attempt(client, f"nobody{n}").status_code == 400
    assert attempt(client, "somebody-else").status_code == 429
    # Another address is not affected.
    client.csrf_token = None
    response = client.post("/sign-in", data={"username": "x", "password": "y"},
                           environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 400


def test_app_works_and_still_throttles_when_redis_is_unreachable(make_real_app, new_client):
    app = make_real_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens there
    add_user(app, "alice", "viewer")
    client = new_client(app)
    with app.app_context():
        assert client.get("/sign-in").status_code == 200
        assert attempt(client, "alice", PASSWORD).status_code == 302  # signed in
        assert client.get("/people/").status_code == 200
        client.csrf_token = None  # signing in gave the session a new CSRF secret
        client.post("/sign-out")
        for _ in range(5):
            assert attempt(client, "alice").status_code == 400
        assert attempt(client, "alice", PASSWORD).status_code == 429  # counted in memory


class Browser:
    """A cookie-keeping HTTP client for a real server (no redirects followed)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as r:
                # a download (an .xlsx a link leads to) is not text: read it as such anyway
                return r.status, r.read().decode(errors="replace"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace"), dict(e.headers)

    def csrf(self, path: str = "/sign-in") -> str:
        _, page, _ = self.request(path)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def sign_in(self, username: str, password: str) -> int:
        token = self.csrf()
        return self.request("/sign-in", {"csrf_token": token, "username": username, "password": password})[0]


@pytest.mark.slow
def test_two_gunicorn_workers_share_the_count_in_redis(tmp_path):
    redis = pytest.importorskip("redis").Redis.from_url(REDIS_URL)
    try:
        redis.ping()
    except Exception:  # noqa: BLE001
        pytest.fail("Redis is not running at " + REDIS_URL)
    env = server_env(database_url("sqlite", tmp_path, "throttle"), tmp_path,
                     RATELIMIT_STORAGE_URI=REDIS_URL)
    prefix = env["RATELIMIT_KEY_PREFIX"]
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "user", "create", "bob", "--role", "viewer", "--password-stdin", input=PASSWORD + "\n")
    server = Gunicorn(env, workers=2).start()
    try:
        statuses = []
        for _ in range(12):  # a fresh connection each time: the kernel spreads them over workers
            statuses.append(Browser(server.base).sign_in("bob", f"guess-{uuid.uuid4().hex[:6]}"))
        assert statuses == [400] * 5 + [429] * 7
        assert Browser(server.base).sign_in("bob", PASSWORD) == 429
        assert redis.keys(f"*{prefix}*"), "the counts live in Redis under this run's prefix"
    finally:
        server.stop()
        for key in redis.scan_iter(f"*{prefix}*"):
            redis.delete(key)
