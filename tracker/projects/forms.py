from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker import vocab
from tracker.dates import DateField
from tracker.forms import DATE_MESSAGE, DateOrder, IdSelectField, RecordForm


class ProjectForm(RecordForm):
    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=100)])
    code = StringField(
        _l("Project code"),
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(r"^[\w\-/]+$", message=_l("Letters, digits, -, / and _ only.")),
        ],
    )
    audited_entity = StringField(_l("Audited entity"), validators=[DataRequired(), Length(max=100)])
    project_type = SelectField(_l("Project type"), choices=vocab.choices(vocab.PROJECT_TYPES))
    site = StringField(_l("Site"), validators=[Length(max=100)])
    start_date = DateField(_l("Start date"), validators=[DataRequired(DATE_MESSAGE)])
    end_date = DateField(
        _l("End date"),
        validators=[
            DataRequired(DATE_MESSAGE),
            DateOrder("start_date", _l("The end date cannot be before the start date.")),
        ],
    )
    status = SelectField(_l("Status"), choices=vocab.choices(vocab.PROJECT_STATUSES))
    team_leader_id = IdSelectField(_l("Team leader"), validators=[Optional()])
    model_fields = (
        "name", "code", "audited_entity", "project_type", "site",
        "start_date", "end_date", "status", "team_leader_id",
    )


class CheckpointsForm(RecordForm):
    """One date and note per integrity checkpoint; fields are added per kind below."""

    model_fields = ()


for _kind in vocab.CHECKPOINT_KINDS:
    setattr(CheckpointsForm, f"{_kind}_on", DateField(
        _l("Done on"), validators=[Optional()],
    ))
    setattr(CheckpointsForm, f"{_kind}_note", TextAreaField(
        _l("Note"), validators=[Length(max=500)],
    ))
