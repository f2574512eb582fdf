"""`make bench-ledger`: the ledger of the busiest branch-year in every format, timed in process.

    python -m benchmarks.ledger [--runs 5] [--formats print,excel,word,pdf] [--photos 3]
                                [--instructions]          # DATABASE_URL: a filled bench database

The busiest branch-year is the branch and year with the most study sessions (benchmarks.run).
Each format is made once to load code, templates and fonts, then `--runs` times, one request
at a time through Flask's test client signed in as the bench user; printed: the best and the
median wall-clock time and CPU time (time.process_time) of a request, the size of the file,
and the target (print view, Excel and Word < 1 s; PDF < 3 s). CPU time hardly moves when
other work loads the machine; wall-clock does.

`--photos N` first gives every session of that branch-year N photos (JPEG, `--photo-size`
pixels, written to the bench upload folder, instance/bench-uploads), as a real ledger carries
them; once there, they stay for later runs. `--instructions` counts instructions per request
with valgrind's callgrind instead (the process re-executes itself under valgrind), the figure
to compare code by on a shared machine.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

# subprocess: valgrind re-running this module, with argv built here.
ROOT = Path(__file__).resolve().parents[1]
UPLOADS = ROOT / "instance" / "bench-uploads"
#: (format, target seconds)
FORMATS = {"print": 1.0, "excel": 1.0, "word": 1.0, "pdf": 3.0}


def _client(app):
    from benchmarks.run import PASSWORD

    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"csrf_token": token, "username": "bench", "password": PASSWORD})
    page = client.get("/ledger/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client, token


def _request(client, token: str, fmt: str, branch_id: int, year: int):
    fields = {"branch_id": branch_id, "period": "year", "year": year}
    if fmt == "print":
        response = client.get("/ledger/print", query_string=fields)
    else:
        response = client.post(f"/ledger/{fmt}", data={**fields, "csrf_token": token})
    if response.status_code != 200:
        sys.exit(f"the ledger {fmt} answered {response.status_code}:\n{response.get_data(as_text=True)[:1000]}")
    return response


def add_photos(app, branch_id: int, year: int, per_session: int, size: tuple[int, int]) -> int:
    """Give each session of the branch-year `per_session` photos (unless it has some)."""
    import datetime as dt

    from PIL import Image
    from sqlalchemy import extract, select

    from tracker import clock
    from tracker.extensions import db
    from tracker.study.models import Attachment, StudySession
    from tracker.study.storage import FolderStore

    store = FolderStore(UPLOADS)
    added = 0
    with app.app_context():
        sessions = db.session.scalars(select(StudySession).where(
            StudySession.branch_id == branch_id, extract("year", StudySession.held_on) == year)).all()
        for s in sessions:
            if s.attachments:
                continue
            for n in range(per_session):
                # a photo-like picture (smooth shading and noise) that compresses as photos do
                gradient = Image.linear_gradient("L").resize(size)
                noise = Image.effect_noise(size, 40 + 10 * n)
                image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))
                out = io.BytesIO()
                image.save(out, "JPEG", quality=85)
                data = out.getvalue()
                db.session.add(Attachment(
                    session=s, key=store.save(data, ".jpg"), thumbnail_key="bench-thumbnail.jpg",
                    filename=f"现场照片{n + 1}.jpg", content_type="image/jpeg", size=len(data),
                    created_at=clock.now() - dt.timedelta(seconds=1)))
                added += 1
        db.session.commit()
    return added


def _app():
    from benchmarks.app import make_app

    return make_app({"RATELIMIT_ENABLED": False, "UPLOAD_FOLDER": str(UPLOADS)})


def time_formats(formats: list[str], runs: int, photos: int, size: tuple[int, int]) -> bool:
    from benchmarks.run import busiest_branch_year

    branch_id, year = busiest_branch_year(os.environ["DATABASE_URL"])
    app = _app()
    if photos:
        print(f"added {add_photos(app, branch_id, year, photos, size)} photos")
    client, token = _client(app)
    ok = True
    print(f"ledger of branch {branch_id}, {year}: {runs} requests each, after one to warm up")
    print(f"  {'format':6} {'wall best':>10} {'median':>8} {'CPU best':>9} {'median':>8} {'size':>10}  target")
    for fmt in formats:
        _request(client, token, fmt, branch_id, year)
        walls, cpus = [], []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            size_bytes = len(_request(client, token, fmt, branch_id, year).data)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        good = min(walls) < FORMATS[fmt]
        ok &= good
        print(f"  {fmt:6} {min(walls) * 1000:8.0f} ms {statistics.median(walls) * 1000:5.0f} ms "
              f"{min(cpus) * 1000:6.0f} ms {statistics.median(cpus) * 1000:5.0f} ms {size_bytes / 1e6:7.1f} MB  "
              f"< {FORMATS[fmt]:.0f} s {'ok' if good else 'MISSED'}")
    return ok


def _inside(formats: list[str], runs: int, out: Path) -> None:
    from benchmarks.instructions import _dump
    from benchmarks.run import busiest_branch_year

    branch_id, year = busiest_branch_year(os.environ["DATABASE_URL"])
    client, token = _client(_app())
    for fmt in formats:
        _request(client, token, fmt, branch_id, year)
        _dump(out)
        for _ in range(runs):
            _request(client, token, fmt, branch_id, year)
        _dump(out)
        print(f"measured {fmt}", flush=True)


def count_instructions(formats: list[str], runs: int) -> None:
    out = Path(tempfile.mkdtemp(prefix="callgrind-ledger-")) / "cg.out"
    # Fixed argv: valgrind running this module.
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",  # nosec B603 B607
                    sys.executable, "-m", "benchmarks.ledger", "--inside", str(out), "--runs", str(runs),
                    "--formats", ",".join(formats)], check=True, stderr=subprocess.DEVNULL)
    totals = {}
    for dump in out.parent.glob("cg.out.*"):
        found = re.search(r"^totals:\s+(\d+)", dump.read_text(errors="replace"), re.M)
        totals[int(dump.suffix[1:])] = int(found.group(1)) if found else 0
    print(f"{'format':8} {'M instructions / request':>26}")
    for n, fmt in enumerate(formats):
        print(f"{fmt:8} {totals.get(2 * n + 2, 0) / runs / 1e6:26.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--photos", type=int, default=0, help="photos per session of the branch-year")
    parser.add_argument("--photo-size", default="1600x1200", help="pixels, WIDTHxHEIGHT")
    parser.add_argument("--instructions", action="store_true", help="count instructions with callgrind")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip() in FORMATS]
    if "DATABASE_URL" not in os.environ:
        sys.exit("DATABASE_URL: the filled bench database (make bench fills instance/bench.sqlite3)")
    if args.inside:
        _inside(formats, args.runs, Path(args.inside))
        return 0
    if args.instructions:
        count_instructions(formats, args.runs)
        return 0
    width, height = (int(v) for v in args.photo_size.lower().split("x"))
    return 0 if time_formats(formats, args.runs, args.photos, (width, height)) else 1


if __name__ == "__main__":
    sys.exit(main())
