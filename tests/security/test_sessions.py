"""Changing or resetting a password ends the user's other sign-ins; disabling ends all."""
from __future__ import annotations

from tests.conftest import PASSWORD, sign_in

NEW = "a brand new password"


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_password_change_ends_other_sessions_but_not_this_one(new_client, make_user):
    user = make_user("secretary")
    laptop, desktop = new_client(), new_client()
    assert sign_in(laptop, user).status_code == 302
    assert sign_in(desktop, user).status_code == 302
    assert signed_in(laptop) and signed_in(desktop)

    response = laptop.post("/account", data={"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert response.status_code == 302

    assert signed_in(laptop)
    assert not signed_in(desktop)
    assert desktop.get("/people/").status_code == 302  # to the sign-in page
    assert sign_in(desktop, user, NEW).status_code == 302  # the new password works


def test_admin_password_reset_ends_all_sessions_of_that_user(new_client, make_user):
    user = make_user("viewer")
    admin = make_user("admin")
    first, second, admin_client = new_client(), new_client(), new_client()
    sign_in(first, user)
    sign_in(second, user)
    sign_in(admin_client, admin)

    response = admin_client.post(f"/accounts/{user.id}", data={
        "username": user.username, "display_name": "", "roles": ["viewer"],
        "enabled": "y", "password": NEW, "version": str(user.version),
    })
    assert response.status_code == 302

    assert not signed_in(first) and not signed_in(second)
    assert signed_in(admin_client)
    assert sign_in(first, user).status_code == 400  # the old password no longer works
    assert sign_in(first, user, NEW).status_code == 302


def test_disabling_a_user_ends_all_their_sessions(new_client, make_user):
    user = make_user("secretary")
    admin = make_user("admin")
    first, second, admin_client = new_client(), new_client(), new_client()
    sign_in(first, user)
    sign_in(second, user)
    sign_in(admin_client, admin)

    response = admin_client.post(f"/accounts/{user.id}", data={
        "username": user.username, "display_name": "", "roles": ["secretary"],
        "password": "", "version": str(user.version),  # "enabled" left unticked
    })
    assert response.status_code == 302

    assert not signed_in(first) and not signed_in(second)
    assert sign_in(first, user).status_code == 400  # and cannot sign in again


def test_an_old_cookie_stays_dead_after_the_password_changes_back(new_client, make_user, session):
    """The cookie carries the epoch, not the password: going back to the old password does
    not bring an ended sign-in back."""
    user = make_user("viewer")
    old = new_client()
    sign_in(old, user)
    user.set_password(NEW)
    user.session_epoch += 1
    session.flush()
    user.set_password(PASSWORD)
    user.session_epoch += 1
    session.flush()
    assert not signed_in(old)
