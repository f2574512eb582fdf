"""The ledger as an Excel workbook: roster, sessions, attendance, talks, compliance.

Written in openpyxl's write-only mode (rows streamed, little memory). Every sheet has a bold
header row that stays frozen on screen and repeats on printed pages, set column widths,
dates and times stored as real dates and times, and a Branch column first so the "all
branches" workbook can be filtered. Text that looks like a formula stays text.

It remains the file to analyse, but prints sensibly too: A4, narrow margins, every sheet
scaled to the width of one page (as many pages down as it needs), portrait for the narrow
sheets and landscape for the wide ones (sessions and talks, with their long texts).
"""
from __future__ import annotations

import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker import vocab
from tracker.ledger import paper
from tracker.ledger.paper import Column
from tracker.points import ledger as points_ledger
from tracker.study import rules

FORMATS = {"time": "hh:mm"}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
WRAP = Alignment(wrap_text=True, vertical="top")


def _session_attr(name):
    return lambda row: getattr(row[1], name)


SESSIONS = [
    Column(_l("No."), lambda row: row[0], "int", 6),
    Column(_l("Date"), _session_attr("held_on"), "date", 12),
    Column(_l("Start time"), _session_attr("start_time"), "time", 8),
    Column(_l("End time"), _session_attr("end_time"), "time", 8),
    Column(_l("Session type"), lambda row: paper.label(vocab.SESSION_TYPES, row[1].session_type)),
    Column(_l("Topic"), _session_attr("topic"), width=30),
    Column(_l("Place"), _session_attr("place"), width=18),
    Column(_l("Host"), _session_attr("host"), width=10),
    Column(_l("Recorder"), _session_attr("recorder"), width=10),
    Column(_l("Speaker"), _session_attr("speaker"), width=10),
    Column(_l("Expected attendance"), lambda row: row[1].expected_count, "int", 10),
    Column(_l("Actual attendance"), lambda row: row[1].actual_count, "int", 10),
    Column(_l("Guests"), _session_attr("guests"), "long", 20),
    Column(_l("Content and minutes"), _session_attr("content"), "long", 50),
    Column(_l("Resolutions and follow-up"), _session_attr("resolutions"), "long", 40),
    Column(_l("Status"), lambda row: paper.status_text(row[1].status, row[1].self_approved), width=16),
]
ATTENDANCE = [
    Column(_l("No."), lambda row: row[0], "int", 6),
    Column(_l("Date"), lambda row: row[1].held_on, "date", 12),
    Column(_l("Topic"), lambda row: row[1].topic, width=30),
    Column(_l("Name"), lambda row: row[2].person.name, width=12),
    Column(_l("Attendance"), lambda row: paper.label(vocab.ATTENDANCE, row[2].status), width=10),
    Column(_l("Reason"), lambda row: row[2].reason, width=24),
]
TALKS = [
    Column(_l("Date"), lambda t: t.talk_date, "date", 12),
    Column(_l("Talk type"), lambda t: paper.label(vocab.TALK_TYPES, t.talk_type), width=14),
    Column(_l("Form"), lambda t: paper.label(vocab.TALK_FORMS, t.talk_form), width=10),
    Column(_l("Place"), lambda t: t.place, width=16),
    Column(_l("Conducted by"), lambda t: t.conducted_by.name, width=12),
    Column(_l("Post"), lambda t: t.conducted_by.post, width=12),
    Column(_l("Talked with"), lambda t: t.person.name, width=12),
    Column(_l("Post"), lambda t: t.person.post, width=12),
    Column(_l("Dispatch"), paper.dispatch_text, width=30),
    Column(_l("Integrity items covered"), paper.covered_items, width=20),
    Column(_l("Key points"), lambda t: t.key_points, "long", 50),
    Column(_l("Concerns raised"), lambda t: t.concerns, "long", 30),
    Column(_l("Follow-up"), lambda t: t.follow_up, "long", 30),
    Column(_l("Follow-up due"), lambda t: t.follow_up_due, "date", 12),
    Column(_l("Recorder"), lambda t: t.recorder.name if t.recorder else "", width=10),
    Column(_l("Status"), lambda t: paper.status_text(t.status, t.self_approved), width=16),
]
COMPLIANCE = [
    Column(_l("Rule"), lambda r: r[0], width=24),
    Column(_l("Month, quarter or person"), lambda r: r[1], width=20),
    Column(_l("Project"), lambda r: r[2], width=12),
    Column(_l("Due"), lambda r: r[3], "date", 12),
    Column(_l("Done on"), lambda r: r[4], "date", 12),
    Column(_l("State"), lambda r: r[5], width=18),
]
BRANCH = Column(_l("Temporary branch"), None, width=30)


def _cell(ws, value, kind: str):
    """The value as the row gets it: plain where openpyxl's defaults serve (most cells,
    which keeps a year of attendance fast), a styled cell where they do not."""
    if value == "" or value is None:
        return None
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if kind != "long" and not value.startswith("="):
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # "=…" typed into a form is text, never a formula
        if kind == "long":
            cell.alignment = WRAP
        return cell
    if kind == "time":
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = FORMATS["time"]
        return cell
    return value  # numbers; dates get openpyxl's yyyy-mm-dd


#: sheets wider than this (in characters) print in landscape
LANDSCAPE_FROM = 130


def _page_setup(ws, wide: bool) -> None:
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # one page wide, as long as it takes
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = "&P / &N"


def _sheet(wb, title, columns: list[Column], rows) -> None:
    """One sheet: a Branch column, then `columns`; `rows` are (branch name, row) pairs."""
    ws = wb.create_sheet(title)
    all_columns = [BRANCH, *columns]
    for n, column in enumerate(all_columns, 1):
        ws.column_dimensions[get_column_letter(n)].width = column.width
    ws.freeze_panes = "B2"
    ws.print_title_rows = "1:1"
    _page_setup(ws, wide=sum(c.width for c in all_columns) > LANDSCAPE_FROM)
    header = []
    for column in all_columns:
        cell = WriteOnlyCell(ws, value=str(column.label))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        header.append(cell)
    ws.append(header)
    for branch_name, row in rows:
        ws.append([_cell(ws, branch_name, "text")]
                  + [_cell(ws, c.value(row), c.kind) for c in columns])


def _compliance_rows(book):
    state = lambda s: paper.label(vocab.DUE_STATES, s)  # noqa: E731
    for rule, dues in book.session_dues:
        kind = paper.label(vocab.SESSION_TYPES, rule.session_type)
        if dues is None:
            yield (kind, _("Not applicable to this branch"), "", None, None, "")
        for d in dues or []:
            # the day the rule was met (the last session needed), else the latest held
            held = d.held[min(d.required, len(d.held)) - 1].day if d.held else None
            count = f" ({len(d.held)}/{d.required})" if rule.quarterly or rule.required > 1 else ""
            yield (kind, rules.period_label(d) + count, "", d.due, held, state(d.state))
    for item in book.talks_due + book.checkpoints_due:
        who = item.person_name if item.is_talk else ""
        status = paper.talk_state(item) if item.is_talk else state(item.state)
        yield (item.label, who, item.project_code, item.due_on, item.done_on, status)


def workbook(ledgers) -> bytes:
    """The .xlsx file of these branch ledgers."""
    wb = Workbook(write_only=True)
    _sheet(wb, _("Roster"), paper.ROSTER,
           ((b.branch.name, m) for b in ledgers for m in b.members))
    _sheet(wb, _("Sessions"), SESSIONS,
           ((b.branch.name, row) for b in ledgers for row in b.sessions))
    _sheet(wb, _("Attendance"), ATTENDANCE,
           ((b.branch.name, (n, s, a)) for b in ledgers for n, s in b.sessions for a in s.attendance))
    _sheet(wb, _("Talks"), TALKS,
           ((b.branch.name, t) for b in ledgers for t in b.talks))
    _sheet(wb, _("Compliance"), COMPLIANCE,
           ((b.branch.name, row) for b in ledgers for row in _compliance_rows(b)))
    _sheet(wb, _("Withdrawn"), paper.WITHDRAWN,
           ((b.branch.name, w) for b in ledgers for w in b.withdrawn))
    # a column per category and the totals: landscape
    points_ledger.add_sheet(wb, ledgers, setup=lambda ws: _page_setup(ws, wide=True))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
