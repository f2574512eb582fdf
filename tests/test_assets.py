"""Static files for a slow link: hashed names cached for good, gzip and brotli, unhashed
names revalidated, a changed file a new URL; HTML compressed."""
from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
import flask_bootstrap

from tracker import assets

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "tracker" / "static"
BOOTSTRAP_CSS = Path(flask_bootstrap.__file__).parent / "static/bootstrap5/css/bootstrap.min.css"


def _static_urls(client) -> list[str]:
    html = client.get("/sign-in").get_data(as_text=True)
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def _source(url: str) -> Path:
    """The file a hashed URL was made from."""
    name = re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", url.removeprefix("/static/"))
    if name.startswith("bootstrap/"):  # Bootstrap-Flask's files (the CSS, and the JS for the phone menu)
        return BOOTSTRAP_CSS.parents[1] / name.removeprefix("bootstrap/")
    return STATIC / name


def test_pages_link_hashed_urls_cached_for_good(client):
    urls = _static_urls(client)
    assert {u.split("/")[-1].split(".")[0] for u in urls} >= {"bootstrap", "app"}
    assert not any(u.startswith("/bootstrap/") for u in urls)  # Bootstrap too, under /static/
    for url in urls:
        data = _source(url).read_bytes()
        digest = re.search(r"\.([0-9a-f]{12})\.\w+$", url).group(1)
        assert digest == hashlib.sha256(data).hexdigest()[:12], url
        response = client.get(url)
        assert response.status_code == 200
        assert response.data == data
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 86400
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_static_files_are_sent_with_brotli_or_gzip(client):
    for url in _static_urls(client):
        data = _source(url).read_bytes()
        br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert br.headers["Content-Encoding"] == "br"
        assert brotli.decompress(br.data) == data
        gz = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gz.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(gz.data) == data
        assert "Accept-Encoding" in br.headers["Vary"]
    css = [u for u in _static_urls(client) if "bootstrap" in u][0]
    sent = client.get(css, headers={"Accept-Encoding": "br"})
    assert len(sent.data) < BOOTSTRAP_CSS.stat().st_size / 8  # 232 KB → about 23 KB


def test_unhashed_names_are_always_revalidated(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200 and response.data == (STATIC / "app.css").read_bytes()
    assert response.headers["Cache-Control"] == "no-cache"
    again = client.get("/static/app.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_changed_file_gets_a_new_url(tmp_path):
    source, target = tmp_path / "src", tmp_path / "build"
    (source / "css").mkdir(parents=True)
    style = source / "css" / "site.css"
    style.write_text("body { color: black; }\n" * 50)
    first = assets.build([("", source)], target)
    style.write_text("body { color: red; }\n" * 50)
    second = assets.build([("", source)], target)
    assert first["css/site.css"] != second["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", second["css/site.css"])
    # the old URL still answers its old content (a page cached before the change), the
    # new one the new content, and the plain name the new content
    assert "black" in (target / first["css/site.css"]).read_text()
    assert "red" in (target / second["css/site.css"]).read_text()
    assert "red" in (target / "css/site.css").read_text()
    assert brotli.decompress((target / "css/site.css.br").read_bytes()) == style.read_bytes()
    assert gzip.decompress((target / (second["css/site.css"] + ".gz")).read_bytes()) == style.read_bytes()
    assert assets.build([("", source)], target) == second  # unchanged: same names


def test_url_for_static_answers_the_hashed_name(app):
    with app.test_request_context():
        from flask import url_for

        url = url_for("static", filename="study.js")
        assert re.fullmatch(r"/static/study\.[0-9a-f]{12}\.js", url)
        assert url_for("static", filename="no-such-file.js") == "/static/no-such-file.js"


def test_html_is_compressed(client):
    plain = client.get("/sign-in")
    assert "Content-Encoding" not in plain.headers
    br = client.get("/sign-in", headers={"Accept-Encoding": "br, gzip"})
    assert br.headers["Content-Encoding"] == "br"
    html = brotli.decompress(br.data).decode()
    assert "<form" in html and "csrf_token" in html
    assert len(br.data) < len(plain.data) / 2
    gz = client.get("/sign-in", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and b"<form" in gzip.decompress(gz.data)
