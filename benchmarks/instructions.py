"""Instructions per request, counted by `valgrind --tool=callgrind`: repeatable to a fraction of
a percent on a busy machine, where wall-clock figures drift by a fifth.

    python -m benchmarks.instructions [--requests 3] [--pages "a,b"]   # DATABASE_URL: a filled bench database

Serves each page of benchmarks.run.PAGES in process (Flask's test client, signed in as the
bench user) twice to load templates and code, then `--requests` times between two callgrind
dumps; prints millions of instructions per request. The run re-executes itself under valgrind.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

# subprocess: valgrind and callgrind_control, with argv built here.


def _dump(out: Path) -> None:
    """Ask callgrind for a dump and wait, asleep (next to no instructions), until it is written:
    callgrind carries out the request asynchronously, and on a busy machine it can take
    seconds — a fixed pause would let the next page's instructions leak into this dump."""
    before = len(list(out.parent.glob(out.name + ".*")))
    # Fixed argv.
    subprocess.run(["callgrind_control", "--dump", str(os.getpid())],  # nosec B603 B607
                   capture_output=True, check=False)
    deadline = time.monotonic() + 600
    while len(list(out.parent.glob(out.name + ".*"))) <= before and time.monotonic() < deadline:
        time.sleep(0.2)


def _measure(pages: list[tuple[str, str]], requests: int, out: Path) -> None:
    from benchmarks.app import make_app
    from benchmarks.run import PASSWORD

    app = make_app({"RATELIMIT_ENABLED": False})
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"csrf_token": token, "username": "bench", "password": PASSWORD})
    for name, path in pages:
        for _ in range(2):
            if client.get(path).status_code != 200:
                sys.exit(f"{path} did not answer 200")
        _dump(out)
        for _ in range(requests):
            client.get(path)
        _dump(out)
        print(f"measured {name}", flush=True)


def main() -> int:
    from benchmarks.run import PAGES

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3)
    parser.add_argument("--pages", help="only these pages, by name, comma-separated")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    chosen = [p.strip() for p in args.pages.split(",")] if args.pages else None
    pages = [(name, path) for name, path, *_ in PAGES if chosen is None or name in chosen]
    if args.inside:
        _measure(pages, args.requests, Path(args.inside))
        return 0
    out = Path(tempfile.mkdtemp(prefix="callgrind-")) / "cg.out"
    # Fixed argv: valgrind running this module.
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",  # nosec B603 B607
                    sys.executable, "-m", "benchmarks.instructions", "--inside", str(out),
                    "--requests", str(args.requests), *(["--pages", args.pages] if args.pages else [])],
                   check=True, stderr=subprocess.DEVNULL)
    totals = {}
    for dump in out.parent.glob("cg.out.*"):
        found = re.search(r"^totals:\s+(\d+)", dump.read_text(errors="replace"), re.M)
        totals[int(dump.suffix[1:])] = int(found.group(1)) if found else 0
    print(f"{'page':18} {'M instructions / request':>26}")
    for n, (name, _) in enumerate(pages):
        # dumps 1, 3, 5…: start-up and warming; 2, 4, 6…: the measured requests
        print(f"{name:18} {totals.get(2 * n + 2, 0) / args.requests / 1e6:26.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
