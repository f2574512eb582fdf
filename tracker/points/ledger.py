"""The points section of a branch's ledger (Excel sheet, Word tables). The ledger calls these
with its branch books; each book's current members get their card totals for the year.

The year is the ledger's own: the `year` (or, for a custom period, `date_to`) of the ledger
request, else this year. Cards are yearly, so a quarter's or month's ledger shows the year's
card as it stands.
"""
from __future__ import annotations

from flask import has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tracker import clock
from tracker.dates import parse_day, parse_year
from tracker.points import derive
from tracker.points import scheme as schemes
from tracker.points.excel import header, row_values


def ledger_year() -> int:
    if has_request_context():
        if request.values.get("period") == "custom" and (last := parse_day(request.values.get("date_to"))):
            return last.year
        if year := parse_year(request.values.get("year")):
            return year
    return clock.today().year


class _Row:
    def __init__(self, name, categories, total, vanguard):
        self.name, self.categories, self.total, self.vanguard = name, categories, total, vanguard


def rows_by_branch(ledgers, year: int):
    """(valuer, [(branch name, [row, …]), …]) — one query set for every branch together."""
    governing = schemes.governing(year)
    if governing is None:
        return None, []
    valuer = derive.Valuer(governing)
    people = {m.person_id: m.person.name for book in ledgers for m in book.members}
    totals = derive.year_totals(year, valuer, list(people)) if people else {}
    out = []
    for book in ledgers:
        rows, seen = [], set()
        for m in book.members:
            if m.person_id in seen:
                continue
            seen.add(m.person_id)
            found = totals.get(m.person_id)
            total = found.total(valuer) if found else governing.base_score
            rows.append(_Row(m.person.name, dict(found.category_points(valuer)) if found else {},
                             total, total >= governing.threshold))
        rows.sort(key=lambda r: -r.total)
        out.append((book.branch.name, rows))
    return valuer, out


def add_sheet(wb, ledgers, setup=None) -> None:
    """The Excel ledger's "Points" sheet; `setup(ws)` lays out its printed page (the ledger's
    page setup, applied before the first row: a write-only sheet fixes it then)."""
    year = ledger_year()
    valuer, groups = rows_by_branch(ledgers, year)
    ws = wb.create_sheet(_("Points %(year)s", year=year)[:31])
    if setup is not None:
        setup(ws)
    # laid out like the ledger's other sheets: Branch first, header bold and frozen
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 12
    ws.freeze_panes = "B2"
    ws.print_title_rows = "1:1"
    if valuer is None:
        titles = [_("No points scheme governs %(year)s.", year=year)]
    else:
        titles = [_("Temporary branch"), *header(valuer, str(get_locale()))[1:]]
    cells = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        cells.append(cell)
    ws.append(cells)
    if valuer is None:
        return
    for branch_name, rows in groups:
        for row in rows:
            ws.append([branch_name, *row_values(row, valuer)])


def add_section(body, ledgers) -> None:
    """The Word ledger's points section, a table per branch (body: tracker.ledger.word.Body).
    One section for all the branches, so the counts are one query however many there are."""
    if not ledgers:
        return
    year = ledger_year()
    valuer, groups = rows_by_branch(ledgers, year)
    body.paragraph(_("Points cards %(year)s", year=year), style="Heading1", new_page=True)
    if valuer is None:
        body.paragraph(_("No points scheme governs %(year)s.", year=year))
        return
    body.paragraph(_("Base score %(base)s; vanguard post from %(threshold)s points.",
                     base=valuer.scheme.base_score, threshold=valuer.scheme.threshold))
    titles = header(valuer, str(get_locale()))[1:]
    width = 9000 // len(titles)
    for branch_name, rows in groups:
        body.paragraph(branch_name, style="Heading2")
        lines = [([(t, True, 1) for t in titles], False)]
        lines += [([(str(v), False, 1) for v in row_values(row, valuer)], False) for row in rows]
        body.table((width,) * len(titles), lines)
