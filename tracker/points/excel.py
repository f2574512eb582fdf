"""The points table as an Excel workbook: one row per person, a column per category."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tracker.points.derive import Valuer


def header(valuer: Valuer, locale: str) -> list[str]:
    return ([_("Rank"), _("Name")] + [c.name(locale) for c in valuer.scheme.categories]
            + [_("Total"), _("Vanguard post")])


def row_values(row, valuer: Valuer) -> list:
    yes = _("Yes")
    return ([row.name] + [row.categories.get(c.id, 0) for c in valuer.scheme.categories]
            + [row.total, yes if row.vanguard else ""])


def table_workbook(rows, valuer: Valuer, year: int, locale: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Points %(year)s", year=year)[:31]
    ws.append(header(valuer, locale))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "C2"
    for row in rows:
        ws.append([row.rank, *row_values(row, valuer)])
    ws.column_dimensions["B"].width = 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
