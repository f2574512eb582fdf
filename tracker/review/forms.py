from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from tracker.forms import RecordForm


class ReviewForm(RecordForm):
    """The secretary's decision on a submitted record."""

    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])
    approve = SubmitField(_l("Approve"))
    return_ = SubmitField(_l("Return"), name="return")


class ReopenForm(RecordForm):
    comment = TextAreaField(_l("Reason for reopening"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Reopen"))
