"""Markup typed into any text field or passed in any filter comes back escaped, on the form
page, the record's page, the lists and the history. Forms and filters are discovered from
the pages, so new features are covered without changes here."""
from __future__ import annotations

from tests.conftest import sign_in
from tests.security.discover import (
    field_errors,
    filter_forms,
    fresh_form,
    get_urls,
    html_of,
    plausible,
    post_forms,
)
from tests.test_access import world  # noqa: F401 - the fixture

PAYLOADS = ['<script>alert(1)</script>', '"><svg onload=alert(2)>']
RAW = ["<script>alert(1)</script>", "<svg onload=alert(2)>"]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
TEXT_KINDS = {"text", "textarea", "search", "email", "tel", "url"}


def assert_no_raw(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"unescaped {raw!r} in {where}"


def test_stored_markup_comes_back_escaped_everywhere(client, world):  # noqa: F811
    sign_in(client, world["users"]["admin"])
    targets = post_forms(client, world)
    assert len(targets) >= 8, "expected every create/edit form of the app"
    escaped_seen = 0
    saved = 0
    for endpoint, page_url, form in targets:
        form = fresh_form(client, page_url, form)
        url = form.action or page_url
        data = plausible(form)
        text_fields = [n for n, f in form.inputs.items() if f.kind in TEXT_KINDS]
        for i, name in enumerate(text_fields):
            data[name] = PAYLOADS[i % 2]
        response = client.post(url, data=data)
        html = html_of(response)
        assert_no_raw(html, f"the answer of {endpoint}")
        escaped_seen += html.count(ESCAPED)
        if response.status_code == 400:
            # Fields with a format (codes, phone numbers) refuse markup, escaped above;
            # put plain values there and save the markup in the others.
            for name in field_errors(html) & set(text_fields):
                data[name] = f"X{len(name)}{saved}"
            response = client.post(url, data=data)
            html = html_of(response)
            assert_no_raw(html, f"the answer of {endpoint}")
        assert response.status_code in (200, 302, 400, 409), (endpoint, response.status_code)
        if response.status_code == 302:
            saved += 1
            page = client.get(response.location).get_data(as_text=True)
            assert_no_raw(page, response.location)
            escaped_seen += page.count(ESCAPED)
    assert saved >= len(targets) // 2, "most forms should accept markup as plain text and save it"
    # Every page, lists and histories included, now showing the stored values.
    for endpoint, url in get_urls(world).items():
        page = html_of(client.get(url))
        assert_no_raw(page, endpoint)
        escaped_seen += page.count(ESCAPED)
    assert escaped_seen >= 10  # the payload was really stored and shown, escaped


def test_filters_echo_markup_escaped(client, world):  # noqa: F811
    sign_in(client, world["users"]["admin"])
    targets = filter_forms(client, world)
    assert targets, "the lists have filter forms"
    for endpoint, url, form in targets:
        params = {name: PAYLOADS[0] for name in form.inputs}
        response = client.get(url, query_string=params)
        # A list ignores what it cannot use (200); a page whose filters must make sense (the
        # ledger's period) says so (400). Either way the text comes back escaped.
        assert response.status_code in (200, 400), endpoint
        html = response.get_data(as_text=True)
        assert_no_raw(html, f"{endpoint} filtered")
        if "q" in params:
            assert ESCAPED in html, f"{endpoint} does not show the search text back"
