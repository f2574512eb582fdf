"""The ledger as a Word document, laid out as the bureau's Word templates are.

Per branch: a title page (branch, period, projects, approval), the roster, each study
session as a meeting record and each talk as a talk record — a bordered table of shaded
label cells and value cells, one record a page, signature lines under it — and the
compliance summary. A4 portrait. The styles used carry an East Asian font (w:eastAsia on
w:rFonts: 宋体 for text, 黑体 for headings) so Chinese renders in Word and WPS alike.

python-docx sets up the document (styles, page, properties) and saves it; the body is
written as WordprocessingML elements directly, because python-docx's cell API (merge, cell
lookup, style lookup by name) costs seconds for a year of records, this a tenth of that.
The result is the same markup python-docx makes (tables with w:gridSpan, "Table Grid").
"""
from __future__ import annotations

import io
import re

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask_babel import gettext as _
from lxml import etree

from tracker.ledger import paper
from tracker.points import ledger as points_ledger

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
#: widths in twentieths of a point: label, value, label, value = 16 cm between A4 margins
TWIPS_PER_CM = 567
FORM_WIDTHS = (3 * TWIPS_PER_CM, 5 * TWIPS_PER_CM, 3 * TWIPS_PER_CM, 5 * TWIPS_PER_CM)
TEXT_WIDTH = sum(FORM_WIDTHS)
TALL_ROW = 3 * TWIPS_PER_CM
LABEL_SHADE = "F2F2F2"
PENDING_COLOUR = "B02A37"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text Word can hold: no control characters (they make invalid XML)."""
    return _XML_ILLEGAL.sub("", str(text or ""))


# Document set-up ----------------------------------------------------------------------
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
        lang = etree.SubElement(rpr, qn("w:lang"))
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
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    doc.core_properties.title = clean(title)
    doc.core_properties.author = clean(author)
    return doc


# WordprocessingML writers ---------------------------------------------------------------
def _el(parent, tag: str, **attrs):
    element = etree.SubElement(parent, qn(tag))
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _runs(p, text, *, bold: bool = False, colour: str | None = None) -> None:
    """The text as runs, a line break for each newline."""
    for n, line in enumerate(clean(text).split("\n")):
        r = _el(p, "w:r")
        if bold or colour:
            rpr = _el(r, "w:rPr")
            if bold:
                _el(rpr, "w:b")
            if colour:
                _el(rpr, "w:color", val=colour)
        if n:
            _el(r, "w:br")
        t = _el(r, "w:t")
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


class Body:
    """Appends paragraphs and tables to a document's body, before its section properties."""

    def __init__(self, doc):
        self._body = doc.element.body
        self._end = self._body.find(qn("w:sectPr"))

    def _add(self, element) -> None:
        # Elements are built detached (plain lxml, fast) and only then put in the document.
        self._end.addprevious(element)

    def paragraph(self, text="", *, style: str | None = None, centre: bool = False, bold: bool = False,
                  colour: str | None = None, new_page: bool = False, space_before: int = 0):
        p = etree.Element(qn("w:p"))
        if style or centre or new_page or space_before:
            ppr = _el(p, "w:pPr")
            if style:
                _el(ppr, "w:pStyle", val=style)
            if new_page:
                _el(ppr, "w:pageBreakBefore")
            if space_before:
                _el(ppr, "w:spacing", before=space_before)
            if centre:
                _el(ppr, "w:jc", val="center")
        if text:
            _runs(p, text, bold=bold, colour=colour)
        self._add(p)

    def table(self, widths: tuple[int, ...], rows) -> None:
        """A bordered table ("Table Grid"). `rows` yields (cells, tall) where cells are
        (text, is_label, span) triples filling the grid."""
        tbl = etree.Element(qn("w:tbl"))
        pr = _el(tbl, "w:tblPr")
        _el(pr, "w:tblStyle", val="TableGrid")
        _el(pr, "w:tblW", w=sum(widths), type="dxa")
        _el(pr, "w:tblLayout", type="fixed")
        _el(pr, "w:tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=1, lastColumn=0, noHBand=0, noVBand=1)
        grid = _el(tbl, "w:tblGrid")
        for width in widths:
            _el(grid, "w:gridCol", w=width)
        for cells, tall in rows:
            tr = _el(tbl, "w:tr")
            if tall:
                _el(_el(tr, "w:trPr"), "w:trHeight", val=TALL_ROW, hRule="atLeast")
            column = 0
            for text, is_label, span in cells:
                tc = _el(tr, "w:tc")
                tcpr = _el(tc, "w:tcPr")
                _el(tcpr, "w:tcW", w=sum(widths[column:column + span]), type="dxa")
                if span > 1:
                    _el(tcpr, "w:gridSpan", val=span)
                if is_label:
                    _el(tcpr, "w:shd", val="clear", color="auto", fill=LABEL_SHADE)
                _runs(_el(tc, "w:p"), text, bold=is_label)
                column += span
        self._add(tbl)


# The ledger ------------------------------------------------------------------------------
def _form_rows(form: paper.PaperForm):
    for pairs in form.rows:
        if len(pairs) == 1:
            (label, value), = pairs
            yield [(label, True, 1), (value, False, 3)], label in form.tall
        else:
            yield [cell for label, value in pairs for cell in ((label, True, 1), (value, False, 1))], False


def paper_form(body: Body, form: paper.PaperForm, branch_name: str) -> None:
    """One record, as the paper form: heading, bordered table of label cells, signatures."""
    body.paragraph(form.title, style="Heading1", centre=True, new_page=True)
    body.paragraph(_("Temporary branch: %(name)s", name=branch_name))
    if form.pending:
        body.paragraph(paper.status_text("submitted"), bold=True, colour=PENDING_COLOUR)
    body.table(FORM_WIDTHS, _form_rows(form))
    body.paragraph("    ".join(f"{s} ______________" for s in form.signatures), space_before=360)


def _grid(body: Body, columns, rows) -> None:
    width = TEXT_WIDTH // len(columns)
    lines = [([(h, True, 1) for h in paper.headers(columns)], False)]
    lines += [([(text, False, 1) for text in paper.cells(columns, row)], False) for row in rows]
    body.table((width,) * len(columns), lines)


def _title_page(body: Body, book, period: str, exported: str, new_page: bool) -> None:
    branch = book.branch
    body.paragraph(new_page=new_page)
    for _n in range(3):
        body.paragraph()
    body.paragraph(branch.name, style="Title", centre=True)
    body.paragraph(_("Ledger (台账), %(period)s", period=period), style="Heading1", centre=True)
    body.paragraph()
    facts = [
        (_("Projects"), paper.join((str(p) for p in branch.projects), strong=True)),
        (_("Approved by"), branch.approved_by),
        (_("Approval date"), paper.show(branch.approval_date, "date")),
        (_("Dissolved on"), paper.show(branch.dissolved_on, "date")),
        (_("Exported"), exported),
        (_("Contents"), _("Members: %(m)s · Meeting records: %(s)s · Talk records: %(t)s",
                          m=len(book.members), s=len(book.sessions), t=len(book.talks))),
    ]
    rows = [([(label, True, 1), (value, False, 1)], False) for label, value in facts if value]
    body.table((FORM_WIDTHS[0], TEXT_WIDTH - FORM_WIDTHS[0]), rows)


def _branch(body: Body, book, period: str, exported: str, first: bool) -> None:
    _title_page(body, book, period, exported, new_page=not first)
    body.paragraph(_("Roster"), style="Heading1", new_page=True)
    if book.members:
        _grid(body, paper.ROSTER, book.members)
    else:
        body.paragraph(_("No members in this period."))
    for number, session in book.sessions:
        paper_form(body, paper.meeting_record(number, session), book.branch.name)
    for talk in book.talks:
        paper_form(body, paper.talk_record(talk), book.branch.name)
    body.paragraph(_("Compliance summary"), style="Heading1", new_page=True)
    for caption, columns, rows in paper.compliance_tables(book):
        body.paragraph(caption, style="Heading2")
        if rows:
            _grid(body, columns, rows)
        else:
            body.paragraph(_("Nothing due in this period."))


def document(ledgers, *, title: str, period: str, exported: str, author: str) -> bytes:
    """The .docx file of these branch ledgers."""
    doc = _new_document(title, author)
    body = Body(doc)
    if not ledgers:
        body.paragraph(title, style="Title", centre=True)
        body.paragraph(_("No branch was active in this period."))
    for n, book in enumerate(ledgers):
        _branch(body, book, period, exported, first=n == 0)
    points_ledger.add_section(body, ledgers)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
