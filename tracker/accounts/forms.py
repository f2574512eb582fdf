from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker import vocab
from tracker.auth.passwords import StrongPassword
from tracker.forms import IdSelectField, MultiCheckboxField, RecordForm


class AccountForm(RecordForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[\w.\-]+$", message=_l("Letters, digits, '.', '-' and '_' only.")),
        ],
    )
    display_name = StringField(_l("Display name"), validators=[Length(max=100)])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=vocab.choices(vocab.ROLES),
        validators=[DataRequired(_l("Choose at least one role."))],
    )
    person_id = IdSelectField(_l("Person"), validators=[Optional()])
    enabled = BooleanField(_l("Enabled"), default=True)
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(max=200), StrongPassword("username", "display_name")],
        description=_l("Leave empty to keep the current password."),
    )
    model_fields = ("username", "display_name", "person_id", "enabled")
