"""What the ledger says, once, for the print view, the Word document and the workbook.

A paper form (meeting record, talk record) is a title, rows of label/value pairs — one pair
filling the row, or two side by side — and signature lines. Tables (roster, compliance)
are columns of (label, value getter, kind), where kind tells the workbook how to store the
value ("date", "time", "int" or "text") and the print view and Word how to show it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import g
from flask_babel import format_date, format_time, get_locale, gettext
from flask_babel import lazy_gettext as _l

from tracker import vocab
from tracker.due import DueItem
from tracker.review.models import STATUSES
from tracker.study import rules
from tracker.study.models import StudySession
from tracker.talks.models import LIST_SHORT_NAMES, Talk

Pair = tuple[str, str]


@dataclass
class PaperForm:
    title: str
    #: each row is one pair (label, value) spanning the row, or two side by side
    rows: list[tuple[Pair, ...]]
    signatures: list[str]
    #: submitted and still waiting for review
    pending: bool = False
    heading: str = ""
    #: labels of rows whose value is long text (the form gives them room to write)
    tall: set[str] = field(default_factory=set)


def _(text: str, **variables) -> str:
    """gettext, each text translated once a request: a year's ledger asks for the same few
    labels thousands of times (twenty a record), and each lookup of Flask-Babel costs."""
    texts = g.setdefault("ledger_texts", {})
    translated = texts.get(text)
    if translated is None:
        translated = texts[text] = gettext(text)
    return translated % variables if variables else translated


def show(value, kind: str = "text") -> str:
    """A value as the print view and Word show it, in the user's language."""
    if value is None or value == "":
        return ""
    if kind == "date":
        dates = g.setdefault("ledger_dates", {})
        if value not in dates:
            dates[value] = format_date(value, "medium")
        return dates[value]
    if kind == "time":
        return value.strftime("%H:%M")
    return str(value)


def label(values: dict, code: str | None) -> str:
    """vocab.label, remembered for the request: a ledger asks for the same few labels
    thousands of times, and each translation lookup costs."""
    cache = g.setdefault("ledger_labels", {})
    key = (id(values), code)
    if key not in cache:
        cache[key] = vocab.label(values, code)
    return cache[key]


def _chinese() -> bool:
    return str(get_locale() or "en").startswith("zh")


def join(items, *, strong: bool = False) -> str:
    """Names in a list: 、 and ； in Chinese, commas and semicolons in English."""
    if _chinese():
        return ("；" if strong else "、").join(items)
    return ("; " if strong else ", ").join(items)


def status_text(status: str, self_approved: bool = False) -> str:
    if status == "submitted":
        return _("Submitted, not yet reviewed")
    if status == "reviewed" and self_approved:
        return _("Reviewed (approved by a party to the record)")
    return label(STATUSES, status)


def _with_reason(a) -> str:
    state = label(vocab.ATTENDANCE, a.status)
    if a.reason:
        return _("%(name)s (%(state)s: %(reason)s)", name=a.person.name, state=state, reason=a.reason)
    return _("%(name)s (%(state)s)", name=a.person.name, state=state)


def meeting_record(number: int, s: StudySession) -> PaperForm:
    """The meeting record (会议记录) of one study session."""
    present = [a.person.name for a in s.attendance if a.status == "present"]
    away = [_with_reason(a) for a in s.attendance if a.status != "present"]
    content, resolutions = _("Content and minutes"), _("Resolutions and follow-up")
    rows: list[tuple[Pair, ...]] = [
        ((_("Session type"), label(vocab.SESSION_TYPES, s.session_type)), (_("No."), str(number))),
        ((_("Date"), show(s.held_on, "date")),
         (_("Time"), f"{show(s.start_time, 'time')}–{show(s.end_time, 'time')}")),
        ((_("Place"), s.place),),
        ((_("Host"), s.host), (_("Recorder"), s.recorder)),
        ((_("Speaker"), s.speaker), (_("Status"), status_text(s.status, s.self_approved))),
        ((_("Expected attendance"), str(s.expected_count)), (_("Actual attendance"), str(s.actual_count))),
        ((_("Present"), join(present)),),
        ((_("Absentees and reasons"), join(away, strong=True) or _("None")),),
        ((_("Guests"), s.guests),),
        ((_("Topic"), s.topic),),
        ((content, s.content),),
        ((resolutions, s.resolutions),),
    ]
    return PaperForm(
        title=_("Meeting record"), heading=s.topic, rows=rows, pending=s.status == "submitted",
        signatures=[_("Host (signature):"), _("Recorder (signature):")], tall={content, resolutions},
    )


def _person(person) -> tuple[str, str]:
    return (person.name, person.post) if person is not None else ("", "")


def covered_items(talk: Talk) -> str:
    """The integrity items a talk covered, as the lists number them: "八不准 1、3；四严禁 2"."""
    groups: dict[str, list[str]] = {}
    for item in talk.integrity_items:
        groups.setdefault(LIST_SHORT_NAMES.get(item.list_code, item.list_code), []).append(str(item.position))
    return join((f"{name} {join(numbers)}" for name, numbers in groups.items()), strong=True)


def dispatch_text(talk: Talk) -> str:
    d = talk.dispatch
    if d is None:
        return ""
    return _("%(project)s (%(departure)s – %(back)s)", project=f"{d.project.code} {d.project.name}",
             departure=show(d.departure_date, "date"), back=show(d.return_date, "date"))


def confirmation_text(talk: Talk) -> str:
    """谈话对象确认：2026年11月26日 14:30, or the disagreement with its comment."""
    if talk.confirmed_at is None:
        return _("Not yet confirmed")
    when = f"{show(talk.confirmed_at, 'date')} {format_time(talk.confirmed_at, 'HH:mm')}"
    if talk.confirmation == "disagreed":
        return _("Disagreed on %(when)s: %(comment)s", when=when, comment=talk.confirmation_comment)
    if talk.confirmation_comment:
        return _("%(when)s (%(comment)s)", when=when, comment=talk.confirmation_comment)
    return when


def talk_record(talk: Talk) -> PaperForm:
    """The talk record (谈话记录) of one talk."""
    by, by_post = _person(talk.conducted_by)
    whom, whom_post = _person(talk.person)
    key, concerns, follow = _("Key points"), _("Concerns raised"), _("Follow-up")
    follow_up = talk.follow_up
    if talk.follow_up_due:
        follow_up += "\n" + _("Due %(day)s", day=show(talk.follow_up_due, "date"))
    rows: list[tuple[Pair, ...]] = [
        ((_("Talk type"), label(vocab.TALK_TYPES, talk.talk_type)),
         (_("Form"), label(vocab.TALK_FORMS, talk.talk_form))),
        ((_("Date"), show(talk.talk_date, "date")), (_("Place"), talk.place)),
        ((_("Conducted by"), by), (_("Post"), by_post)),
        ((_("Talked with"), whom), (_("Post"), whom_post)),
        ((_("Dispatch"), dispatch_text(talk)),),
        ((_("Integrity items covered"), covered_items(talk)),),
        ((key, talk.key_points),),
        ((concerns, talk.concerns),),
        ((follow, follow_up),),
        ((_("Recorder"), talk.recorder.name if talk.recorder else ""), (_("Status"), status_text(talk.status, talk.self_approved))),
        ((_("Confirmation by the person talked with"), confirmation_text(talk)),),
    ]
    return PaperForm(
        title=_("Talk record"), heading=f"{by} → {whom}", rows=rows, pending=talk.status == "submitted",
        signatures=[_("Conducted by (signature):"), _("Talked with (signature):"), _("Recorder (signature):")],
        tall={key, concerns, follow},
    )


# Tables ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    label: object  # a lazy string, made text when the table is drawn
    value: Callable
    kind: str = "text"
    #: width in the workbook, in characters
    width: int = 14


ROSTER = [
    Column(_l("Name"), lambda m: m.person.name, width=12),
    Column(_l("Role in branch"), lambda m: label(vocab.BRANCH_ROLES, m.role)),
    Column(_l("Gender"), lambda m: label(vocab.GENDERS, m.person.gender) if m.person.gender else "", width=6),
    Column(_l("Party status"), lambda m: label(vocab.PARTY_STATUSES, m.person.party_status)),
    Column(_l("Joined the party on"), lambda m: m.person.joined_party_on, "date", 12),
    Column(_l("Source"), lambda m: label(vocab.SOURCES, m.person.source), width=12),
    Column(_l("Home organisation"), lambda m: m.person.home_organisation, width=30),
    Column(_l("Post"), lambda m: m.person.post, width=14),
    Column(_l("Phone"), lambda m: m.person.phone, width=14),
    Column(_l("Joined on"), lambda m: m.joined_on, "date", 12),
    Column(_l("Left on"), lambda m: m.left_on, "date", 12),
]


def _held_days(d) -> str:
    return join(show(h.day, "date") for h in d.held)


SESSION_DUES = [
    Column(_l("Month or quarter"), rules.period_label, width=12),
    Column(_l("Due"), lambda d: d.due, "date", 12),
    Column(_l("Held"), lambda d: f"{len(d.held)} / {d.required}", width=8),
    Column(_l("Held on"), _held_days, width=24),
    Column(_l("State"), lambda d: label(vocab.DUE_STATES, d.state), width=12),
]


def talk_state(item: DueItem) -> str:
    state = label(vocab.DUE_STATES, item.state)
    if item.talk_status:
        return f"{state} · {label(STATUSES, item.talk_status)}"
    return state


TALKS_DUE = [
    Column(_l("Person"), lambda i: i.person_name, width=12),
    Column(_l("Talk"), lambda i: i.label, width=16),
    Column(_l("Project"), lambda i: i.project_code, width=12),
    Column(_l("Due"), lambda i: i.due_on, "date", 12),
    Column(_l("Done on"), lambda i: i.done_on, "date", 12),
    Column(_l("State"), talk_state, width=18),
]
CHECKPOINTS_DUE = [
    Column(_l("Project"), lambda i: i.project_code, width=12),
    Column(_l("Integrity checkpoint"), lambda i: i.label, width=26),
    Column(_l("Due"), lambda i: i.due_on, "date", 12),
    Column(_l("Done on"), lambda i: i.done_on, "date", 12),
    Column(_l("State"), lambda i: label(vocab.DUE_STATES, i.state), width=12),
]


WITHDRAWN = [
    Column(_l("Record"), lambda w: w.record, width=40),
    Column(_l("Why"), lambda w: w.because, width=30),
    Column(_l("Withdrawn on"), lambda w: w.on.date() if w.on else None, "date", 12),
    Column(_l("By"), lambda w: w.by, width=12),
    Column(_l("Reason"), lambda w: w.reason, "long", 40),
]


def cells(columns: list[Column], row) -> list[str]:
    """A row as text, for the print view and Word."""
    return [show(c.value(row), c.kind) for c in columns]


def headers(columns: list[Column]) -> list[str]:
    return [str(c.label) for c in columns]


#: the share of a printed table's width (A4 portrait) a date column needs to keep
#: "2026年11月26日" on one line: in the print view and PDF (9.5 pt), and in Word (10.5 pt)
DATE_SHARE = {"print": 0.15, "word": 0.19}


def shares(columns: list[Column], output: str = "print") -> list[float]:
    """Each column's share of a printed table's width: in proportion to its width in the
    workbook, but never so narrow that a date wraps."""
    dates = [c.kind == "date" for c in columns]
    fixed = min(DATE_SHARE[output] * sum(dates), 0.6)
    rest = sum(c.width for c, is_date in zip(columns, dates, strict=True) if not is_date) or 1
    return [fixed / sum(dates) if is_date else (1 - fixed) * c.width / rest
            for c, is_date in zip(columns, dates, strict=True)]


def compliance_tables(book) -> list[tuple[str, list[Column], list]]:
    """The compliance summary of one branch: (caption, columns, rows) per table."""
    return [
        *((rules.caption(rule, dues is not None), SESSION_DUES, dues or []) for rule, dues in book.session_dues),
        (_("Pre- and post-dispatch talks"), TALKS_DUE, book.talks_due),
        (_("Integrity checkpoints"), CHECKPOINTS_DUE, book.checkpoints_due),
    ]


def title(branch_name: str, period: str) -> str:
    return _("%(branch)s — ledger, %(period)s", branch=branch_name, period=period)
