"""nginx as deploy/nginx/tracker.conf sets it up: HTTPS only, the app's headers on nginx's own
answers too, static files from the app's folder, the app's body size limit, the health probe."""
from __future__ import annotations

import http.client
import json
import re
import ssl
import urllib.request

from tests.deploy.stack import ROOT
from tracker.security.headers import CSP, HEADERS, HSTS


def has_security_headers(headers: dict) -> None:
    for name, value in {**HEADERS, "Strict-Transport-Security": HSTS}.items():
        assert headers.get(name) == value, (name, headers.get(name))


def test_plain_http_is_sent_to_https(running):
    port = running.nginx.http_port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/sign-in?next=%2F")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/sign-in?next=%2F"
    assert response.getheader("Server") == "nginx"  # server_tokens off: no version


def test_pages_come_from_the_app_with_its_headers(running):
    status, page, headers = running.client().request(running.base + "/sign-in")
    assert status == 200 and 'name="csrf_token"' in page
    has_security_headers(headers)
    assert headers["Server"] == "nginx"
    assert "Secure" in headers.get("Set-Cookie", "")  # TRACKER_HTTPS=1 behind nginx


def test_static_files_are_served_by_nginx_with_headers_and_cache_lifetimes(running):
    """nginx serves the folder the app fills when it starts: the hashed name the pages link
    to is kept for good and sent gzipped from the .gz the app wrote; a plain name is
    revalidated each time; none of it reaches an app server."""
    client = running.client()
    served_before = sum(s.requests_served("GET", "/static/") for s in running.servers)
    status, page, _ = client.request(running.base + "/sign-in")
    hashed = re.search(r'href="(/static/app\.[0-9a-f]{12}\.css)"', page).group(1)
    status, body, headers = client.request(running.base + hashed)
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert body == (ROOT / "tracker" / "static" / "app.css").read_text()
    has_security_headers(headers)
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    zipped = client.request(running.base + hashed, headers={"Accept-Encoding": "gzip"})[2]
    assert zipped.get("Content-Encoding") == "gzip"
    status, body, headers = client.request(running.base + "/static/app.css")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    assert sum(s.requests_served("GET", "/static/") for s in running.servers) == served_before


def test_nginx_error_pages_carry_the_headers(running):
    status, page, headers = running.client().request(running.base + "/static/no-such-file.css")
    assert status == 404 and "页面不存在" in page and "Page not found" in page
    assert "nginx/" not in page
    has_security_headers(headers)
    assert headers["Content-Security-Policy"] == CSP


def test_bodies_above_the_apps_limit_are_refused_by_nginx(running):
    """nginx answers 413 from the Content-Length alone: nothing is sent, nothing reaches the app."""
    context = ssl.create_default_context(cafile=str(running.nginx.cert))
    connection = http.client.HTTPSConnection("127.0.0.1", running.nginx.https_port, context=context, timeout=10)
    connection.putrequest("POST", "/study/new")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(82 * 1024 * 1024))  # the app takes 81 MB
    connection.endheaders()
    response = connection.getresponse()
    page = response.read().decode()
    assert response.status == 413 and "上传内容过大" in page
    has_security_headers(dict(response.getheaders()))
    assert sum(s.requests_served("POST", "/study/new") for s in running.servers) == 0


def test_health_through_nginx(running):
    context = ssl.create_default_context(cafile=str(running.nginx.cert))
    with urllib.request.urlopen(running.base + "/health", context=context, timeout=10) as r:
        body = json.load(r)
        assert r.status == 200 and r.headers["Cache-Control"] == "no-store"
    assert body["status"] == "ok" and body["migrations"] == "head"
    assert body["throttle"] == "shared"  # Redis, shared by both servers
