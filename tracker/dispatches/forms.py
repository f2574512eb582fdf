from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.dates import DateField
from tracker.forms import DATE_MESSAGE, DateOrder, IdSelectField, RecordForm


class DispatchForm(RecordForm):
    person_id = IdSelectField(_l("Person"), validators=[DataRequired()])
    project_id = IdSelectField(_l("Project"), validators=[DataRequired()])
    departure_date = DateField(_l("Departure date"), validators=[DataRequired(DATE_MESSAGE)])
    return_date = DateField(
        _l("Return date"),
        validators=[
            DataRequired(DATE_MESSAGE),
            DateOrder("departure_date", _l("The return date cannot be before the departure date.")),
        ],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=500)])
    #: shown once a warning (overlapping dispatch) has been given
    confirm_overlap = BooleanField(_l("Save anyway"))
    model_fields = ("person_id", "project_id", "departure_date", "return_date", "note")
