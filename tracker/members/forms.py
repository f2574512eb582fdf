from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField

from tracker.auth.forms import PasswordChangeForm


class ActivationForm(FlaskForm):
    """The member's first password: the same fields, and so the same strength rules, as the
    account page's password change (tracker/auth/forms.py)."""

    new = PasswordChangeForm.new
    repeat = PasswordChangeForm.repeat
    submit = SubmitField(_l("Set my password"))
