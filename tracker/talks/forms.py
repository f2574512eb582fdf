from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker import vocab
from tracker.dates import DateField
from tracker.forms import DATE_MESSAGE, DateOrder, IdSelectField, RecordForm

#: talk types that show the integrity checklist
CHECKLIST_TYPES = ("pre_dispatch", "integrity_reminder")


class ChecklistField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        valid = {value for value, _ in self.choices}
        if any(v not in valid for v in self.data or []):
            raise ValidationError(_l("Not a valid choice."))


class TalkForm(RecordForm):
    talk_type = SelectField(_l("Talk type"), choices=vocab.choices(vocab.TALK_TYPES))
    dispatch_id = IdSelectField(_l("Dispatch"))
    person_id = IdSelectField(_l("Talked with"), validators=[DataRequired()])
    talk_date = DateField(_l("Date"), validators=[DataRequired(DATE_MESSAGE)])
    place = StringField(_l("Place"), validators=[Length(max=100)])
    conducted_by_id = IdSelectField(_l("Conducted by"), validators=[DataRequired()])
    talk_form = SelectField(_l("Form"), choices=vocab.choices(vocab.TALK_FORMS))
    key_points = TextAreaField(_l("Key points"), validators=[DataRequired(), Length(max=10000)])
    concerns = TextAreaField(_l("Concerns raised"), validators=[Length(max=10000)])
    integrity_item_ids = ChecklistField(_l("Integrity items covered"), coerce=int, choices=[])
    follow_up = TextAreaField(_l("Follow-up"), validators=[Length(max=5000)])
    follow_up_due = DateField(
        _l("Follow-up due"),
        validators=[Optional(), DateOrder("talk_date", _l("The follow-up cannot be due before the talk."))],
    )
    recorder_id = IdSelectField(_l("Recorder"), validators=[Optional()])
    late_reason = TextAreaField(
        _l("Why the talk was late"), validators=[Length(max=500)],
        description=_l("Needed only when a pre-dispatch talk is held after the departure date."))
    model_fields = (
        "talk_type", "dispatch_id", "person_id", "talk_date", "place", "conducted_by_id", "talk_form",
        "key_points", "concerns", "follow_up", "follow_up_due", "recorder_id", "late_reason",
    )

    def validate_dispatch_id(self, field):
        if self.talk_type.data in vocab.DISPATCH_TALK_TYPES and field.data is None:
            raise ValidationError(_l("Choose the dispatch this talk belongs to."))

    def validate_follow_up_due(self, field):
        if field.data and not (self.follow_up.data or "").strip():
            raise ValidationError(_l("Say what the follow-up is, or leave its due date empty."))

    def covered_items(self) -> list[int]:
        return list(self.integrity_item_ids.data or []) if self.talk_type.data in CHECKLIST_TYPES else []
