"""The links in a session's sign-in code, signed with the app's SECRET_KEY.

A code names the session and the minute it was drawn (a time slot); it is good in that slot
and the next, so a code is valid for one to two minutes and a photo forwarded later is
useless. Scanning a good code gives a ticket for that session, good for TICKET_SECONDS: the
member may have to sign in to the app first, and lands back on the ticket, not on the code.
"""
from __future__ import annotations

import io

import segno
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from tracker import clock

SLOT_SECONDS = 60
#: slots a code stays good for: the one it was drawn in and the next
SLOTS_VALID = 2
#: long enough to type a username and password on a phone
TICKET_SECONDS = 10 * 60

_CODE_SALT = "tracker.selfsign.code"
_TICKET_SALT = "tracker.selfsign.ticket"


class Forged(Exception):
    """Not a code (or ticket) this app signed."""


class Stale(Exception):
    """A real code (or ticket), but too old."""


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=salt)


def _slot() -> int:
    return int(clock.now().timestamp()) // SLOT_SECONDS


def _pair(text: str, salt: str) -> tuple[int, int]:
    try:
        value = _serializer(salt).loads(text)
    except BadSignature as e:
        raise Forged from e
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise Forged
    return value[0], value[1]


def make_code(session_id: int) -> str:
    return _serializer(_CODE_SALT).dumps([session_id, _slot()])


def read_code(code: str) -> int:
    """The session id of a good code; Forged or Stale otherwise."""
    session_id, slot = _pair(code, _CODE_SALT)
    if not 0 <= _slot() - slot < SLOTS_VALID:
        raise Stale
    return session_id


def make_ticket(session_id: int) -> str:
    return _serializer(_TICKET_SALT).dumps([session_id, int(clock.now().timestamp())])


def read_ticket(ticket: str) -> int:
    session_id, issued = _pair(ticket, _TICKET_SALT)
    if not 0 <= clock.now().timestamp() - issued <= TICKET_SECONDS:
        raise Stale
    return session_id


def qr_svg(url: str, title: str) -> str:
    """The QR code of the link as an SVG document (black on white, a quiet zone around)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=4, title=title, omitsize=True,
                                     dark="#000", light="#fff", xmldecl=True)
    return out.getvalue().decode()
