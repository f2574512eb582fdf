"""Form pieces the features share."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.security.guards import MAX_ID

#: the message of a date field left empty or unreadable
DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD.")


class EmptyForm(FlaskForm):
    """For POST-only buttons (sign out, delete, restore), so they carry CSRF."""

    submit = SubmitField()


class RecordForm(FlaskForm):
    """A form that edits a record: it carries the version it was opened at."""

    version = HiddenField()
    submit = SubmitField(_l("Save"))

    #: names of the fields that map one-to-one onto model attributes
    model_fields: tuple[str, ...] = ()

    def model_data(self) -> dict:
        data = {}
        for name in self.model_fields:
            value = self[name].data
            if value is None and isinstance(self[name], StringField):
                value = ""  # a text field left out of the request means empty, not NULL
            data[name] = value.strip() if isinstance(value, str) else value
        return data

    def opened_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class DeleteForm(FlaskForm):
    """A delete button's POST; the reason is asked for when approved records depend on the
    record (tracker.record_pages.delete_page)."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=500)])


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IdSelectField(SelectField):
    """A select of records by id; the empty choice means none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", _int_or_none)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        if self.data is None and self.flags.required:
            raise ValidationError(_l("This field is required."))
        if self.data is not None and self.data not in {value for value, *_ in self.choices}:
            raise ValidationError(_l("Not a valid choice."))


def _int_or_none(value):
    """An id, or None for anything no record can have (not a number, or past the database's
    integer range — comparing those would fail in the database rather than find nothing)."""
    if value in (None, "", "None"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class DateOrder:
    """Validates that this date field is on or after another one."""

    def __init__(self, other: str, message):
        self.other = other
        self.message = message

    def __call__(self, form, field):
        start = form[self.other].data
        if field.data and start and field.data < start:
            raise ValidationError(self.message)
