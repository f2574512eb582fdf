"""Static files that a slow link fetches once: content-hashed names cached for good,
gzip and brotli made ahead, and HTML compressed on the way out.

At start-up the app's own static files and the Bootstrap files the pages use are copied
into a build folder outside git (`TRACKER_STATIC_BUILD`, default `instance/static-build`)
twice: under their own name (cached only with revalidation: "no-cache") and under a name
carrying a hash of their content (`app.3f2a9c1b0d7e.css`, cached a year, "immutable").
Each copy gets a `.gz` and a `.br` beside it. WhiteNoise serves that folder at /static/
and picks the encoding the browser accepts; `url_for('static', filename='app.css')`
answers the hashed name, so a changed file is a new URL and an unchanged one is never
asked for again. Doing this at start-up (not in a separate collect step) keeps a plain
`pip install -r requirements.txt` + gunicorn checkout working; the work is skipped for
files already built, and every file is written to a temporary name and renamed, so
several workers starting together never serve a half-written file.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from pathlib import Path

import brotli
from flask import Flask
from flask_compress import Compress
from whitenoise import WhiteNoise

from tracker.security.headers import HEADERS
from tracker.web import kept_url

#: what Bootstrap-Flask ships that the pages load, served as /static/bootstrap/…
BOOTSTRAP_FILES = ("css/bootstrap.min.css", "js/bootstrap.min.js")  # the JS: the phone menu's collapse
#: files worth compressing (images and fonts in formats that are compressed already are not)
COMPRESSIBLE = {".css", ".js", ".svg", ".map", ".json", ".txt", ".html", ".ttf", ".otf"}
#: a hashed name: `name.<12 hex>.ext`
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")

compress = Compress()


def hashed_name(name: str, content: bytes) -> str:
    """`css/app.css` → `css/app.<first 12 hex of its sha256>.css`."""
    digest = hashlib.sha256(content).hexdigest()[:12]
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"


def _holds(path: Path, data: bytes) -> bool:
    return path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data


def _write(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a temporary file renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _write_with_encodings(path: Path, data: bytes) -> None:
    """The file and, for text formats, its .gz and .br (kept only when they are smaller).
    The file itself is written last, so when it holds `data` its encodings are done too."""
    if _holds(path, data):
        return
    if path.suffix in COMPRESSIBLE:
        for suffix, pack in ((".gz", lambda d: gzip.compress(d, 9, mtime=0)),
                             (".br", lambda d: brotli.compress(d, quality=11))):
            packed, packed_path = pack(data), path.with_name(path.name + suffix)
            if len(packed) < len(data) * 0.95:
                _write(packed_path, packed)
            else:
                packed_path.unlink(missing_ok=True)
    _write(path, data)


def build(sources: list[tuple[str, Path]], target: Path) -> dict[str, str]:
    """Copy every file of `sources` ((URL prefix, file or folder) pairs) into `target` under
    its own and its hashed name, with compressed copies; return {name: hashed name}."""
    manifest: dict[str, str] = {}
    for prefix, source in sources:
        files = [(source.name, source)] if source.is_file() else [
            (p.relative_to(source).as_posix(), p) for p in sorted(source.rglob("*")) if p.is_file()
        ]
        for relative, path in files:
            if relative.endswith((".gz", ".br")) or HASHED.search(relative):
                continue
            name = f"{prefix}{relative}"
            data = path.read_bytes()
            manifest[name] = hashed_name(name, data)
            _write_with_encodings(target / name, data)
            _write_with_encodings(target / manifest[name], data)
    return manifest


def _sources(app: Flask) -> list[tuple[str, Path]]:
    import flask_bootstrap

    bootstrap = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5"
    return [("", Path(app.static_folder))] + [
        (f"bootstrap/{Path(f).parent.as_posix()}/", bootstrap / f) for f in BOOTSTRAP_FILES
    ]


def _headers(headers, path: str, url: str) -> None:
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    if not HASHED.search(url):
        # Under its own name a file may change with the next release: ask every time
        # (answered 304 when unchanged).
        headers["Cache-Control"] = "no-cache"


def asset_url(filename: str) -> str:
    """`url_for('static', filename=…)` (the hashed name), made once per process and root:
    every page links the same stylesheets and scripts."""
    return kept_url("static", filename=filename)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["asset_url"] = asset_url
    target = Path(app.config.get("STATIC_BUILD_FOLDER") or os.environ.get("TRACKER_STATIC_BUILD")
                  or Path(app.instance_path) / "static-build")
    manifest = build(_sources(app), target)
    app.extensions["static_build"] = target  # what /static/ serves, hashed names included

    @app.url_defaults
    def hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=str(target), prefix="static/", max_age=0,
        immutable_file_test=lambda path, url: bool(HASHED.search(url)),
        add_headers_function=_headers, allow_all_origins=False,
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)  # per response: fast, and most of the gain
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
