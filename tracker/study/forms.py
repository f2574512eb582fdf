from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from tracker import clock, vocab
from tracker.dates import DateField
from tracker.forms import DATE_MESSAGE, IdSelectField, RecordForm
from tracker.study import uploads


def _not_in_future(form, field):
    if field.data and field.data > clock.today():
        raise ValidationError(_("The date cannot be in the future."))


def _after_start(form, field):
    start = form.start_time.data
    if field.data and start and field.data <= start:
        raise ValidationError(_("The end time must be after the start time."))


@dataclass
class AttendanceRow:
    """One branch member on the form: Present / On leave / Absent, and a reason."""

    person_id: int
    name: str
    status: str = "present"
    reason: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def status_name(self) -> str:
        return f"attendance-{self.person_id}"

    @property
    def reason_name(self) -> str:
        return f"reason-{self.person_id}"

    def validate(self) -> bool:
        if self.status not in vocab.ATTENDANCE:
            self.errors.append(_("Choose Present, On leave or Absent."))
        elif self.status != "present" and not self.reason:
            self.errors.append(_("Give a reason for %(name)s being on leave or absent.", name=self.name))
        if len(self.reason) > 200:
            self.errors.append(_("At most 200 characters."))
        return not self.errors


def attendance_rows(members, formdata=None, saved=None) -> list[AttendanceRow]:
    """A row per member: what was posted, else what was saved, else Present."""
    saved = saved or {}
    rows = []
    for person in members:
        row = AttendanceRow(person.id, person.name)
        if person.id in saved:
            row.status, row.reason = saved[person.id]
        if formdata is not None and row.status_name in formdata:
            row.status = formdata.get(row.status_name, "")
            row.reason = (formdata.get(row.reason_name) or "").strip()
        rows.append(row)
    return rows


class StudySessionForm(RecordForm):
    branch_id = IdSelectField(_l("Branch"), validators=[DataRequired()])
    session_type = SelectField(_l("Session type"), choices=vocab.choices(vocab.SESSION_TYPES, "—"),
                               validators=[DataRequired()])
    held_on = DateField(_l("Date"), validators=[DataRequired(DATE_MESSAGE), _not_in_future])
    start_time = TimeField(_l("Start time"), validators=[DataRequired(_l("Enter a time."))])
    end_time = TimeField(_l("End time"), validators=[DataRequired(_l("Enter a time.")), _after_start])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=100)])
    topic = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)])
    speaker = StringField(_l("Speaker"), validators=[Length(max=100)])
    host = StringField(_l("Host"), validators=[Length(max=50)])
    recorder = StringField(_l("Recorder"), validators=[Length(max=50)])
    content = TextAreaField(_l("Content"), validators=[Length(max=50_000)],
                            description=_l("Agenda, and the points each speaker made."))
    resolutions = TextAreaField(_l("Resolutions and follow-ups"), validators=[Length(max=20_000)],
                                description=_l("Decisions, and follow-up tasks with owner and deadline."))
    guests = TextAreaField(_l("Guests"), validators=[Length(max=2_000)],
                           description=_l("People who are not branch members, with their roles."))
    files = MultipleFileField(_l("Photos and documents"))
    submit_review = SubmitField(_l("Submit for review"))
    refresh = SubmitField(_l("Refresh member list"))
    #: the member ids of the roster the page showed, rendered with the rows
    roster = HiddenField()

    model_fields = ("session_type", "held_on", "start_time", "end_time", "place", "topic",
                    "speaker", "host", "recorder", "content", "resolutions", "guests")

    #: set by the view: the attendance rows for the branch and date on the form
    rows: list[AttendanceRow] = []
    #: set by the view: members left off the roster for the date, and why
    off: list = []
    #: filled by validate(): the uploaded files that passed the checks
    checked_files: list[uploads.Checked] = []

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        ok = all([row.validate() for row in self.rows]) and ok
        ok = self._roster_was_seen() and ok
        self.checked_files = []
        for upload in self.files.data or []:
            if not getattr(upload, "filename", ""):
                continue  # the empty file input a browser sends when nothing is attached
            try:
                self.checked_files.append(uploads.check(upload.stream, upload.filename))
            except uploads.Rejected as exc:
                self.files.errors = [*self.files.errors, exc.message]
                ok = False
        if not ok and self.checked_files:
            self.files.errors = [*self.files.errors,
                                 _("Nothing was saved; attach the files again before saving.")]
        return ok

    def _roster_was_seen(self) -> bool:
        # Attendance is saved only for the members the person saw: a roster that arrived
        # late, or not at all, must not turn into everyone marked present.
        if (self.roster.data or "") == roster_key(self.rows):
            return True
        self.roster.errors = [*self.roster.errors, _(
            "The member list shown was not the list for this date. It is now listed for the "
            "date above: check the attendance and save again.")]
        return False


def roster_key(rows) -> str:
    return ",".join(str(i) for i in sorted(row.person_id for row in rows))
