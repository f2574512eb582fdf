import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from tracker import clock, vocab
from tracker.forms import RecordForm

#: the party's founding (1 July 1921): no one joined it earlier
PARTY_FOUNDED = dt.date(1921, 7, 1)


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
    gender = SelectField(_l("Gender"), choices=vocab.choices(vocab.GENDERS, blank="—"), default="")
    joined_party_on = DateField(_l("Joined the party on"), validators=[Optional()])
    model_fields = ("name", "party_status", "source", "home_organisation", "post", "phone",
                    "gender", "joined_party_on")

    def validate_joined_party_on(self, field):
        if field.data is None:
            return
        if field.data > clock.today():
            raise ValidationError(_l("The date of joining the party cannot be in the future."))
        if field.data < PARTY_FOUNDED:
            raise ValidationError(_l("The party was founded on 1 July 1921; check the year."))
        if self.party_status.data == "none":
            raise ValidationError(_l("Only party members have a date of joining the party."))
