"""Dates far outside any real range, on every filter and every form the pages offer (found by
tests/security/discover.py) and on the date arguments of lists and the dashboard, give a page
with a clear message — never a server error — and save nothing."""
from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.security.discover import field_errors, filter_forms, fresh_form, html_of, plausible, post_forms
from tests.test_access import world  # noqa: F401 - the fixture
from tracker import dates

EXTREMES = ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"]
MONTHS = ["0001-01", "9999-12", "1899-12", "2200-01"]
#: date arguments of lists and pages that are links, not form fields
LINK_ARGS = [
    ("/study/", "month"), ("/study/", "held_from"), ("/study/", "held_to"),
    ("/due/", "due_from"), ("/due/", "due_to"),
    ("/?period=custom&to=2026-06-30", "from"), ("/?period=custom&from=2026-06-01", "to"),
    ("/ledger/?period=custom&date_to=2026-06-30", "date_from"),
    ("/ledger/?period=custom&date_from=2026-06-01", "date_to"),
    ("/ledger/print?period=custom&date_to=2026-06-30", "date_from"),
]


def _is_date_field(name: str, field) -> bool:
    if field.kind in ("select", "select-multiple", "radio", "checkbox", "hidden"):
        return False  # a choice of month numbers, not a date
    return field.kind in ("date", "month") or name in ("month", "from", "to") or name.endswith(
        ("_from", "_to", "_on", "_date"))


def test_the_one_validator_bounds_every_date():
    assert dates.parse_day("2026-06-15") is not None
    for text in EXTREMES:
        assert dates.parse_day(text) is None
    for text in MONTHS:
        assert dates.parse_month(text) is None
    assert dates.parse_month("2026-06") is not None


def test_every_filter_with_extreme_dates(client, world):  # noqa: F811
    sign_in(client, world["users"]["admin"])
    forms = filter_forms(client, world)
    walked = set()
    for endpoint, url, form in forms:
        names = [n for n, f in form.inputs.items() if _is_date_field(n, f)]
        for name in names:
            values = MONTHS if name == "month" else EXTREMES
            for value in values:
                args = {**plausible(form), name: value}
                response = client.get(url.split("?")[0], query_string=args)
                assert response.status_code in (200, 400), (endpoint, name, value, response.status_code)
                if response.mimetype == "text/html":
                    assert "between" in html_of(response), (endpoint, name, value)  # the message
                walked.add((endpoint, name))
    # the study list's month and days, the due list's due dates, the ledger's custom period…
    assert len(walked) >= 6, walked


@pytest.mark.parametrize(("url", "name"), LINK_ARGS)
@pytest.mark.parametrize("which", range(4))
def test_date_arguments_of_lists_and_pages(client, world, url, name, which):  # noqa: F811
    sign_in(client, world["users"]["admin"])
    value = (MONTHS if name == "month" else EXTREMES)[which]
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}{name}={value}")
    assert response.status_code in (200, 400), response.status_code
    assert "between" in html_of(response)


def test_every_form_with_extreme_dates(client, world):  # noqa: F811
    sign_in(client, world["users"]["admin"])
    walked = set()
    for endpoint, page_url, form in post_forms(client, world):
        names = [n for n, f in form.inputs.items() if f.kind == "date"]
        for name in names:
            for value in EXTREMES:
                form = fresh_form(client, page_url, form)
                data = {**plausible(form), name: value}
                response = client.post(form.action or page_url, data=data)
                assert response.status_code == 400, (endpoint, name, value, response.status_code)
                assert name in field_errors(html_of(response)), (endpoint, name, value)
                walked.add((endpoint, name))
    assert len(walked) >= 10, walked
