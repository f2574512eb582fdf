from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from tracker.dates import DateField
from tracker.forms import DATE_MESSAGE, IdSelectField, RecordForm


class ClaimForm(RecordForm):
    """A member's own claim of a manual item: which item, when, how many times, why, and the
    evidence; the person is themselves."""

    item_code = SelectField(_l("Points item"), choices=[])
    occurred_on = DateField(_l("Date"), validators=[DataRequired(DATE_MESSAGE)])
    occurrences = IntegerField(_l("Times"), default=1,
                               validators=[DataRequired(), NumberRange(1, 100)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    evidence = FileField(_l("Evidence (photo, PDF, Word or Excel file)"))
    submit = SubmitField(_l("Send for review"))
    model_fields = ("item_code", "occurred_on", "occurrences", "reason")


class PointsEntryForm(ClaimForm):
    """A manual points item recorded by the office: a claim's fields, for a person it chooses."""

    person_id = IdSelectField(_l("Person"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))
    model_fields = ("person_id", *ClaimForm.model_fields)
