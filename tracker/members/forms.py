from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from tracker.auth.forms import PasswordChangeForm


class ActivationForm(FlaskForm):
    """The member's first password: the same fields, and so the same strength rules, as the
    account page's password change (tracker/auth/forms.py)."""

    new = PasswordChangeForm.new
    repeat = PasswordChangeForm.repeat
    submit = SubmitField(_l("Set my password"))


class TalkAnswerForm(FlaskForm):
    """The person talked with confirms the record of their talk or disagrees with it."""

    comment = TextAreaField(_l("Your comment"), validators=[Length(max=2000)],
                            description=_l("Optional when you confirm; say what is not right when you disagree."))
    confirm = SubmitField(_l("Confirm"))
    disagree = SubmitField(_l("I disagree"))

    def validate_comment(self, field) -> None:
        if self.disagree.data and not (field.data or "").strip():
            raise ValidationError(_l("Say what is not right in the record, so the secretary can look into it."))

    @property
    def answer(self) -> str | None:
        if self.disagree.data:
            return "disagreed"
        return "confirmed" if self.confirm.data else None
