"""Settings, read from the environment with defaults that run on one machine."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


#: the session types with a rule, in the order pages list them (DESIGN.md, "What is due")
SESSION_RULE_DEFAULTS = {
    "branch_meeting": "quarterly",
    "committee_meeting": "monthly",
    "party_group_meeting": "monthly",
    "party_lesson": "quarterly count={lessons}",
    "theme_party_day": "monthly day={theme_day}",
}


def session_rule(text: str, name: str = "rule") -> dict | None:
    """A session rule setting, e.g. "monthly day=10" or "quarterly count=2", as
    {"every_months", "due_day", "required"}; "off" gives None (no such rule in this bureau).

    `day` is the due day in the period's last month (default: its last day); `count` how many
    sessions each month or quarter needs (default 1). A bad value stops the app at start-up,
    rather than quietly judging branches by a rule nobody chose."""
    words = text.lower().split()
    if words == ["off"]:
        return None
    if not words or words[0] not in ("monthly", "quarterly"):
        raise ValueError(f"{name}: expected 'monthly' or 'quarterly' (or 'off'), got {text!r}")
    rule = {"every_months": 1 if words[0] == "monthly" else 3, "due_day": 0, "required": 1}
    for word in words[1:]:
        key, _, value = word.partition("=")
        field = {"day": "due_day", "count": "required"}.get(key)
        if field is None or not value.isdigit():
            raise ValueError(f"{name}: expected day=N or count=N, got {word!r}")
        rule[field] = int(value)
    if rule["due_day"] > 31 or rule["required"] < 1:
        raise ValueError(f"{name}: day is 1-31 (0: the last day), count at least 1: {text!r}")
    return rule


def session_rules() -> dict[str, dict]:
    """{session type: rule} from RULE_<TYPE> settings (types switched off are left out)."""
    shorthand = {"lessons": _int("RULE_LESSONS_PER_QUARTER", 1), "theme_day": _int("RULE_THEME_DAY", 10)}
    out = {}
    for kind, default in SESSION_RULE_DEFAULTS.items():
        name = f"RULE_{kind.upper()}"
        text = os.environ.get(name, default.format(**shorthand))
        # the older shorthand: no party lessons required at all
        if kind == "party_lesson" and name not in os.environ and shorthand["lessons"] < 1:
            text = "off"
        if (rule := session_rule(text, name)) is not None:
            out[kind] = rule
    return out


def load(instance_path: Path) -> dict:
    default_db = f"sqlite:///{instance_path / 'tracker.sqlite3'}"
    upload_max = _int("TRACKER_UPLOAD_MAX_MB", 10) * 1024 * 1024
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TRACKER_TIMEZONE", "Asia/Shanghai"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the sign-in
        "PAGE_SIZE": _int("TRACKER_PAGE_SIZE", 25),
        # Trust: HTTPS adds HSTS and Secure cookies; uploads live under one folder.
        "HTTPS": os.environ.get("TRACKER_HTTPS") == "1",
        "PROXY_FIX_X_FOR": _int("TRACKER_PROXIES", 0),  # reverse proxies in front of the app
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance_path / "uploads")),
        # Sign-in throttling: redis://… shares the counts between workers and servers.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "tracker"),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        "SIGN_IN_LIMIT_USER": os.environ.get("SIGN_IN_LIMIT_USER", "5 per minute;20 per hour"),
        "SIGN_IN_LIMIT_ADDRESS": os.environ.get("SIGN_IN_LIMIT_ADDRESS", "30 per minute;200 per hour"),
        # A sign-in ends after this long without a request, and this long after it began.
        "SIGN_IN_IDLE_MINUTES": _int("SIGN_IN_IDLE_MINUTES", 30),
        "SIGN_IN_MAX_HOURS": _int("SIGN_IN_MAX_HOURS", 12),
        # How passwords are hashed: Werkzeug's scrypt, a memory-hard KDF. Not read from the
        # environment, so no deployment weakens it by a stray variable; the test suite's
        # app sets a cheap method, since hashing is slow on purpose.
        "PASSWORD_HASH_METHOD": "scrypt",  # nosec B105 - the name of a KDF, not a password
        # Study session attachments: how big one may be; files live in UPLOAD_FOLDER.
        "UPLOAD_MAX_BYTES": upload_max,
        # Pictures: the most pixels one may decode to, and all of one request together.
        # Pictures are decoded one at a time at up to 8 bytes a pixel (RGBA, and the copy
        # Pillow scales): 24 MP is 192 MB at most. A JPEG decodes at a reduced scale (a
        # 48 MP phone photo as 6 MP), so this bounds PNGs and very large JPEGs.
        "UPLOAD_MAX_PIXELS": _int("TRACKER_UPLOAD_MAX_PIXELS", 24_000_000),
        "UPLOAD_MAX_PIXELS_PER_REQUEST": _int("TRACKER_UPLOAD_MAX_PIXELS_PER_REQUEST", 120_000_000),
        # The whole request: a form with several files at the per-file limit, plus the text.
        "MAX_CONTENT_LENGTH": upload_max * _int("TRACKER_UPLOAD_MAX_FILES", 8) + 1024 * 1024,
        # How long a member account's one-time activation code stays valid (tracker/members).
        "MEMBER_ACTIVATION_DAYS": _int("TRACKER_MEMBER_ACTIVATION_DAYS", 7),
        # Members sign themselves in to a session with its code from this long before its
        # start to this long after its end (tracker/selfsign).
        "SELF_SIGN_IN_BEFORE_MINUTES": _int("SELF_SIGN_IN_BEFORE_MINUTES", 30),
        "SELF_SIGN_IN_AFTER_MINUTES": _int("SELF_SIGN_IN_AFTER_MINUTES", 30),
        # A talk its subject has not confirmed this many days after it was held is listed
        # (tracker/talks/confirmation.py).
        "TALK_CONFIRMATION_DAYS": _int("TALK_CONFIRMATION_DAYS", 7),
        # Four eyes: nobody approves a record they wrote, conducted or are the subject of;
        # "1" lets a bureau with a single secretary do so, and marks each such approval.
        "REVIEW_ALLOW_SELF_APPROVAL": os.environ.get("REVIEW_ALLOW_SELF_APPROVAL") == "1",
        # A body without files (a url-encoded form, JSON) is held to this; the longest form,
        # a study session with every text at its limit, is some 200 KB url-encoded.
        "MAX_FORM_BYTES": _int("TRACKER_MAX_FORM_KB", 1024) * 1024,
        # Each text field of a form with files (Werkzeug's limit, set here on purpose).
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        "MAX_FORM_PARTS": 1000,
        # Backups: signed with BACKUP_KEY, else a key derived from SECRET_KEY; a restore first
        # keeps the current data in BACKUP_FOLDER and refuses archives larger than this.
        "BACKUP_KEY": os.environ.get("BACKUP_KEY", ""),
        "BACKUP_FOLDER": os.environ.get("BACKUP_FOLDER", str(instance_path / "backups")),
        "RESTORE_MAX_BYTES": _int("RESTORE_MAX_GB", 50) * 1024**3,
        # The "all branches" ledger is refused above this many sessions and talks.
        "LEDGER_MAX_RECORDS": _int("TRACKER_LEDGER_MAX_RECORDS", 3000),
        # Laying out a PDF costs about a tenth of a second per session or talk: above this
        # many the PDF is refused (the request would outlast the worker), the other formats not.
        "LEDGER_PDF_MAX_RECORDS": _int("TRACKER_LEDGER_PDF_MAX_RECORDS", 1000),
        # Compliance rules (DESIGN.md, "What is due, and when").
        "RULES": {
            "pre_talk_days_before_departure": _int("RULE_PRE_TALK_DAYS", 0),
            "post_talk_grace_days": _int("RULE_POST_TALK_GRACE_DAYS", 10),
            # {session type: {"every_months", "due_day", "required"}}: tracker/study/rules.py
            "sessions": session_rules(),
            "branch_needed_min_days": _int("RULE_BRANCH_MIN_DAYS", 30),
            "branch_needed_min_members": _int("RULE_BRANCH_MIN_MEMBERS", 3),
            "integrity_disclosure_days": _int("RULE_DISCLOSURE_DAYS", 3),
            # the post-audit revisit (廉政回访) is due this many days after the project ends
            "integrity_revisit_days": _int("RULE_REVISIT_DAYS", 30),
            "review_within_days": _int("RULE_REVIEW_DAYS", 14),
            "due_soon_days": _int("RULE_DUE_SOON_DAYS", 7),
        },
    }
