"""Two app servers behind nginx over one database, one Redis and one upload folder: what one
server saves the other shows at once (a browser's study session with its photo included),
failed sign-ins count across both, and neither a SIGKILL nor a rolling restart under load
loses a save that was acknowledged."""
from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import create_engine, text

from tests.deploy.conftest import SECRETARY, VIEWER
from tests.fixtures_study import png_bytes


def person(n: int, run: str) -> dict:
    return {"name": f"D{run}-{n}", "party_status": "full", "source": "borrowed",
            "home_organisation": f"单位{n}", "post": f"岗位{n}", "phone": f"1390000{n:04d}"}


def saved_people(url: str, run: str) -> tuple[dict, set]:
    """The people of this run in the database, and the ids that have their 'create' history."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(text(
                "SELECT id, name, party_status, source, home_organisation, post, phone FROM person "
                "WHERE name LIKE :run"), {"run": f"D{run}-%"})}
            created = set(conn.execute(text(
                "SELECT record_id FROM history_entry WHERE record_type = 'person' AND action = 'create'"
            )).scalars())
    finally:
        engine.dispose()
    return rows, created & set(rows) if rows else set()


def assert_all_kept(url: str, run: str, acknowledged: dict) -> None:
    rows, with_history = saved_people(url, run)
    for person_id, data in acknowledged.items():
        row = rows.get(person_id)
        assert row is not None, f"acknowledged person {person_id} lost"
        assert {k: getattr(row, k) for k in data} == data, f"person {person_id} incomplete"
    assert with_history == set(rows), "a person without its history: a half-written save"


class Writers:
    """Clients saving new people through nginx, as fast as they get answers (or at a
    steady pace), each save recorded with its answer."""

    def __init__(self, stack, run: str, count: int, pause: float = 0.0, reads: bool = False):
        self.stack, self.run, self.pause, self.reads = stack, run, pause, reads
        self.acknowledged: dict[int, dict] = {}
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.numbers = iter(range(1, 1_000_000))
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._write) for _ in range(count)]

    def _write(self) -> None:
        client = self.stack.signed_in()
        token = client.csrf(self.stack.base + "/people/new")
        while not self.stop.is_set():
            with self.lock:
                n = next(self.numbers)
            data = person(n, self.run)
            try:
                if self.reads:
                    status = client.request(self.stack.base + f"/people/?q=D{self.run}")[0]
                    with self.lock:
                        self.statuses[status] += 1
                status, _, headers = client.request(self.stack.base + "/people/new", {**data, "csrf_token": token})
            except OSError as e:  # nginx itself did not answer: never expected
                with self.lock:
                    self.errors.append(repr(e))
                continue
            with self.lock:
                self.statuses[status] += 1
                if status == 302:
                    person_id = int(headers["Location"].rstrip("/").rsplit("/", 1)[1])
                    self.acknowledged[person_id] = data
            if self.pause:
                time.sleep(self.pause)

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.acknowledged) >= count, f"only {len(self.acknowledged)} saves in {timeout} s"


@pytest.mark.browser
def test_a_session_logged_through_one_server_is_seen_with_its_photo_on_the_other(running, chromium):
    from playwright.sync_api import expect

    stack, a, b = running, running.a, running.b
    engine = create_engine(stack.url)
    with engine.connect() as conn:
        branch_id = conn.execute(text(
            "SELECT id FROM branch WHERE status = 'active' AND deleted_at IS NULL ORDER BY id")).scalars().first()
    engine.dispose()
    context = chromium.new_context(ignore_https_errors=True, locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(stack.base + "/sign-in")  # through nginx, either server
        page.get_by_label("Username").fill(SECRETARY[0])
        page.get_by_label("Password").fill(SECRETARY[1])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(stack.base + "/")

        posts_on_a = a.requests_served("POST", "/study/new")
        via_a, via_b = stack.nginx.pinned("a"), stack.nginx.pinned("b")
        topic = f"两台服务器之间的主题党日 {uuid.uuid4().hex[:6]}"
        page.goto(f"{via_a}/study/new?branch_id={branch_id}")
        page.get_by_label("Session type").select_option(label="Theme party day")
        page.get_by_label("Date", exact=True).fill(dt.date.today().isoformat())
        page.get_by_label("Start time").fill("14:30")
        page.get_by_label("End time").fill("16:00")
        page.get_by_label("Place").fill("项目驻地会议室")
        page.get_by_label("Topic").fill(topic)
        photo = png_bytes((1600, 1200))
        page.get_by_label("Photos and documents").set_input_files(
            [{"name": "合影.png", "mimeType": "image/png", "buffer": photo}])
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved.")).to_be_visible()
        assert a.served_at_least(posts_on_a + 1, "POST", "/study/new") == posts_on_a + 1  # a saved it
        path = page.url.removeprefix(via_a)
        assert re.fullmatch(r"/study/\d+", path), page.url

        reads_on_b = b.requests_served("GET", path)
        photos_on_b = b.requests_served("GET", "/study/attachments/")
        page.goto(via_b + path)  # server b, at once
        expect(page.get_by_role("heading", name=topic)).to_be_visible()
        thumbnail = page.get_by_role("img", name="合影.png")
        expect(thumbnail).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
        assert thumbnail.evaluate("img => img.naturalWidth") == 320
        original = page.locator("a", has=thumbnail).get_attribute("href")
        assert page.request.get(via_b + original).body() == photo  # the file itself, from b
        assert b.served_at_least(reads_on_b + 1, "GET", path) == reads_on_b + 1
        assert b.served_at_least(photos_on_b + 2, "GET", "/study/attachments/") >= photos_on_b + 2  # thumbnail, photo
    finally:
        context.close()


def test_a_save_on_one_server_is_visible_at_once_on_the_other(running):
    stack = running
    client = stack.signed_in()
    via_a, via_b = stack.nginx.pinned("a"), stack.nginx.pinned("b")
    run = uuid.uuid4().hex[:6]
    for n in range(3):  # several times over: no reading from a cache that happens to be fresh
        writer, reader = (via_a, via_b) if n % 2 == 0 else (via_b, via_a)
        token = client.csrf(writer + "/people/new")
        status, _, headers = client.request(writer + "/people/new", {**person(n, run), "csrf_token": token})
        assert status == 302
        status, page, _ = client.request(reader + headers["Location"])
        assert status == 200 and f"D{run}-{n}" in page
        status, page, _ = client.request(reader + f"/people/?q=D{run}")
        assert status == 200 and all(f"D{run}-{k}" in page for k in range(n + 1))


def test_failed_sign_ins_are_counted_across_both_servers(running):
    stack = running
    via = {"a": stack.nginx.pinned("a"), "b": stack.nginx.pinned("b")}
    before = {s.name: s.requests_served("POST", "/sign-in") for s in stack.servers}
    for n in range(5):  # the limit: 5 failures a minute per user name
        client = stack.client()
        assert client.sign_in(via["ab"[n % 2]], VIEWER[0], "wrong password") == 400
    stack.a.served_at_least(before["a"] + 3, "POST", "/sign-in")
    stack.b.served_at_least(before["b"] + 2, "POST", "/sign-in")
    assert {s.name: s.requests_served("POST", "/sign-in") - before[s.name] for s in stack.servers} == {"a": 3, "b": 2}
    # Now the right password is refused on either server, and through nginx.
    for base in (via["a"], via["b"], stack.base):
        assert stack.client().sign_in(base, *VIEWER) == 429


def test_a_server_killed_mid_burst_loses_no_acknowledged_save(running):
    stack, a, b = running, running.a, running.b
    run = uuid.uuid4().hex[:6]
    with Writers(stack, run, count=6) as writers:
        writers.wait_for(40)
        assert a.served_at_least(1, "POST", "/people/new") > 0  # both were taking saves
        a.kill()
        killed_at = len(writers.acknowledged)
        on_b = b.requests_served("POST", "/people/new")
        writers.wait_for(killed_at + 40)
    assert not writers.errors
    # Only the saves in flight on the killed server may have failed, with nginx's 502.
    assert set(writers.statuses) <= {302, 502}, writers.statuses
    assert writers.statuses[502] <= 6
    assert b.served_at_least(on_b + 40, "POST", "/people/new") - on_b >= 40  # the survivor took the rest
    assert_all_kept(stack.url, run, writers.acknowledged)

    # The restarted server joins back: nginx sends it requests again by itself.
    a.start()
    client = stack.signed_in()
    served = a.requests_served("GET", "/people/")
    deadline = time.monotonic() + 30
    while a.requests_served("GET", "/people/") == served and time.monotonic() < deadline:
        assert client.request(stack.base + "/people/")[0] == 200
        time.sleep(0.1)
    assert a.requests_served("GET", "/people/") > served, "the restarted server got no request"


def test_a_rolling_restart_under_steady_load_loses_no_request(running):
    stack = running
    run = uuid.uuid4().hex[:6]
    with Writers(stack, run, count=4, pause=0.05, reads=True) as load:
        load.wait_for(10)
        for server in stack.servers:  # one at a time: stop, start, serving again
            server.stop()
            server.start()
            time.sleep(0.5)
        for server in stack.servers:  # and a graceful reload of each (`systemctl reload`)
            server.reload()
            time.sleep(1.5)
        served = len(load.acknowledged)
        load.wait_for(served + 10)
    assert not load.errors
    assert set(load.statuses) == {200, 302}, load.statuses  # every read and every save answered
    assert sum(load.statuses.values()) >= 40
    assert_all_kept(stack.url, run, load.acknowledged)
