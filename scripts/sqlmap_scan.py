"""SQL injection scan: start the app on 127.0.0.1 with the demo data, sign in, find every list
filter, search box and form by crawling the pages, and run sqlmap (batch mode) on each field.
Exit 1 if sqlmap finds any injection point, or if the scan could not run properly.

    .venv/bin/python scripts/sqlmap_scan.py            # SQLite in a temporary folder
    DATABASE_URL=postgresql+psycopg://… scripts/sqlmap_scan.py --dbms PostgreSQL
    scripts/sqlmap_scan.py --scratch-of "$TEST_DATABASE_URL"   # a scratch PostgreSQL database
                                                               # beside that one (make security)

Before the app, sqlmap is pointed at a small, deliberately injectable page (a positive
control) and must find its injection: proof that a clean result means something.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import sqlite3

# subprocess runs flask, gunicorn and sqlmap from this venv, with list arguments, no shell.
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.security.discover import plausible  # noqa: E402
from tests.security.htmlforms import data_forms  # noqa: E402
from tests.security.test_throttle import Browser  # noqa: E402

ADMIN = ("admin", "demo-admin-pass")  # from tracker/demo.py
FOUND = re.compile(r"identified the following injection point|Parameter: .+ \((GET|POST)\)", re.I)
CLEAN = re.compile(r"do(es)? not (seem|appear) to be injectable", re.I)
#: pages that must not be crawled or posted: they end the scanner's own sign-in
SKIP_PATHS = {"/sign-out", "/account"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            Browser(url).request("/")
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


# The positive control ---------------------------------------------------------------------
def vulnerable_app(db_path: str):
    """A WSGI page with a textbook injection: the search text pasted into the SQL."""

    def app(environ, start_response):
        q = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
        conn = sqlite3.connect(db_path)
        try:
            # Deliberately injectable: this is the control sqlmap must catch.
            sql = "SELECT name FROM item WHERE name LIKE '%" + q + "%'"  # noqa: S608  # nosec B608
            rows = [r[0] for r in conn.execute(sql)]
            body, status = ("<ul>" + "".join(f"<li>{r}</li>" for r in rows) + "</ul>"), "200 OK"
        except sqlite3.Error:
            body, status = "error", "500 Internal Server Error"
        finally:
            conn.close()
        start_response(status, [("Content-Type", "text/html")])
        return [body.encode()]

    return app


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def run_control(sqlmap: list[str], tmp: Path) -> None:
    db_path = str(tmp / "control.sqlite3")
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE item (name TEXT)")
        conn.executemany("INSERT INTO item VALUES (?)", [("apple",), ("banana",), ("cherry",)])
    port = free_port()
    server = make_server("127.0.0.1", port, vulnerable_app(db_path), handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = run_sqlmap(sqlmap, ["-u", f"http://127.0.0.1:{port}/?q=apple", "-p", "q"], tmp / "control", "SQLite")
    finally:
        server.shutdown()
    if not FOUND.search(out):
        print(out[-3000:])
        raise SystemExit("positive control FAILED: sqlmap did not find the planted injection")
    print("positive control: sqlmap found the planted injection, as it must")


# The app ----------------------------------------------------------------------------------
def start_app(tmp: Path, database_url: str | None) -> tuple[subprocess.Popen, str, dict]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'scan.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(16),
        "FLASK_APP": "wsgi",
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "RATELIMIT_ENABLED": "0",  # sqlmap signs in wrongly thousands of times on purpose
    }
    flask = [sys.executable, "-m", "flask"]
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603  # nosec B603
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603  # nosec B603
        [sys.executable, "-m", "gunicorn", "-w", "4", "--threads", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base)
    return proc, base, env


def route_shapes() -> tuple[list[str], set[str]]:
    """From the app's url_map: GET pages without arguments (crawl starts there) and the
    shapes of all GET pages (to report any the crawl did not reach)."""
    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": secrets.token_hex(16)})
    starts, shapes = [], set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        if not rule.arguments:
            starts.append(rule.rule)
        shapes.add(re.sub(r"<[^>]+>", "N", rule.rule))
    return sorted(starts), shapes


def crawl(browser: Browser, starts: list[str], limit: int = 400) -> dict[str, str]:
    """{route shape: one url} of every page reachable from the url_map's pages by links, one
    page per shape (/people/12 and /people/13 are the same shape)."""
    seen_shapes: dict[str, str] = {}
    queue = ["/", *starts]
    while queue and len(seen_shapes) < limit:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", urllib.parse.urlsplit(path).path)
        if shape in seen_shapes or path in SKIP_PATHS or "/static/" in path:
            continue
        status, html, _ = browser.request(path)
        if status != 200:
            continue
        seen_shapes[shape] = path
        for href in re.findall(r'href="(/[^"#]*)"', html):
            href = href.replace("&amp;", "&")
            if urllib.parse.urlsplit(href).path not in ("/sign-in",):
                queue.append(urllib.parse.urlsplit(href).path)
    return seen_shapes


def targets(browser: Browser, pages: dict[str, str], own_account: str | None) -> list[tuple[str, list[str]]]:
    """(label, sqlmap arguments) for each filter form and data form."""
    found = []
    for shape, path in sorted(pages.items()):
        _, html, _ = browser.request(path)
        for form in data_forms(html, method="get"):
            params = {n: (f.value or "a") if f.kind != "select" else (f.options[-1] if f.options else "") for n, f in form.inputs.items()}
            url = browser.base + (form.action or path) + "?" + urllib.parse.urlencode(params)
            found.append((f"GET {shape}", ["-u", url, "-p", ",".join(params)]))
        if own_account and path == own_account:
            continue  # changing the scanner's own account would end its sign-in
        for form in data_forms(html):
            data = plausible(form)
            data = {k: (v[0] if isinstance(v, list) and v else ("" if isinstance(v, list) else v)) for k, v in data.items()}
            tested = [n for n in data if n != "csrf_token"]
            url = browser.base + (form.action or path)
            found.append((f"POST {shape}", ["-u", url, "--data", urllib.parse.urlencode(data), "-p", ",".join(tested)]))
    return found


def run_sqlmap(sqlmap: list[str], args: list[str], out: Path, dbms: str, cookie: str | None = None) -> str:
    command = [*sqlmap, *args, "--batch", "--level", "1", "--risk", "1", "--technique", "BEU",
               "--dbms", dbms, "--threads", "4", "--timeout", "15", "--retries", "1",
               "--output-dir", str(out), "--disable-coloring", "--flush-session"]
    if cookie:
        command += ["--cookie", cookie]
    # A form of two dozen fields takes minutes; on a machine busy with other work (CI, a
    # shared workstation) one took over ten: the limit only stops a scan that hangs.
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)  # noqa: S603  # nosec B603
    return done.stdout + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dbms", default=None, help="SQLite or PostgreSQL (default: from DATABASE_URL)")
    parser.add_argument("--jobs", type=int, default=4, help="sqlmap runs at once")
    parser.add_argument("--no-control", action="store_true", help="skip the positive control")
    parser.add_argument("--scratch-of", metavar="URL", default=None,
                        help="scan on a new PostgreSQL database beside URL's, dropped afterwards")
    options = parser.parse_args()
    if options.scratch_of:
        with scratch_database(options.scratch_of) as url:
            return scan_app(options, url, "PostgreSQL")
    database_url = os.environ.get("DATABASE_URL")
    dbms = options.dbms or ("PostgreSQL" if database_url and database_url.startswith("postgres") else "SQLite")
    return scan_app(options, database_url, dbms)


@contextmanager
def scratch_database(url: str):
    """A new, empty PostgreSQL database named after URL's (`…_sqlmap`), dropped at the end."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_sqlmap"
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scan_app(options, database_url: str | None, dbms: str) -> int:
    print(f"scanning the app on {dbms}")
    sqlmap = [shutil.which("sqlmap", path=str(Path(sys.executable).parent)) or "sqlmap"]
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if not options.no_control:
            run_control(sqlmap, tmp)
        proc, base, _env = start_app(tmp, database_url)
        try:
            browser = Browser(base)
            if browser.sign_in(*ADMIN) != 302:
                raise SystemExit("could not sign in as the demo admin")
            cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
            starts, all_shapes = route_shapes()
            pages = crawl(browser, starts)
            for shape in sorted(all_shapes - set(pages) - SKIP_PATHS):
                print(f"note: no page of shape {shape} was reached (not linked, or needs a record)")
            _, account_html, _ = browser.request("/accounts/")
            own = re.search(r'href="(/accounts/\d+)">admin<', account_html)
            jobs = targets(browser, pages, own.group(1) if own else None)
            jobs.append(("POST /sign-in (signed out)", ["-u", base + "/sign-in", "--data",
                         "csrf_token=&username=admin&password=x", "-p", "username,password"]))
            print(f"crawled {len(pages)} page shapes; {len(jobs)} forms and filters to test")

            def scan(job):
                label, args = job
                signed_out = label.endswith("(signed out)")
                out = run_sqlmap(sqlmap, args, tmp / re.sub(r"\W+", "_", label), dbms,
                                 None if signed_out else cookie)
                return label, out

            failures, unclear = [], []
            with ThreadPoolExecutor(options.jobs) as pool:
                for label, out in pool.map(scan, jobs):
                    if FOUND.search(out):
                        failures.append(label)
                        print(f"INJECTION  {label}\n{out[-3000:]}")
                    elif CLEAN.search(out):
                        print(f"clean      {label}")
                    else:
                        unclear.append(label)
                        print(f"UNCLEAR    {label}\n{out[-1500:]}")
            if browser.request("/account")[0] != 200:
                unclear.append("the scanner's sign-in ended during the scan; results are not trustworthy")
        finally:
            proc.terminate()
            proc.wait(20)
    print(f"sqlmap scan took {time.monotonic() - started:.0f} s")
    if failures or unclear:
        print("FAILED:", *failures, *unclear, sep="\n  ")
        return 1
    print(f"no injection found in {len(jobs)} forms and filters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
