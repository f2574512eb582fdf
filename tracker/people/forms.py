from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker import vocab
from tracker.forms import RecordForm


class PersonForm(RecordForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    party_status = SelectField(_l("Party status"), choices=vocab.choices(vocab.PARTY_STATUSES))
    source = SelectField(_l("Source"), choices=vocab.choices(vocab.SOURCES))
    home_organisation = StringField(_l("Home organisation"), validators=[Length(max=100)])
    post = StringField(_l("Post"), validators=[Length(max=50)])
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=30),
            Regexp(r"^[0-9+\-() ]+$", message=_l("Digits, spaces, +, - and brackets only.")),
        ],
    )
    model_fields = ("name", "party_status", "source", "home_organisation", "post", "phone")
