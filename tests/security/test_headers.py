"""Security headers on every response; no inline script, handler or style in any template."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import sign_in
from tests.security.discover import get_urls
from tests.test_access import TABLE, world  # noqa: F401 - the fixture

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
REQUIRED = {
    "X-Content-Type-Options": {"nosniff"},
    "X-Frame-Options": {"DENY"},
    # same-origin everywhere; no-referrer (stricter) where the URL itself is a secret (calendar feed)
    "Referrer-Policy": {"same-origin", "no-referrer"},
}


def check_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert directives.get("frame-ancestors") == "'none'"
    assert directives.get("script-src") == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives.get("object-src") == "'none'"
    for name, allowed in REQUIRED.items():
        assert response.headers.get(name) in allowed, name
    assert "Strict-Transport-Security" not in response.headers  # only when HTTPS is set


def test_every_page_has_the_headers(client, world):  # noqa: F811
    for url in [*get_urls(world, public=True).values(), "/static/app.css",
                "/bootstrap/static/css/bootstrap.min.css", "/no-such-page"]:
        check_headers(client.get(url))
    # each page asked by a user who may see it: the admin, or a member for their own pages
    for role in ("admin", "member"):
        sign_in(client, world["users"][role])
        for endpoint, url in get_urls(world).items():
            if (role == "admin") != ("admin" in TABLE[endpoint][2]):
                continue
            response = client.get(url)
            assert response.status_code == 200, url
            check_headers(response)
    sign_in(client, world["users"]["admin"])
    check_headers(client.post("/people/new", data={"name": ""}))  # a 400 page too


def test_https_setting_adds_hsts_and_secure_cookies(make_real_app):
    app = make_real_app(HTTPS=True)
    client = app.test_client()
    response = client.get("/sign-in")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_cookies_are_httponly_and_samesite(client):
    cookie = client.get("/sign-in").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> block"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"https?://", re.I), "resource from another host"),
]


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_templates_have_nothing_inline(template):
    text = (TEMPLATES / template).read_text()
    for pattern, what in INLINE:
        match = pattern.search(text)
        assert match is None, f"{template}: {what}: {match and match.group(0)}"
