"""Every page and form of the app, found from the access table (which every feature
extends) rather than listed here."""
from __future__ import annotations

from tests.security.htmlforms import Form, data_forms
from tests.test_access import PUBLIC, TABLE


def html_of(response) -> str:
    """The page's HTML; empty for files (attachments, thumbnails, exports, the calendar feed)."""
    return response.get_data(as_text=True) if response.mimetype == "text/html" else ""


def get_urls(world, *, public: bool = False) -> dict[str, str]:
    """{endpoint: url} of every GET page (static files left out)."""
    urls = {}
    for endpoint, (method, pattern, allowed) in sorted(TABLE.items()):
        if method != "GET" or endpoint.endswith("static") or ((allowed == PUBLIC) != public):
            continue
        urls[endpoint] = pattern.format(**world["ids"])
    return urls


def post_forms(client, world) -> list[tuple[str, str, Form]]:
    """(endpoint, page url, form) for every data-entry form an admin can open. The form
    posts to `form.action or page url`."""
    found = []
    for endpoint, url in get_urls(world).items():
        response = client.get(url)
        if response.status_code != 200:
            continue
        for form in data_forms(html_of(response)):
            found.append((endpoint, url, form))
    return found


def filter_forms(client, world) -> list[tuple[str, str, Form]]:
    """(endpoint, url, form) for every GET form (list filters and search boxes)."""
    found = []
    for endpoint, url in get_urls(world).items():
        response = client.get(url)
        if response.status_code != 200:
            continue
        for form in data_forms(html_of(response), method="get"):
            found.append((endpoint, form.action or url, form))
    return found


_counter = iter(range(1, 10**9))


def plausible(form: Form) -> dict:
    """Values a careful person would enter: what the form shows, the first real choice of
    an empty select, a date for an empty date field, a short code for an empty text."""
    data = form.defaults()
    for name, f in form.inputs.items():
        if f.kind == "select" and not data.get(name):
            real = [o for o in f.options if o]
            data[name] = real[0] if real else ""
        elif f.kind == "select-multiple" and not data.get(name):
            data[name] = [o for o in f.options if o][:1]
        elif f.kind == "checkbox" and name not in data and f.options and len(f.options) > 1:
            data[name] = f.options[:1]  # a group of boxes (roles): tick the first
        elif f.kind == "date" and not data.get(name):
            data[name] = "2026-06-15"
        elif f.kind in ("text", "textarea") and not data.get(name) and f.required:
            data[name] = f"T{next(_counter)}"
        elif f.kind == "password" and name in ("password",):
            data[name] = ""
    return data


def field_errors(html: str) -> set[str]:
    """Names of the fields the answer marks as wrong (macros.field writes id="<name>-errors")."""
    import re

    return set(re.findall(r'id="([\w-]+)-errors"', html))


def fresh_form(client, page_url: str, like: Form) -> Form:
    """The same form, opened again now (its version and choices current)."""
    from tests.security.htmlforms import data_forms

    html = html_of(client.get(page_url))
    for form in data_forms(html):
        if form.fields.keys() == like.fields.keys():
            return form
    return like
