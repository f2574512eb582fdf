from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.db import Base, Tracked
from tracker.people.models import Person

#: Werkzeug's scrypt, a memory-hard KDF: the method unless the app's config names another
KDF = "scrypt"


def hash_method() -> str:
    """The app's PASSWORD_HASH_METHOD (only the test suite sets a cheap one), else scrypt."""
    return current_app.config.get("PASSWORD_HASH_METHOD", KDF) if has_app_context() else KDF


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=hash_method())


class User(UserMixin, Tracked, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    #: space-separated role codes from vocab.ROLES
    roles_text: Mapped[str] = mapped_column(String(100), default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    #: bumped when the password changes or the user is disabled; part of the
    #: sign-in cookie, so older sign-ins stop working
    session_epoch: Mapped[int] = mapped_column(default=0)
    last_sign_in_at: Mapped[dt.datetime | None]
    #: the interface language the user last picked (i18n.LANGUAGES), empty until they pick one;
    #: used where no browser asks, such as the calendar feed
    language: Mapped[str] = mapped_column(String(5), default="", server_default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    person: Mapped[Person | None] = relationship()
    #: a member account's one-time activation code, hashed (sha256); None once used
    activation_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    activation_expires_at: Mapped[dt.datetime | None]

    @property
    def roles(self) -> set[str]:
        return set(self.roles_text.split())

    @roles.setter
    def roles(self, roles) -> None:
        self.roles_text = " ".join(sorted(set(roles)))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.enabled and self.deleted_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def __str__(self) -> str:
        return self.name


class SignIn(Base):
    """One sign-in of one browser. The browser's session cookie holds a random token whose
    hash is kept here: signing out ends the row, so a copy of the cookie taken before is
    refused afterwards; idle and absolute limits are checked against its times."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: SHA-256 of the token in the cookie (a leaked table cannot be replayed as cookies)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    #: refreshed at most once a minute while the browser is used (the idle timeout)
    last_seen_at: Mapped[dt.datetime]
    #: set on sign-out; an ended sign-in never comes back
    ended_at: Mapped[dt.datetime | None]
