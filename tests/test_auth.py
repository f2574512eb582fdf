"""Signing in and out, and what ends a sign-in."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, sign_in


def test_sign_in_and_out(client, make_user):
    user = make_user("viewer")
    response = sign_in(client, user)
    assert response.status_code == 302 and response.location.endswith("/")
    assert client.get("/").status_code == 200
    assert client.post("/sign-out").status_code == 302
    assert client.get("/").status_code == 302


def test_sign_out_is_post_only(client, make_user):
    sign_in(client, make_user("viewer"))
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("username, password", [("nobody", PASSWORD), ("known", "wrong password")])
def test_failure_says_the_same_whether_the_user_exists(client, make_user, username, password):
    make_user("viewer", username="known")
    response = client.post("/sign-in", data={"username": username, "password": password})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Unknown username or wrong password." in page
    assert f'value="{username}"' in page  # the typed user name stays


def test_disabled_user_cannot_sign_in(client, make_user):
    user = make_user("admin", enabled=False)
    response = sign_in(client, user)
    assert response.status_code == 400
    assert "Unknown username or wrong password." in response.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/projects/", "/projects/"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_redirects_inside_the_app(client, make_user, target, expected):
    user = make_user("viewer")
    response = client.post("/sign-in", data={"username": user.username, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.location == expected


def test_sign_in_page_carries_next(client):
    response = client.get("/projects/")
    assert "/sign-in?next=" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/projects/"' in page


def test_password_change_ends_other_sign_ins(app, client, make_user):
    user = make_user("viewer")
    other = app.test_client()
    other.__class__ = client.__class__
    sign_in(client, user)
    sign_in(other, user)
    response = client.post("/account", data={"current": PASSWORD, "new": "a new password", "repeat": "a new password"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this sign-in goes on
    assert other.get("/").status_code == 302  # the other one has ended


def test_password_change_checks_current_password(client, make_user):
    sign_in(client, make_user("viewer"))
    response = client.post("/account", data={"current": "not it", "new": "a new password", "repeat": "a new password"})
    assert response.status_code == 400
    assert "The current password is wrong." in response.get_data(as_text=True)


def test_disabling_a_user_ends_their_sign_ins(app, client, make_user, session):
    user = make_user("viewer")
    admin = make_user("admin")
    other = app.test_client()
    other.__class__ = client.__class__
    sign_in(other, user)
    assert other.get("/").status_code == 200
    sign_in(client, admin)
    response = client.post(f"/accounts/{user.id}", data={
        "username": user.username, "roles": ["viewer"], "version": str(user.version),
    })  # "enabled" left unticked
    assert response.status_code == 302, response.get_data(as_text=True)
    assert other.get("/").status_code == 302


def test_passwords_are_stored_with_a_modern_kdf(tmp_path, monkeypatch):
    """Production settings hash with scrypt, in set_password and in the sign-in's dummy
    check; only the test app (tests/conftest.py) names a cheap method."""
    import contextvars

    from tracker import config, create_app
    from tracker.auth import signins
    from tracker.auth.models import User, hash_password

    monkeypatch.setenv("SECRET_KEY", "kdf-test")
    assert config.load(tmp_path)["PASSWORD_HASH_METHOD"] == "scrypt"
    production = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kdf.sqlite3'}"})
    with production.app_context():
        user = User(username="kdf")
        user.set_password("a long pass phrase")
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("a long pass phrase")
        assert signins._dummy_hash().startswith("scrypt:")
    # outside any app (the test's own app context is left behind in an empty context)
    assert contextvars.Context().run(hash_password, "no app").startswith("scrypt:")


def test_the_test_app_hashes_cheaply(app, make_user):
    from tests.conftest import CHEAP_HASH
    from tracker.auth.models import User

    user = User(username="cheap")
    user.set_password("a long pass phrase")
    assert user.password_hash.startswith(CHEAP_HASH + "$")
    assert make_user("viewer").password_hash.startswith(CHEAP_HASH + "$")
