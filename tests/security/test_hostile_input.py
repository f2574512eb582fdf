"""Every form, fed random and hostile values, answers with a page and a clear message —
never a server error — and a refused save writes nothing at all. Forms are discovered from
the pages (tests/security/discover.py), so new features are covered without changes here."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import sign_in
from tests.security.discover import fresh_form, plausible, post_forms
from tests.test_access import world  # noqa: F401 - the fixture
from tracker.db import Base
from tracker.extensions import db

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "120"))
ANSWERS = {200, 302, 303, 400, 403, 404, 409, 429}

hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),  # control characters
    st.text(alphabet=st.sampled_from("😀🇨🇳党支部ÅßЖжعربيעברית\u200b\u202e\u0301 \t\n"), max_size=60),
    st.sampled_from(["x" * 100_000, "' OR '1'='1", "1; DROP TABLE person--", "%_\\", "<b>", "\r\n\r\n",
                     "NaN", "-0", "１２３", "\ufeff", "\ud7ff", "​"]),
)
hostile_date = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "2026-13-01", "-1",
                     "99999-01-01", "2026/06/15", "15.06.2026", "", " ", "2026-06-15T10:00"]),
    st.dates().map(lambda d: d.isoformat()),
    hostile_text,
)
hostile_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["-1", "0", "2147483648", "9223372036854775808", "1e309", "NaN", "", "0x10"]),
)


def value_for(field, draw):
    kind = field.kind
    if kind in ("select", "select-multiple", "radio", "checkbox"):
        # An index, not sampled_from(options): the choices grow as examples create records,
        # and hypothesis needs the same draws to give the same shapes when it replays.
        options = field.options or [""]
        real = st.integers(0, 50).map(lambda i: options[i % len(options)])
        choice = st.one_of(real, hostile_number, hostile_text)
        return draw(st.lists(choice, max_size=3)) if kind in ("select-multiple", "checkbox") else draw(choice)
    if kind == "date":
        return draw(hostile_date)
    if kind == "number":
        return draw(hostile_number)
    return draw(hostile_text)


def snapshot() -> dict:
    """Every row of every table (the database as it is now)."""
    db.session.expire_all()
    return {t.name: sorted(map(repr, db.session.execute(select(t)).all())) for t in Base.metadata.sorted_tables}


def history_count(snap) -> int:
    return len(snap["history_entry"])


def test_every_form_survives_hostile_input(client, world):  # noqa: F811
    sign_in(client, world["users"]["admin"])
    targets = post_forms(client, world)
    assert len(targets) >= 8

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                     HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data):
        endpoint, page_url, form = data.draw(st.sampled_from(targets), label="form")
        form = fresh_form(client, page_url, form)
        values = plausible(form)
        for name, field in form.inputs.items():
            how = data.draw(st.sampled_from(["keep", "hostile", "hostile", "missing", "repeated"]), label=name)
            if how == "hostile":
                values[name] = value_for(field, data.draw)
            elif how == "missing":
                values.pop(name, None)
            elif how == "repeated":
                values[name] = [value_for(field, data.draw), value_for(field, data.draw)]
        if data.draw(st.booleans(), label="drop version") and "version" in values:
            values.pop("version")
        before = snapshot()
        try:
            response = client.post(form.action or page_url, data=values)
        except Exception:
            db.session.rollback()  # so that hypothesis can replay the example cleanly
            raise
        assert response.status_code in ANSWERS, (endpoint, response.status_code)
        after = snapshot()
        download = response.headers.get("Content-Disposition", "").startswith("attachment")
        if response.status_code in (302, 303) or download:
            # Saved (or exported): whatever changed was recorded in history in the same transaction.
            assert after == before or history_count(after) > history_count(before), endpoint
        else:
            assert after == before, f"{endpoint} answered {response.status_code} but wrote"
            page = response.get_data(as_text=True)
            # The form again with messages, or the error page saying what happened.
            clear = ("invalid-feedback" in page or "alert alert-" in page
                     or f'<h1 class="h3">{response.status_code} ·' in page)
            assert clear, endpoint

    run()
    assert client.get("/account").status_code == 200  # still signed in: nothing broke the session


def test_sign_in_survives_hostile_input(client):
    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(username=hostile_text, password=hostile_text, next_=hostile_text)
    def run(username, password, next_):
        client.csrf_token = None
        response = client.post("/sign-in", data={"username": username, "password": password, "next": next_})
        assert response.status_code in (400, 429)

    run()


def test_list_filters_survive_hostile_input(client, world):  # noqa: F811
    from tests.security.discover import filter_forms

    sign_in(client, world["users"]["admin"])
    targets = filter_forms(client, world)

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data())
    def run(data):
        endpoint, url, form = data.draw(st.sampled_from(targets))
        params = {name: data.draw(st.one_of(hostile_text, hostile_number)) for name in [*form.inputs, "page"]}
        response = client.get(url, query_string=params)
        assert response.status_code in (200, 400, 404), (endpoint, response.status_code)  # 404: a branch that is not there

    run()


def test_huge_ids_in_addresses_are_not_found(client, world):  # noqa: F811
    sign_in(client, world["users"]["admin"])
    for url in ("/people/2147483648", "/people/99999999999999999999999", "/projects/9223372036854775808/edit"):
        assert client.get(url).status_code == 404
