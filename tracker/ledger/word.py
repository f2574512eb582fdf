"""The ledger as a Word document, laid out as the bureau's Word templates are.

In the clean style of official documents: 宋体 text, 黑体 headings and title (each style
carries w:eastAsia on w:rFonts so Chinese renders in Word and WPS alike), all black, no
theme colours or borders; A4 portrait; "— 3 —" page numbers in the footer (a PAGE field).
After the first branch's title page comes the contents (目录): one line per section with
a PAGEREF field to the section's bookmark, so Word fills in the page numbers when it opens
the file (the settings ask it to update fields).

Per branch: a title page (branch, period, projects, approval), the roster, each study
session as a meeting record — a bordered table of shaded label cells and value cells,
signature lines under it — followed by its sign-in sheet (签到表) and its photos, four to a
page, captioned; each talk as a talk record; and the compliance summary. Printed tables
take their column widths from paper.shares, which keeps dates on one line.

python-docx sets up the document (styles, page, footer, properties, image parts) and saves
it; the body is written as WordprocessingML (ooxml.py), which is ten times faster.
"""
from __future__ import annotations

import io

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Cm, Pt, RGBColor
from flask_babel import gettext as _
from lxml import etree

from tracker.ledger import paper, sheets
from tracker.ledger.ooxml import TWIPS_PER_CM, Body, clean, el, field, runs
from tracker.points import ledger as points_ledger
from tracker.study.storage import get_store

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
#: widths in twentieths of a point: label, value, label, value = 16 cm between A4 margins
FORM_WIDTHS = (3 * TWIPS_PER_CM, 5 * TWIPS_PER_CM, 3 * TWIPS_PER_CM, 5 * TWIPS_PER_CM)
TEXT_WIDTH = sum(FORM_WIDTHS)
TALL_ROW = 3 * TWIPS_PER_CM
PENDING_COLOUR = "B02A37"
#: a photo fits a box of this size (cm): two side by side, two rows a page
PHOTO_BOX = (7.5, 9.0)
#: the style of title pages: the built-in "Title" is blue, bordered and in theme fonts
TITLE_STYLE = "Ledger Title"


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


def _styles(doc) -> None:
    _east_asian(doc.styles["Normal"], BODY_FONT, 10.5)
    title = doc.styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = doc.styles["Normal"]
    _east_asian(title, HEADING_FONT, 22, bold=True)
    title.paragraph_format.space_after = Pt(18)
    for name, size in (("Heading 1", 16), ("Heading 2", 14)):
        _east_asian(doc.styles[name], HEADING_FONT, size, bold=True)
    _east_asian(doc.styles["Footer"], BODY_FONT, 10.5)


def _footer(section) -> None:
    """"— 3 —" centred at the foot of every page, as official documents number pages."""
    p = section.footer.paragraphs[0]._p
    el(el(p, "w:pPr"), "w:jc", val="center")
    el(el(p, "w:r"), "w:t").text = "— "
    field(p, "PAGE", "1")
    el(el(p, "w:r"), "w:t").text = " —"
    for t in p.iter(qn("w:t")):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _new_document(title: str, author: str):
    doc = docx.Document()
    _styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.footer_distance = Cm(1.2)
    _footer(section)
    # Word fills in the contents' page numbers (PAGEREF fields) when it opens the file.
    el(doc.settings.element, "w:updateFields", val="true")
    doc.core_properties.title = clean(title)
    doc.core_properties.author = clean(author)
    return doc


# Parts of the ledger -------------------------------------------------------------------
def _form_rows(form: paper.PaperForm):
    for pairs in form.rows:
        if len(pairs) == 1:
            (label, value), = pairs
            yield [(label, True, 1), (value, False, 3)], TALL_ROW if label in form.tall else 0
        else:
            yield [cell for label, value in pairs for cell in ((label, True, 1), (value, False, 1))], 0


def paper_form(body: Body, form: paper.PaperForm, branch_name: str, bookmark: str) -> None:
    """One record, as the paper form: heading, bordered table of label cells, signatures."""
    body.paragraph(form.title, style="Heading1", centre=True, new_page=True, bookmark=bookmark)
    body.paragraph(_("Temporary branch: %(name)s", name=branch_name))
    if form.pending:
        body.paragraph(paper.status_text("submitted"), bold=True, colour=PENDING_COLOUR)
    body.table(FORM_WIDTHS, _form_rows(form))
    body.paragraph("    ".join(f"{s} ______________" for s in form.signatures), space_before=360)


def talk_record(body: Body, talk, book) -> None:
    """A talk record: what a talk shows in Word is decided here only."""
    paper_form(body, paper.talk_record(talk), book.branch.name, sheets.anchor(book.branch.id, f"t{talk.id}"))


def _grid(body: Body, columns, rows, *, tall: int = 0) -> None:
    widths = tuple(round(share * TEXT_WIDTH) for share in paper.shares(columns, "word"))
    lines = [([(h, True, 1) for h in paper.headers(columns)], 0)]
    lines += [([(text, False, 1) for text in paper.cells(columns, row)], tall) for row in rows]
    body.table(widths, lines, header=True)


def sign_in_sheet(body: Body, book, number: int, session) -> None:
    """The sign-in sheet (签到表): every member that day, a row each to sign."""
    body.paragraph(_("Sign-in sheet"), style="Heading2", centre=True, new_page=True)
    body.paragraph(sheets.record_line(number, session), centre=True)
    rows = sheets.sign_in_rows(book, session)
    if rows:
        _grid(body, sheets.SIGN_IN, rows, tall=TWIPS_PER_CM)
    else:
        body.paragraph(_("No members on this day."))


class Photos:
    """Puts a session's photos in the document, two by two, four a page, captioned."""

    def __init__(self, doc):
        self._part = doc.part
        self._shape_id = 1000  # ids of drawings, apart from the bookmarks' ids

    def _picture(self, attachment):
        """A function that fills a table cell's paragraph with the photo, scaled to fit."""
        try:
            with get_store().open(attachment.key) as stream:
                r_id, image = self._part.get_or_add_image(io.BytesIO(stream.read()))
        except (KeyError, UnrecognizedImageError):
            missing = _("The file of this photo is missing.")
            return lambda p: runs(p, missing)
        scale = min(Cm(PHOTO_BOX[0]) / image.width, Cm(PHOTO_BOX[1]) / image.height)
        self._shape_id += 1
        inline = CT_Inline.new_pic_inline(self._shape_id, r_id, clean(attachment.filename),
                                          int(image.width * scale), int(image.height * scale))

        def fill(p):
            el(el(p, "w:pPr"), "w:jc", val="center")
            el(el(p, "w:r"), "w:drawing").append(inline)
        return fill

    def add(self, body: Body, number: int, session) -> None:
        half = TEXT_WIDTH // 2
        for page in sheets.photo_pages(session):
            body.paragraph(_("Photos"), style="Heading2", centre=True, new_page=True)
            body.paragraph(sheets.record_line(number, session), centre=True)
            rows = []
            for pair in (page[:2], page[2:]):
                if pair:
                    rows.append(([(self._picture(a), False, 1) for _n, a in pair], 0))
                    rows.append(([(sheets.caption(n, a), False, 1) for n, a in pair], 0))
            body.table((half, half), rows)


def contents(body: Body, entries) -> None:
    """The 目录: each section with a PAGEREF to its bookmark (page numbers filled by Word)."""
    body.paragraph(_("Table of contents"), style="Heading1", centre=True, new_page=True)
    for entry in entries:
        p = body.paragraph(("" if entry.level == 1 else "    ") + entry.text, bold=entry.level == 1,
                           tab_right=TEXT_WIDTH)
        el(el(p, "w:r"), "w:tab")
        field(p, f"PAGEREF {entry.anchor} \\h", "")


def _title_page(body: Body, book, period: str, exported: str, new_page: bool) -> None:
    branch = book.branch
    body.paragraph(new_page=new_page)
    for _n in range(3):
        body.paragraph()
    body.paragraph(branch.name, style=TITLE_STYLE.replace(" ", ""), centre=True,
                   bookmark=sheets.anchor(branch.id, "cover"))
    body.paragraph(_("Ledger (台账), %(period)s", period=period), style="Heading2", centre=True)
    body.paragraph()
    facts = [
        (_("Projects"), paper.join((str(p) for p in branch.projects), strong=True)),
        (_("Approved by"), branch.approved_by),
        (_("Approval date"), paper.show(branch.approval_date, "date")),
        (_("Dissolved on"), paper.show(branch.dissolved_on, "date")),
        (_("Exported"), exported),
        (_("In this ledger"), _("Members: %(m)s · Meeting records: %(s)s · Talk records: %(t)s",
                                m=len(book.members), s=len(book.sessions), t=len(book.talks))),
    ]
    rows = [([(label, True, 1), (value, False, 1)], 0) for label, value in facts if value]
    body.table((FORM_WIDTHS[0], TEXT_WIDTH - FORM_WIDTHS[0]), rows)


def _branch(body: Body, photos: Photos, book, period: str) -> None:
    b = book.branch.id
    body.paragraph(_("Roster"), style="Heading1", new_page=True, bookmark=sheets.anchor(b, "roster"))
    if book.members:
        _grid(body, paper.ROSTER, book.members)
    else:
        body.paragraph(_("No members in this period."))
    for number, session in book.sessions:
        paper_form(body, paper.meeting_record(number, session), book.branch.name,
                   sheets.anchor(b, f"s{session.id}"))
        sign_in_sheet(body, book, number, session)
        photos.add(body, number, session)
    for talk in book.talks:
        talk_record(body, talk, book)
    body.paragraph(_("Withdrawn records"), style="Heading1", new_page=True)
    if book.withdrawn:
        _grid(body, paper.WITHDRAWN, book.withdrawn)
    else:
        body.paragraph(_("Nothing was withdrawn."))
    body.paragraph(_("Compliance summary"), style="Heading1", new_page=True,
                   bookmark=sheets.anchor(b, "compliance"))
    for caption, columns, rows in paper.compliance_tables(book):
        body.paragraph(caption, style="Heading2")
        if rows:
            _grid(body, columns, rows)
        else:
            body.paragraph(_("Nothing due in this period."))


def document(ledgers, *, title: str, period: str, exported: str, author: str) -> bytes:
    """The .docx file of these branch ledgers: the first title page, the contents, then
    each branch (its title page, then its sections)."""
    doc = _new_document(title, author)
    body, photos = Body(doc), Photos(doc)
    if not ledgers:
        body.paragraph(title, style=TITLE_STYLE.replace(" ", ""), centre=True)
        body.paragraph(_("No branch was active in this period."))
    for n, book in enumerate(ledgers):
        _title_page(body, book, period, exported, new_page=n > 0)
        if n == 0:
            contents(body, sheets.contents(ledgers))
        _branch(body, photos, book, period)
    points_ledger.add_section(body, ledgers)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
