"""Which passwords are refused, wherever one is set: the account page, an admin's account
form, the command line. Length and the user's own names are checked here; guessability by
zxcvbn, a maintained estimator that knows common passwords, dictionary words, keyboard runs
and repeats (character-class rules pass "Passw0rd!" and refuse long passphrases)."""
from __future__ import annotations

from flask_babel import gettext as _
from wtforms.validators import ValidationError
from zxcvbn import zxcvbn

MIN_LENGTH = 8
#: zxcvbn's scale 0–4; 3 is "safely unguessable" against a throttled online attack and a
#: slow offline one (our scrypt hashes)
MIN_SCORE = 3
#: zxcvbn refuses more than 72 characters (its work grows with the length); what follows adds little
CHECKED_LENGTH = 72


def problem(password: str, *names: str) -> str | None:
    """Why `password` is refused, or None. `names` are the user name, display name…"""
    if len(password) < MIN_LENGTH:
        return _("A password needs at least %(n)s characters.", n=MIN_LENGTH)
    lowered = password.lower()
    for name in names:
        name = (name or "").strip().lower()
        if len(name) >= 3 and (name in lowered or name[::-1] in lowered):
            return _("The password must not contain the user name.")
    inputs = [part for name in names if name for part in [name, *name.split()]]
    if zxcvbn(password[:CHECKED_LENGTH], user_inputs=inputs)["score"] < MIN_SCORE:
        return _("This password is too easy to guess (a common password, a word, a "
                 "keyboard run or a repeat). Use a longer phrase of several words.")
    return None


class StrongPassword:
    """A form validator: the password is refused as `problem` says, next to the field.
    `names` are the form's fields holding the user's names."""

    def __init__(self, *names: str, user=None):
        self.names = names
        self.user = user

    def __call__(self, form, field):
        if not field.data:
            return
        names = [form[n].data or "" for n in self.names if n in form]
        # whose password it is: the form may name the account (a member activating theirs,
        # signed out), else the signed-in user
        user = getattr(form, "password_owner", None)
        if user is None and self.user is not None:
            user = self.user()
        if getattr(user, "username", None):
            names += [user.username, user.display_name or ""]
        if message := problem(field.data, *names):
            raise ValidationError(message)
