from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker import vocab
from tracker.dates import DateField
from tracker.forms import DATE_MESSAGE, DateOrder, IdSelectField, MultiCheckboxField, RecordForm


class BranchForm(RecordForm):
    name = StringField(_l("Branch name"), validators=[DataRequired(), Length(max=100)])
    approved_by = StringField(_l("Approved by"), validators=[DataRequired(), Length(max=100)])
    approval_date = DateField(_l("Approval date"), validators=[DataRequired(DATE_MESSAGE)])
    secretary_id = IdSelectField(_l("Secretary"), validators=[Optional()])
    project_ids = SelectMultipleField(
        _l("Projects"), coerce=int, validators=[DataRequired(_l("Choose at least one project."))]
    )
    #: choices: the session types of the rules table (set by the view, from the settings)
    not_applicable_types = MultiCheckboxField(
        _l("Not applicable to this branch"),
        description=_l("Session types this branch does not hold (for example party group meetings, "
                       "where the branch has no party groups): they are never due."),
    )
    model_fields = ("name", "approved_by", "approval_date")

    def model_data(self) -> dict:
        chosen = set(self.not_applicable_types.data or [])
        # stored in the table's order, so the same choice always reads the same in history
        return {**super().model_data(),
                "not_applicable": " ".join(k for k, _ in self.not_applicable_types.choices if k in chosen)}


class DissolveForm(RecordForm):
    dissolved_on = DateField(_l("Dissolved on"), validators=[DataRequired(DATE_MESSAGE)])
    model_fields = ("dissolved_on",)


class MembershipForm(RecordForm):
    person_id = IdSelectField(_l("Person"), validators=[DataRequired()])
    role = SelectField(_l("Role in branch"), choices=vocab.choices(vocab.BRANCH_ROLES), default="member")
    joined_on = DateField(_l("Joined on"), validators=[DataRequired(DATE_MESSAGE)])
    left_on = DateField(
        _l("Left on"),
        validators=[Optional(), DateOrder("joined_on", _l("Leaving cannot come before joining."))],
    )
    model_fields = ("person_id", "role", "joined_on", "left_on")
