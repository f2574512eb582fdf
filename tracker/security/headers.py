"""Security headers on every response, and Secure cookies plus HSTS when served over HTTPS.

A small after_request of our own rather than Flask-Talisman: what we need is a fixed set of
headers (about twenty lines), Talisman's last release is from 2023, and its default of
redirecting to HTTPS breaks a deployment behind a TLS-terminating proxy unless reconfigured.
"""
from __future__ import annotations

from flask import Flask, request

#: Everything the pages use is served by the app itself (Bootstrap under /static/bootstrap,
#: app files under /static). No inline script or style is allowed. Bootstrap's CSS draws
#: its form controls with data: SVG images, hence img-src data:.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    # Not "no-referrer": Flask-WTF checks the Referer of POSTs made over HTTPS (CSRF).
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"
#: the app's own files (stylesheets, scripts, fonts) may be cached; nothing else
STATIC_ENDPOINTS = {"static", "bootstrap.static"}


def init_app(app: Flask) -> None:
    if app.config.get("HTTPS"):
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
        )

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint not in STATIC_ENDPOINTS and "no-store" not in response.headers.get(
                "Cache-Control", ""):
            # Shared office PCs: no page, export or attachment is left in the browser's
            # cache (or a proxy's) for the next person. One rule for every response but
            # the app's static files, so no personal page can be missed.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
