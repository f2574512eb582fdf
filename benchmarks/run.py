"""`make bench`: serve a large data set with gunicorn (2 workers) and load pages with wrk.

    python -m benchmarks.run [--seconds 10] [--connections 16] [--pages "a,b"] [--reuse]

Runs on SQLite (instance/bench.sqlite3, rebuilt each run) and, when BENCH_DATABASE_URL names a
PostgreSQL database, on that one too — which it EMPTIES first. It refuses to run when
BENCH_DATABASE_URL is the application's DATABASE_URL. Serves `benchmarks.app` (the tracker
plus the reference and bare pages; the product itself never has them).

Per page: requests/s, p50 and p99 under load (warm: the load itself writes nothing), the ratio
to the reference page, and "cold ms": the median time of a request made right after a write to
the database (five writes, five requests) — what a user gets after somebody saved. At the end,
each gunicorn worker's peak resident memory (VmHWM) over the whole run."""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess  # nosec B404
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# subprocess: the runner only starts wrk, gunicorn and flask, with argv built here.
ROOT = Path(__file__).resolve().parents[1]
# The throwaway account of the benchmark database.
PASSWORD = "Load-test-pass-2026"  # nosec B105  (must not contain the user name)

#: (name, path, target ratio to the reference or None, target p99 in ms or None)
PAGES = [
    ("reference", "/bench/reference", None, None),
    ("bare page", "/bench/bare", None, None),
    ("projects list", "/projects/", 0.5, 150),
    ("people search", "/people/?q=%E7%8E%8B", 0.5, 150),  # q=王
    ("dispatches list", "/dispatches/", 0.5, 150),
    ("branches list", "/branches/", 0.5, 150),
    ("branch page", "/branches/1", 0.5, 150),
    ("dashboard", "/", 0.5, 150),
    ("talks due list", "/due/", 0.5, 150),
    ("sessions list", "/study/", 0.5, 150),
    ("talks list", "/talks/", 0.5, 150),
    ("points table", "/points/", 0.5, 150),
    ("points page 2", "/points/?page=2", 0.5, 150),
    ("points by category", "/points/?category=role", 0.5, 150),
]
#: the reference page should reach at least this share of the bare page
REFERENCE_TARGET = 0.5
#: each worker's peak resident memory, MB
RSS_TARGET_MB = 300
#: (name, path, target seconds) — timed one request at a time
#: (name, ledger action, target seconds): a branch-year ledger of the busiest branch-year
EXPORTS: list[tuple[str, str, float]] = [
    ("ledger print view", "print", 1.0),
    ("ledger Excel", "excel", 1.0),
    ("ledger Word", "word", 1.0),
    ("ledger PDF", "pdf", 3.0),
]


def busiest_branch_year(url: str) -> tuple[int, int]:
    """The branch and year with the most study sessions: the heaviest branch-year ledger."""
    from sqlalchemy import create_engine, extract, func, select

    from tracker.study.models import StudySession

    sessions = StudySession.__table__.c  # the table alone: no mapper set-up outside the app
    engine = create_engine(url)
    year = extract("year", sessions.held_on)
    with engine.connect() as conn:
        row = conn.execute(
            select(sessions.branch_id, year.label("year"))
            .group_by(sessions.branch_id, year)
            .order_by(func.count().desc()).limit(1)
        ).one()
    engine.dispose()
    return row.branch_id, int(row.year)


def time_export(base: str, cookie: str, action: str, branch_id: int, year: int) -> float:
    """Best of three: the print view is a GET; the Excel, Word and PDF exports POST the ledger form."""
    fields = {"branch_id": branch_id, "period": "year", "year": year}
    if action == "print":
        request = urllib.request.Request(f"{base}/ledger/print?{urllib.parse.urlencode(fields)}",
                                         headers={"Cookie": cookie})
    else:
        # Http://127.0.0.1 we started.
        page = urllib.request.urlopen(urllib.request.Request(  # nosec B310
            f"{base}/ledger/", headers={"Cookie": cookie})).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        request = urllib.request.Request(f"{base}/ledger/{action}", data=data, headers={"Cookie": cookie})
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        # Http://127.0.0.1 we started.
        urllib.request.urlopen(request).read()  # nosec B310
        timings.append(time.perf_counter() - started)
    return min(timings)


def flask(env: dict, *args: str, stdin: str | None = None) -> str:
    # Fixed argv.
    result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,  # nosec B603
                            input=stdin, text=True, capture_output=True, check=False)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(url: str, reuse: bool = False) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "benchmarks.app"}
    if reuse:
        return env
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    print("  " + flask(env, "bench", "fill").strip())
    print(f"  fill command took {time.perf_counter() - started:.1f} s in all")
    flask(env, "user", "create", "bench", "--role", "secretary", "--password-stdin", stdin=PASSWORD + "\n")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/sign-in").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "username": "bench", "password": PASSWORD}).encode()
    opener.open(base + "/sign-in", data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict:
    # Wrk from PATH with arguments built here.
    out = subprocess.run(  # nosec B603 B607
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    def ms(label):
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50"), "p99": ms("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def fetch(url: str, cookie: str) -> float:
    """Seconds one GET took."""
    started = time.perf_counter()
    # http://127.0.0.1, the server this runner started.
    urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=120).read()  # nosec B310
    return time.perf_counter() - started


def settle(base: str, cookie: str) -> None:
    """Wait until the workers have worked off the requests the last load left queued
    (wrk stops with up to `connections` requests still waiting), so they do not count
    against the next page."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and fetch(base + "/bench/reference", cookie) > 0.1:
        pass


def write(url: str, n: int) -> None:
    """A change to the data, committed, as a save would make it (a dispatch's note)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE dispatch SET note = :note WHERE id = (SELECT min(id) FROM dispatch)"),
                     {"note": f"bench write {n}"})
    engine.dispose()


def cold(url: str, db_url: str, cookie: str, times: int = 5) -> float:
    """The median seconds of a request made right after a write."""
    timings = []
    for n in range(times):
        write(db_url, n)
        timings.append(fetch(url, cookie))
    return sorted(timings)[len(timings) // 2]


def peak_rss_mb(server_pid: int) -> dict[int, float]:
    """{worker pid: peak resident memory in MB} of the gunicorn workers (Linux /proc)."""
    peaks = {}
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status").read_text()
        peak = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if peak:
            peaks[int(pid)] = int(peak.group(1)) / 1024
    return peaks


def run(url: str, seconds: int, connections: int, pages: list[str] | None = None,
        reuse: bool = False) -> bool:
    print(f"\n== {url.split('@')[-1]}")
    env = prepare(url, reuse)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # Gunicorn with a fixed argv.
    server = subprocess.Popen(  # nosec B603
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "benchmarks.app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    ok = True
    try:
        for _ in range(100):
            try:
                # Http://127.0.0.1 we started.
                urllib.request.urlopen(base + "/sign-in", timeout=1)  # nosec B310
                break
            except OSError:
                time.sleep(0.1)
        cookie = sign_in(base)
        results = {}
        print(f"  {'page':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'cold ms':>8}  verdict")
        for name, path, ratio_target, p99_target in PAGES:
            if pages and name not in ("reference", "bare page") and name not in pages:
                continue
            settle(base, cookie)
            after_write = cold(base + path, env["DATABASE_URL"], cookie)
            r = results[name] = wrk(base + path, cookie, seconds, connections)
            ratio = r["rps"] / results["reference"]["rps"]
            verdict = "errors!" if r["errors"] else ""
            if name == "bare page":
                ratio = results["reference"]["rps"] / r["rps"]
                good = ratio >= REFERENCE_TARGET
                verdict = verdict or ("reference/bare " + ("ok" if good else f"MISSED (want ≥{REFERENCE_TARGET})"))
                ok &= good
            if ratio_target is not None:
                good = ratio >= ratio_target and r["p99"] < p99_target and not r["errors"]
                verdict = verdict or ("ok" if good else f"MISSED (want ≥{ratio_target}, p99 <{p99_target} ms)")
                ok &= good
            print(f"  {name:18} {r['rps']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} {ratio:6.2f} {after_write * 1000:8.0f}  {verdict}")
        branch_id, year = busiest_branch_year(env["DATABASE_URL"])
        for name, action, limit in EXPORTS:
            if pages and name not in pages:
                continue
            try:
                best = time_export(base, cookie, action, branch_id, year)
            except urllib.error.HTTPError as exc:  # a refused or failed export is a miss, not the end of the run
                ok = False
                print(f"  {name:18} HTTP {exc.code} (branch {branch_id}, {year})  MISSED")
                continue
            good = best < limit
            ok &= good
            print(f"  {name:18} {best * 1000:8.0f} ms (branch {branch_id}, {year}; best of 3; "
                  f"want < {limit * 1000:.0f} ms)  {'ok' if good else 'MISSED'}")
        for pid, mb in sorted(peak_rss_mb(server.pid).items()):
            good = mb < RSS_TARGET_MB
            ok &= good
            print(f"  worker {pid} peak RSS {mb:.0f} MB (want < {RSS_TARGET_MB} MB)  {'ok' if good else 'MISSED'}")
    finally:
        server.terminate()
        server.wait(10)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pages", help="only these pages, by name, comma-separated (the reference always)")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database the last run filled instead of filling it again")
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",")] if args.pages else None
    urls = [f"sqlite:///{ROOT / 'instance' / 'bench.sqlite3'}"]
    if bench_url := os.environ.get("BENCH_DATABASE_URL"):
        urls.append(bench_url)
    app_url = os.environ.get("DATABASE_URL")
    if app_url and app_url in urls:
        sys.exit("refusing to run: the benchmark empties its database, and BENCH_DATABASE_URL "
                 "(or instance/bench.sqlite3) is the application's DATABASE_URL")
    (ROOT / "instance").mkdir(exist_ok=True)
    results = [run(url, args.seconds, args.connections, pages, args.reuse) for url in urls]
    print("\nall targets met" if all(results) else "\nsome targets missed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
