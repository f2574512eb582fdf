"""The ledger as a Word document, laid out as the bureau's Word templates are.

Per branch: a title page (branch, period, projects, approval), the roster, each study
session as a meeting record and each talk as a talk record — a bordered table of shaded
label cells and value cells, one record a page, signature lines under it — and the
compliance summary. A4 portrait. The styles used carry an East Asian font (w:eastAsia on
w:rFonts: 宋体 for text, 黑体 for headings) so Chinese renders in Word and WPS alike.
"""
from __future__ import annotations

import io
import re

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask_babel import gettext as _

from tracker.ledger import paper

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
#: label, value, label, value: 16 cm, the width between A4 margins of 2.5 cm
WIDTHS = (Cm(3), Cm(5), Cm(3), Cm(5))
LABEL_SHADE = "F2F2F2"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text Word can hold: no control characters (they make invalid XML)."""
    return _XML_ILLEGAL.sub("", str(text or ""))


def _east_asian(style, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    """Give a style explicit fonts (dropping the theme's) with an East Asian one."""
    style.font.name = LATIN_FONT
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _new_document(title: str, author: str):
    doc = docx.Document()
    _east_asian(doc.styles["Normal"], BODY_FONT, 10.5)
    _east_asian(doc.styles["Title"], HEADING_FONT, 22, bold=True)
    _east_asian(doc.styles["Heading 1"], HEADING_FONT, 16, bold=True)
    _east_asian(doc.styles["Heading 2"], HEADING_FONT, 14, bold=True)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.2)
    doc.core_properties.title = clean(title)
    doc.core_properties.author = clean(author)
    return doc


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _label(cell, text: str) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(clean(text))
    run.bold = True
    _shade(cell, LABEL_SHADE)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _centred(doc, text: str, style: str):
    p = doc.add_paragraph(clean(text), style=style)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def paper_form(doc, form: paper.PaperForm, branch_name: str) -> None:
    """One record, as the paper form: heading, bordered table of label cells, signatures."""
    _centred(doc, form.title, "Heading 1")
    doc.add_paragraph(clean(_("Temporary branch: %(name)s", name=branch_name)))
    if form.pending:
        run = doc.add_paragraph().add_run(clean(paper.status_text("submitted")))
        run.bold = True
        run.font.color.rgb = RGBColor(0xB0, 0x2A, 0x37)
    table = doc.add_table(rows=len(form.rows), cols=4)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS, strict=True):
        column.width = width
    for row, pairs in zip(table.rows, form.rows, strict=True):
        cells = row.cells
        for cell, width in zip(cells, WIDTHS, strict=True):
            cell.width = width
        if len(pairs) == 1:
            (label, value), = pairs
            value_cell = cells[1].merge(cells[3])
            _label(cells[0], label)
            value_cell.text = clean(value)
            if label in form.tall:
                row.height, row.height_rule = Cm(3), WD_ROW_HEIGHT_RULE.AT_LEAST
        else:
            for n, (label, value) in enumerate(pairs):
                _label(cells[2 * n], label)
                cells[2 * n + 1].text = clean(value)
    signatures = doc.add_paragraph()
    signatures.paragraph_format.space_before = Pt(18)
    signatures.add_run("    ".join(clean(s) + " ______________" for s in form.signatures))


def _grid(doc, head: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(head))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        _label(cell, text)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = clean(text)


def _title_page(doc, book, period: str, exported: str) -> None:
    branch = book.branch
    for _n in range(4):
        doc.add_paragraph()
    _centred(doc, branch.name, "Title")
    _centred(doc, _("Ledger (台账), %(period)s", period=period), "Heading 1")
    doc.add_paragraph()
    facts = [
        (_("Projects"), paper.join(f"{p.code} {p.name}" for p in branch.projects)),
        (_("Approved by"), branch.approved_by),
        (_("Approval date"), paper.show(branch.approval_date, "date")),
        (_("Dissolved on"), paper.show(branch.dissolved_on, "date")),
        (_("Exported"), exported),
    ]
    facts = [(label, value) for label, value in facts if value]
    table = doc.add_table(rows=len(facts), cols=2)
    table.style = doc.styles["Table Grid"]
    for row, (label, value) in zip(table.rows, facts, strict=True):
        _label(row.cells[0], label)
        row.cells[1].text = clean(value)


def _branch(doc, book, period: str, exported: str) -> None:
    _title_page(doc, book, period, exported)
    _page_break(doc)
    doc.add_heading(clean(_("Roster")), level=1)
    if book.members:
        _grid(doc, paper.headers(paper.ROSTER), [paper.cells(paper.ROSTER, m) for m in book.members])
    else:
        doc.add_paragraph(clean(_("No members in this period.")))
    for number, session in book.sessions:
        _page_break(doc)
        paper_form(doc, paper.meeting_record(number, session), book.branch.name)
    for talk in book.talks:
        _page_break(doc)
        paper_form(doc, paper.talk_record(talk), book.branch.name)
    _page_break(doc)
    doc.add_heading(clean(_("Compliance summary")), level=1)
    for caption, columns, rows in paper.compliance_tables(book):
        doc.add_heading(clean(caption), level=2)
        if rows:
            _grid(doc, paper.headers(columns), [paper.cells(columns, r) for r in rows])
        else:
            doc.add_paragraph(clean(_("Nothing due in this period.")))


def document(ledgers, *, title: str, period: str, exported: str, author: str) -> bytes:
    """The .docx file of these branch ledgers."""
    doc = _new_document(title, author)
    if not ledgers:
        _centred(doc, title, "Title")
        doc.add_paragraph(clean(_("No branch was active in this period.")))
    for n, book in enumerate(ledgers):
        if n:
            _page_break(doc)
        _branch(doc, book, period, exported)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
