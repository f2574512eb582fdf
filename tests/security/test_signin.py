"""Sign-ins end on the server, time out, renew the CSRF secret; sign-in reveals nothing about
which user names exist; weak passwords are refused wherever one is set; no page is cached."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import NOW, PASSWORD, sign_in
from tests.security.discover import get_urls
from tests.test_access import world  # noqa: F401 - the fixture
from tracker import clock
from tracker.auth.models import SignIn, User


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def cookie_copy(client, app):
    """Another browser holding a copy of `client`'s session cookie."""
    value = client.get_cookie("session", domain="tracker.test").value
    thief = app.test_client()
    thief.set_cookie("session", value, domain="tracker.test")
    return thief


# Sessions ------------------------------------------------------------------------------
def test_a_cookie_copied_before_sign_out_is_refused_after(app, client, make_user, session):
    user = make_user("secretary")
    sign_in(client, user)
    thief = cookie_copy(client, app)
    assert signed_in(thief)  # the copy works while the sign-in lasts
    client.post("/sign-out")
    assert not signed_in(client)
    assert not signed_in(thief)
    assert thief.get("/people/").status_code == 302
    assert session.scalar(select(SignIn.ended_at).where(SignIn.user_id == user.id)) is not None


def test_signing_out_ends_only_that_sign_in(new_client, make_user):
    user = make_user("team-leader")
    office, laptop = new_client(), new_client()
    sign_in(office, user)
    sign_in(laptop, user)
    office.post("/sign-out")
    assert not signed_in(office) and signed_in(laptop)


def test_idle_timeout(client, make_user):
    sign_in(client, make_user("viewer"))
    for minutes in (29, 58, 87):  # used every 29 minutes: still signed in
        clock.fix(NOW + dt.timedelta(minutes=minutes))
        assert signed_in(client), minutes
    clock.fix(NOW + dt.timedelta(minutes=87 + 31))  # 31 minutes idle
    assert not signed_in(client)


def test_absolute_lifetime(client, make_user):
    sign_in(client, make_user("viewer"))
    moment = NOW
    while moment < NOW + dt.timedelta(hours=11, minutes=50):
        moment += dt.timedelta(minutes=20)  # busy all day, never idle
        clock.fix(moment)
        assert signed_in(client)
    clock.fix(NOW + dt.timedelta(hours=12, minutes=1))
    assert not signed_in(client)


def test_the_limits_are_settings(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_IDLE_MINUTES", 5)
    monkeypatch.setitem(app.config, "SIGN_IN_MAX_HOURS", 1)
    sign_in(client, make_user("viewer"))
    clock.fix(NOW + dt.timedelta(minutes=6))
    assert not signed_in(client)
    sign_in(client, make_user("viewer"))
    for minutes in range(10, 63, 4):  # signed in again at minute 6
        clock.fix(NOW + dt.timedelta(minutes=minutes))
        assert signed_in(client)
    clock.fix(NOW + dt.timedelta(minutes=67))  # 61 minutes after signing in, 5 idle
    assert not signed_in(client)


def test_the_csrf_secret_is_renewed_at_sign_in(client, make_user):
    page = client.get("/sign-in").get_data(as_text=True)
    before = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    user = make_user("secretary")
    client.csrf_token = before
    assert client.post("/sign-in", data={"username": user.username, "password": PASSWORD}).status_code == 302
    # A token handed out before signing in (which a page of another site could have
    # fixed) does not carry over into the sign-in.
    client.csrf_token = before
    assert client.post("/people/new", data={"name": "新人"}).status_code == 400
    client.csrf_token = None
    assert client.fetch_csrf() != before


# Sign-in reveals nothing -----------------------------------------------------------------
def test_unknown_and_known_user_names_cost_the_same_kdf_run(client, make_user, monkeypatch):
    from tracker.auth import signins

    calls = []
    real = signins.check_password_hash

    def counting(stored, password):
        calls.append(stored.split("$", 1)[0])  # the method and its cost parameters
        return real(stored, password)

    monkeypatch.setattr(signins, "check_password_hash", counting)
    known = make_user("viewer")
    disabled = make_user("viewer", enabled=False)
    answers = []
    for username in (known.username, "nobody-by-this-name", disabled.username):
        client.csrf_token = None
        response = client.post("/sign-in", data={"username": username, "password": "wrong password!"})
        answers.append((response.status_code, "Unknown username or wrong password." in response.get_data(as_text=True)))
    assert answers == [(400, True)] * 3
    # the method the app hashes with (scrypt in production: tests/test_auth.py)
    assert calls == [client.application.config["PASSWORD_HASH_METHOD"]] * 3


# Passwords ------------------------------------------------------------------------------
WEAK = ["12345678", "password", "aaaaaaaa", "qwertyuiop", "Passw0rd!", "short"]


@pytest.mark.parametrize("weak", [*WEAK, "{username}", "{username}2026!", "x{username}x-99"])
def test_weak_passwords_are_refused_on_the_account_page(client, make_user, weak):
    user = make_user("viewer", username="zhanglei")
    sign_in(client, user)
    weak = weak.format(username="zhanglei")
    response = client.post("/account", data={"current": PASSWORD, "new": weak, "repeat": weak})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="new"[^>]*is-invalid|is-invalid[^>]*id="new"', page), "message next to the field"
    assert "too easy to guess" in page or "at least 8 characters" in page or "user name" in page
    assert signed_in(client) and sign_in(client, user).status_code == 302  # old password kept


@pytest.mark.parametrize("weak", [*WEAK, "{username}88"])
def test_weak_passwords_are_refused_when_an_admin_creates_or_resets(client, signed_in, make_user, session, weak):
    signed_in("admin")
    response = client.post("/accounts/new", data={"username": "wanghong", "roles": ["viewer"],
                                                  "password": weak.format(username="wanghong"), "enabled": "y"})
    assert response.status_code == 400 and "wanghong" in response.get_data(as_text=True)  # form kept
    assert session.scalar(select(User).where(User.username == "wanghong")) is None
    other = make_user("viewer")
    response = client.post(f"/accounts/{other.id}", data={
        "username": other.username, "roles": ["viewer"], "enabled": "y",
        "password": weak.format(username=other.username),
        "version": str(other.version)})
    assert response.status_code == 400


def test_a_strong_passphrase_is_accepted_everywhere(client, signed_in, session):
    signed_in("admin")
    response = client.post("/accounts/new", data={"username": "wanghong", "roles": ["viewer"],
                                                  "password": "瓦片 river lantern", "enabled": "y"})
    assert response.status_code == 302
    client.post("/sign-out")
    user = session.scalar(select(User).where(User.username == "wanghong"))
    assert sign_in(client, user, "瓦片 river lantern").status_code == 302


@pytest.mark.parametrize("weak", [*WEAK, "liuyang1"])
def test_weak_passwords_are_refused_on_the_command_line(app, weak):
    result = app.test_cli_runner().invoke(
        args=["user", "create", "liuyang", "--role", "viewer", "--password-stdin"], input=weak + "\n")
    assert result.exit_code != 0
    assert "too easy to guess" in result.output or "at least 8" in result.output or "user name" in result.output


# Nothing personal stays in a browser's cache ---------------------------------------------------
def test_every_page_is_no_store_but_static_files_are_cached(client, world, session):  # noqa: F811
    sign_in(client, world["users"]["admin"])
    for url in get_urls(world).values():
        response = client.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    response = client.get("/sign-in")
    assert "no-store" in response.headers["Cache-Control"]
    for url in ("/static/app.css", "/bootstrap/static/css/bootstrap.min.css"):
        assert "no-store" not in client.get(url).headers.get("Cache-Control", "")


def test_a_very_long_password_is_judged_not_a_server_error(client, make_user):
    sign_in(client, make_user("viewer"))
    long = "长城 river lantern " * 10  # past zxcvbn's 72 characters
    response = client.post("/account", data={"current": PASSWORD, "new": long, "repeat": long})
    assert response.status_code == 302
    assert problem_for("a" * 150) is not None


def problem_for(password: str):
    from tracker.auth.passwords import problem

    return problem(password, "someone")
