"""What a meeting record carries besides the form, and the ledger's contents (目录).

- The sign-in sheet (签到表) of a session: every member of the branch on the day it was held
  (the same roster the session's attendance form is filled from, tracker.study.services
  .members_on), their attendance as recorded, and an empty signature cell for the paper
  copy. Someone recorded as attending who was not a member that day (a membership changed
  after the record was made) is still listed: the sheet never hides a recorded attendance.
  A member who signed themselves in with the session's code (tracker/selfsign) has the time
  beside the signature column; SIGN_IN shows in print, Word and PDF alike.
- The photos of a session: its image attachments, captioned, four to a page.
- The contents: one entry per section of each branch's ledger, with the anchor the print
  view and the PDF link to and the bookmark Word's page references point at.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_time
from flask_babel import lazy_gettext as _l

from tracker import vocab
from tracker.ledger.paper import Column, _, label, show
from tracker.study.models import Attachment, Attendance, StudySession
from tracker.study.services import members_on

#: photos on one printed page (two rows of two)
PHOTOS_PER_PAGE = 4


@dataclass(frozen=True)
class SignInRow:
    number: int
    person: object
    role: str
    attendance: Attendance | None


def sign_in_rows(book, session: StudySession) -> list[SignInRow]:
    """Every member on the day of the session, officers first as in the roster, then anyone
    else whose attendance was recorded."""
    roles = {m.person_id: m.role for m in book.branch.memberships
             if m.deleted_at is None and m.current_on(session.held_on)}
    order = {m.person_id: n for n, m in enumerate(book.members)}
    people = sorted(members_on(book.branch, session.held_on), key=lambda p: order.get(p.id, len(order)))
    recorded = {a.person_id: a for a in session.attendance}
    rows = [(p, roles.get(p.id), recorded.pop(p.id, None)) for p in people]
    rows += [(a.person, None, a) for a in recorded.values()]
    return [SignInRow(n, person, role, attendance) for n, (person, role, attendance) in enumerate(rows, 1)]


def _self_signed(row: SignInRow) -> str:
    at = row.attendance.self_signed_at if row.attendance else None
    return format_time(at, "HH:mm") if at else ""


def _attendance(row: SignInRow) -> str:
    if row.attendance is None:
        return _("Not recorded")
    return label(vocab.ATTENDANCE, row.attendance.status)


SIGN_IN = [
    Column(_l("No."), lambda r: r.number, "int", 5),
    Column(_l("Name"), lambda r: r.person.name, width=10),
    Column(_l("Role in branch"), lambda r: label(vocab.BRANCH_ROLES, r.role) if r.role else _("Attendee"),
           width=10),
    Column(_l("Post"), lambda r: r.person.post, width=12),
    Column(_l("Attendance"), _attendance, width=8),
    Column(_l("Reason"), lambda r: r.attendance.reason if r.attendance else "", width=12),
    Column(_l("Signed in with the code"), _self_signed, width=8),
    #: left empty: the member signs the printed sheet
    Column(_l("Signature"), lambda r: "", "signature", 14),
]


def record_line(number: int, s: StudySession) -> str:
    """Which meeting a sign-in sheet or a photo page belongs to."""
    return _("Meeting No. %(n)s, %(day)s, %(topic)s", n=number, day=show(s.held_on, "date"), topic=s.topic)


def photos(s: StudySession) -> list[Attachment]:
    """The session's photos (documents are not printed), in the order they were added."""
    return [a for a in s.live_attachments if a.is_image]


def photo_pages(s: StudySession) -> list[list[tuple[int, Attachment]]]:
    """The photos, numbered from 1, in pages of PHOTOS_PER_PAGE."""
    numbered = list(enumerate(photos(s), 1))
    return [numbered[i:i + PHOTOS_PER_PAGE] for i in range(0, len(numbered), PHOTOS_PER_PAGE)]


def caption(number: int, a: Attachment) -> str:
    stem = a.filename.rsplit(".", 1)[0] if "." in a.filename else a.filename
    return _("Photo %(n)s: %(name)s", n=number, name=stem)


# Contents -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    #: 1 for a branch, 2 for a section of its ledger
    level: int
    text: str
    #: the id of the section in the print view, and the name of Word's bookmark
    anchor: str


def anchor(branch_id: int, part: str) -> str:
    """Letters, digits and underscores: a valid HTML id and a valid Word bookmark name."""
    return f"b{branch_id}_{part}"


def session_entry(number: int, s: StudySession) -> str:
    return _("Meeting record %(n)s: %(day)s, %(type)s, %(topic)s", n=number, day=show(s.held_on, "date"),
             type=label(vocab.SESSION_TYPES, s.session_type), topic=s.topic)


def talk_entry(t) -> str:
    return _("Talk record: %(day)s, %(type)s, %(name)s", day=show(t.talk_date, "date"),
             type=label(vocab.TALK_TYPES, t.talk_type), name=t.person.name if t.person else "")


def contents(ledgers) -> list[Entry]:
    """The 目录 of a ledger: each branch, and in it the roster, each meeting and talk record
    and the compliance summary, in the order they are printed."""
    entries = []
    for book in ledgers:
        b = book.branch.id
        entries.append(Entry(1, book.branch.name, anchor(b, "cover")))
        entries.append(Entry(2, _("Roster"), anchor(b, "roster")))
        entries += [Entry(2, session_entry(n, s), anchor(b, f"s{s.id}")) for n, s in book.sessions]
        entries += [Entry(2, talk_entry(t), anchor(b, f"t{t.id}")) for t in book.talks]
        entries.append(Entry(2, _("Compliance summary"), anchor(b, "compliance")))
    return entries
