"""Every page and form of the app, found from the access table (which every feature
extends) rather than listed here."""
from __future__ import annotations

from tests.security.htmlforms import Form, data_forms
from tests.test_access import PUBLIC, TABLE


def get_urls(world, *, public: bool = False) -> dict[str, str]:
    """{endpoint: url} of every GET page (static files left out)."""
    urls = {}
    for endpoint, (method, pattern, allowed) in sorted(TABLE.items()):
        if method != "GET" or endpoint.endswith("static") or ((allowed == PUBLIC) != public):
            continue
        urls[endpoint] = pattern.format(**world["ids"])
    return urls


def post_forms(client, world) -> list[tuple[str, str, Form]]:
    """(endpoint, url to post to, form) for every data-entry form an admin can open."""
    found = []
    for endpoint, url in get_urls(world).items():
        response = client.get(url)
        if response.status_code != 200:
            continue
        for form in data_forms(response.get_data(as_text=True)):
            found.append((endpoint, form.action or url, form))
    return found


def filter_forms(client, world) -> list[tuple[str, str, Form]]:
    """(endpoint, url, form) for every GET form (list filters and search boxes)."""
    found = []
    for endpoint, url in get_urls(world).items():
        response = client.get(url)
        if response.status_code != 200:
            continue
        for form in data_forms(response.get_data(as_text=True), method="get"):
            found.append((endpoint, form.action or url, form))
    return found
