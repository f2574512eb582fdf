"""`make test-deploy`: the deployment of deploy/ run for real — nginx in front of two app
servers over one PostgreSQL database, one Redis and one upload folder — and an upgrade from
the previous release. Runs only with RUN_DEPLOY=1 (the Makefile target sets it); the normal
suite skips it. Needs TEST_DATABASE_URL (PostgreSQL), Redis on 127.0.0.1:6379, nginx,
openssl and, for the browser test, Chromium.

The suite's own fixtures (one migrated test database, a rolled-back transaction per test)
are switched off here: these tests make and drop databases of their own.
"""
from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path

import pytest

from tests.deploy.stack import AppServer, Client, Nginx, drop_pg_database, flask, pg_database

HERE = Path(__file__).resolve().parent
REDIS_URL = "redis://127.0.0.1:6379/0"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: the demo data's sign-ins (tracker/demo.py)
SECRETARY = ("secretary", "demo-secretary-pass")
VIEWER = ("viewer", "demo-viewer-pass")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("RUN_DEPLOY") == "1":
        return
    skip = pytest.mark.skip(reason="deployment test: runs with `make test-deploy` (RUN_DEPLOY=1)")
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(skip)


# The suite's autouse fixtures, made inert for these tests.
@pytest.fixture(autouse=True)
def session():
    yield None


@pytest.fixture(autouse=True)
def fixed_clock():
    yield None


@pytest.fixture(autouse=True)
def fresh_sign_in_counts():
    yield None


@pytest.fixture(scope="session", autouse=True)
def attachment_store():
    yield None


class Stack:
    def __init__(self, folder: Path, env: dict, url: str, servers: list[AppServer], nginx: Nginx):
        self.folder, self.env, self.url = folder, env, url
        self.servers, self.nginx = servers, nginx
        self.a, self.b = servers
        self.base = nginx.base

    def client(self, jar=None) -> Client:
        return Client(self.nginx.cert, jar)

    def signed_in(self, username: str = SECRETARY[0], password: str = SECRETARY[1]) -> Client:
        client = self.client()
        assert client.sign_in(self.base, username, password) == 302
        return client

    def ensure_running(self) -> None:
        """Every test leaves both servers serving; a failed one may not have."""
        for server in self.servers:
            if server.proc is None or server.proc.poll() is not None:
                server.start()


def _redis_clean(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"*{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    import redis

    redis.Redis.from_url(REDIS_URL).ping()  # fails the run plainly when Redis is not there
    folder = tmp_path_factory.mktemp("deploy")
    url = pg_database("deploy_run")
    prefix = f"deploy-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "deploy-test-" + uuid.uuid4().hex,  # one key for every server
        "TRACKER_HTTPS": "1",
        "TRACKER_PROXIES": "1",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "UPLOAD_FOLDER": str(folder / "uploads"),  # the shared mount of a real deployment
        "TRACKER_STATIC_BUILD": str(folder / "static-build"),  # filled by the app, served by nginx
    }
    env.pop("TEST_DATABASE_URL", None)
    servers: list[AppServer] = []
    nginx = None
    try:
        flask(env, "db", "upgrade")
        flask(env, "demo", "load")
        (folder / "logs").mkdir()
        servers = [AppServer("a", env, folder / "logs"), AppServer("b", env, folder / "logs")]
        starting = [threading.Thread(target=s.start) for s in servers]
        for t in starting:
            t.start()
        for t in starting:
            t.join(60)
        for s in servers:
            s.wait_ready(5)
        nginx = Nginx(folder / "nginx", servers, env["TRACKER_STATIC_BUILD"]).start()
        yield Stack(folder, env, url, servers, nginx)
    finally:
        if nginx is not None:
            nginx.stop()
        for s in servers:
            s.shutdown()
        drop_pg_database(url)
        _redis_clean(prefix)


@pytest.fixture
def running(stack):
    stack.ensure_running()
    yield stack
    stack.ensure_running()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} but REQUIRE_BROWSER=1")
        pytest.skip("Chromium not found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()
