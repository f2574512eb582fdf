"""The ledger as a PDF, made on the server: the print view's content and layout (A4, the same
sections in the same order, "— 3 —" page numbers, the contents with each section's page,
sign-in sheets, photos four to a page), for archiving and sending upward.

It is drawn directly (pdflayout.py, fonts in pdffonts.py) from what the print view and Word
say (paper.py, sheets.py), so the three cannot drift apart in content. It used to be the print
view's HTML laid out by WeasyPrint: about 0.1 s of CPU per page, half a minute for the
busiest branch-year (several hundred pages); drawn directly it takes about a second.

It reads nothing but the ledger's own photos from the attachment store. JPEG photos go in
as they are (no decoding: the PDF viewer scales them), turned as the camera's orientation
tag says and without their metadata (GPS positions); PNG photos are re-encoded.
"""
from __future__ import annotations

import io
import struct

import pydyf
from flask_babel import get_locale
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tracker.ledger import paper, sheets
from tracker.ledger.pdffonts import Fonts
from tracker.ledger.pdflayout import LEFT, MM, RIGHT, WIDTH, Cell, Layout, Style, wrap
from tracker.study.storage import get_store

SHADE = 242 / 255  # #f2f2f2, the label cells' background
BODY = Style("serif", 10.5)
BOLD = Style("serif-bold", 10.5)
H1 = Style("sans-bold", 20)
H2 = Style("sans-bold", 14)
H3 = Style("sans-bold", 12)
GRID = Style("serif", 9.5)
GRID_HEAD = Style("serif-bold", 9.5)
PENDING = Style("serif-bold", 10.5, colour=(0xB0 / 255, 0x2A / 255, 0x37 / 255))
EMPTY = Style("serif", 10.5, colour=(0x55 / 255,) * 3)
FOOTER = Style("serif", 10)
GRID_PAD = (1.4 * MM, 1.2 * MM)
#: label, value, label, value (table.form in ledger.css)
FORM_SHARES = (0.19, 0.31, 0.19, 0.31)
TALL_ROW = 30 * MM
SIGNATURE_ROW = 9 * MM
PHOTO_MAX_HEIGHT = 100 * MM
#: the contents' page numbers sit in this much room at the right
TOC_NUMBER = 12 * MM


def _chinese() -> bool:
    return str(get_locale() or "en").startswith("zh")


def _title_style(size: float = 16, spacing: float = 0.3) -> Style:
    return Style("sans-bold", size, spacing=spacing if _chinese() else 0.0)


class LedgerPdf:
    """One PDF: the print view's sections, page after page."""

    def __init__(self, ledgers, title: str, span, exported: str, contents):
        self.ledgers, self.title, self.span, self.exported, self.contents = ledgers, title, span, exported, contents
        self.layout = Layout(Fonts())
        #: attachment id -> (image XObject, width, height, turn) or None (its file is gone)
        self._pictures: dict[int, tuple | None] = {}
        self._toc_lines: list | None = None

    # -- building blocks ----------------------------------------------------------------
    def heading(self, text: str, style: Style, before: float, after: float, align: str = "left") -> None:
        self.layout.need(style.line * 2)
        self.layout.paragraph(text, style, align=align, before=before, after=after)

    def form_title(self, text: str) -> None:
        self.heading(text, _title_style(), 4 * MM, 2 * MM, align="center")

    def grid(self, columns, rows, empty: str) -> None:
        """A table of paper.Column columns (roster, sign-in sheet, compliance), as the print
        view's `grid` macro draws it."""
        if not rows:
            self.layout.paragraph(empty, EMPTY, after=3 * MM)
            return
        # the print view's column classes: whole per cents between 2 and 50
        percents = [min(max(round(share * 100), 2), 50) for share in paper.shares(columns)]
        widths = [WIDTH * p / sum(percents) for p in percents]
        header = [Cell(h, GRID_HEAD, fill=SHADE) for h in paper.headers(columns)]
        body = []
        for row in rows:
            body.append([Cell(text, GRID, nowrap=c.kind in ("date", "int", "time"),
                              min_height=SIGNATURE_ROW if c.kind == "signature" else 0.0)
                         for c, text in zip(columns, paper.cells(columns, row), strict=True)])
        self.layout.table(widths, body, header=header, pad=GRID_PAD)

    def paper_form(self, f: paper.PaperForm, branch_name: str, anchor: str) -> None:
        layout = self.layout
        layout.break_page()
        layout.anchor(anchor)
        self.form_title(f.title)
        layout.paragraph(_("Temporary branch: %(name)s", name=branch_name), BODY, after=2 * MM)
        if f.pending:
            layout.paragraph(paper.status_text("submitted"), PENDING, after=2 * MM)
        widths = [WIDTH * s for s in FORM_SHARES]
        rows, spans = [], []
        for pairs in f.rows:
            if len(pairs) == 1:
                (label, value), = pairs
                tall = TALL_ROW if label in f.tall else 0.0
                rows.append([Cell(label, BOLD, fill=SHADE), Cell(value, BODY, min_height=tall)])
                spans.append([widths[0], sum(widths[1:])])
            else:
                rows.append([cell for label, value in pairs
                             for cell in (Cell(label, BOLD, fill=SHADE), Cell(value, BODY))])
                spans.append(widths)
        layout.table(widths, rows, spans=spans)
        self.signatures(f.signatures)

    def signatures(self, labels: list[str]) -> None:
        """"Host (signature): ______" side by side, wrapping as the print view's flex row."""
        layout, line, gap_x, gap_y = self.layout, BODY.line, 12 * MM, 6 * MM
        items = [(text, layout.width(text + " ", BODY)) for text in labels]
        rows: list[list[tuple[str, float]]] = [[]]
        used = 0.0
        for text, w in items:
            w += 32 * MM
            if rows[-1] and used + gap_x + w > WIDTH:
                rows.append([])
                used = 0.0
            used += (gap_x if rows[-1] else 0) + w
            rows[-1].append((text, w))
        layout.space(8 * MM)
        layout.need(len(rows) * line + (len(rows) - 1) * gap_y)
        for row in rows:
            x = LEFT
            for text, w in row:
                layout.line_at(x, layout.y, w, text, BODY)
                underline = layout.y - line + (line - BODY.size) / 2
                layout.hline(x + w - 32 * MM, underline, 32 * MM)
                x += w + gap_x
            layout.y -= line + gap_y
        layout.y += gap_y

    # -- sections -------------------------------------------------------------------------
    def cover(self, book) -> None:
        layout, b = self.layout, book.branch
        layout.anchor(sheets.anchor(b.id, "cover"))
        layout.y -= 60 * MM
        layout.paragraph(b.name, H1, align="center", after=6 * MM)
        layout.paragraph(_("Ledger (台账), %(period)s", period=self.span.label()), Style("serif", 14),
                         align="center", after=12 * MM)
        facts = [(_("Projects"), paper.join([str(p) for p in b.projects], strong=True)),
                 (_("Approved by"), b.approved_by),
                 (_("Approval date"), paper.show(b.approval_date, "date"))]
        if b.dissolved_on:
            facts.append((_("Dissolved on"), paper.show(b.dissolved_on, "date")))
        facts += [(_("Period"), f"{paper.show(self.span.first, 'date')} – {paper.show(self.span.last, 'date')}"),
                  (_("Printed"), self.exported)]
        half = WIDTH * 0.35
        layout.table([half, half], [[Cell(k, BOLD, fill=SHADE), Cell(v, BODY)] for k, v in facts],
                     x=LEFT + WIDTH * 0.15)
        layout.paragraph(_("Members: %(m)s · Meeting records: %(s)s · Talk records: %(t)s", m=len(book.members),
                           s=len(book.sessions), t=len(book.talks)), BODY, align="center", before=8 * MM)

    def toc_lines(self):
        """Each contents entry as (entry, lines, style, indent, room before)."""
        if self._toc_lines is not None:
            return self._toc_lines
        laid = self._toc_lines = []
        for e in self.contents:
            style = BOLD if e.level == 1 else BODY
            indent = 0.0 if e.level == 1 else 6 * MM
            lines = self.wrap(e.text, style, WIDTH - indent - TOC_NUMBER)
            laid.append((e, lines, style, indent, (3 if e.level == 1 else 1.2) * MM))
        return laid

    def wrap(self, text: str, style: Style, width: float) -> list[str]:
        return wrap(self.layout.fonts, text, style, width)

    def toc(self, pages: dict[str, int] | None) -> None:
        """The contents (目录); `pages` gives each anchor's page number (None: measuring)."""
        layout = self.layout
        layout.break_page()
        layout.paragraph(_("Table of contents"), Style("sans-bold", 14, spacing=0.5), align="center", after=3 * MM)
        for e, lines, style, indent, before in self.toc_lines():
            layout.space(before)
            layout.need(len(lines) * style.line)
            top = layout.y
            for n, line in enumerate(lines):
                layout.line_at(LEFT + indent, layout.y, WIDTH - indent, line, style)
                if n == len(lines) - 1:
                    number = str(pages.get(e.anchor, "")) if pages else ""
                    start = LEFT + indent + layout.width(line, style) + 1 * MM
                    end = RIGHT - layout.width(number, style) - 1 * MM
                    dots = "." * max(0, int((end - start) / layout.width(".", style)))
                    layout.line_at(start, layout.y, end - start, dots, style, "right")
                    layout.line_at(LEFT, layout.y, WIDTH, number, style, "right")
                layout.y -= style.line
            layout.link(LEFT + indent, layout.y, RIGHT, top, e.anchor)

    def sign_in(self, book, number: int, s) -> None:
        layout = self.layout
        layout.break_page()
        self.form_title(_("Sign-in sheet"))
        layout.paragraph(sheets.record_line(number, s), BODY, after=2 * MM)
        self.grid(sheets.SIGN_IN, sheets.sign_in_rows(book, s), _("No members on this day."))

    def photos(self, number: int, s) -> None:
        """Four photos a page, two by two, each captioned under it."""
        layout = self.layout
        figure, gap = WIDTH * 0.48, WIDTH * 0.04
        for page in sheets.photo_pages(s):
            layout.break_page()
            self.form_title(_("Photos"))
            layout.paragraph(sheets.record_line(number, s), BODY, after=2 * MM)
            for row in (page[:2], page[2:]):
                if not row:
                    continue
                figures = []
                for n, a in row:
                    picture, w, h = self.photo(a, figure)
                    caption = sheets.caption(n, a)
                    if picture is None:
                        caption = _("The file of this photo is missing.") + "\n" + caption
                    figures.append((a, picture, w, h, self.wrap(caption, GRID, figure)))
                picture_height = max(h for *_x, h, _c in figures)
                height = picture_height + 1.5 * MM + max(len(c) for *_x, c in figures) * GRID.line
                layout.need(height)
                top = layout.y
                for col, (a, picture, w, h, caption) in enumerate(figures):
                    x = LEFT + col * (figure + gap)
                    if picture is not None:
                        left = x + (figure - w) / 2
                        self.draw_photo(f"Im{a.id}", picture, left, top - h, w, h)
                        layout.rect(left, top - h, w, h, stroke=0.6)
                    line_top = top - picture_height - 1.5 * MM
                    for line in caption:
                        layout.line_at(x, line_top, figure, line, GRID, "center")
                        line_top -= GRID.line
                layout.y = top - height
                layout.space(6 * MM)

    def photo(self, attachment, max_width: float):
        """(picture or None when its file is gone, width, height) of a photo in its figure:
        its size in CSS pixels, scaled down to the figure's width and 100 mm high."""
        if attachment.id not in self._pictures:
            try:
                with get_store().open(attachment.key) as stream:
                    data = stream.read()
                self._pictures[attachment.id] = _image(data)
            except (KeyError, OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
                self._pictures[attachment.id] = None
        picture = self._pictures[attachment.id]
        if picture is None:
            return None, 0.0, 0.0
        _xobject, px, py, turn = picture
        w, h = ((py, px) if turn in (90, 270) else (px, py))
        w, h = w * 0.75, h * 0.75  # CSS pixels
        scale = min(1.0, max_width / w, PHOTO_MAX_HEIGHT / h)
        return picture, w * scale, h * scale

    def draw_photo(self, name: str, picture, x: float, y: float, w: float, h: float) -> None:
        """The image in the box whose bottom left corner is (x, y), turned upright."""
        xobject, _px, _py, turn = picture
        layout = self.layout
        layout.images[name] = layout.page.images[name] = xobject
        matrix = {0: (w, 0, 0, h, x, y), 90: (0, -h, w, 0, x, y + h),
                  180: (-w, 0, 0, -h, x + w, y + h), 270: (0, h, -w, 0, x + w, y)}[turn]
        layout.page.ops.append("q " + " ".join(f"{v:.2f}" for v in matrix) + f" cm /{name} Do Q")

    # -- the document ---------------------------------------------------------------------
    def branch(self, book, toc_pages: int) -> None:
        """One branch's ledger; after the first one's cover, `toc_pages` pages are left
        for the contents, drawn when every section's page is known."""
        layout, b = self.layout, book.branch
        layout.break_page()
        self.cover(book)
        if toc_pages:
            layout.new_page()
            self._toc_at = len(layout.pages) - 1
            for _n in range(toc_pages):
                layout.new_page()
        layout.break_page()
        layout.anchor(sheets.anchor(b.id, "roster"))
        self.heading(_("Roster"), H2, 6 * MM, 3 * MM)
        self.grid(paper.ROSTER, book.members, _("No members in this period."))
        if not book.sessions:
            layout.paragraph(_("No study sessions in this period."), EMPTY, before=3 * MM)
        for number, s in book.sessions:
            self.paper_form(paper.meeting_record(number, s), b.name, sheets.anchor(b.id, f"s{s.id}"))
            self.sign_in(book, number, s)
            self.photos(number, s)
        if not book.talks:
            layout.break_page()
            layout.paragraph(_("No talks in this period."), EMPTY)
        for t in book.talks:
            self.paper_form(paper.talk_record(t), b.name, sheets.anchor(b.id, f"t{t.id}"))
        self.heading(_("Withdrawn records"), H2, 6 * MM, 3 * MM)
        self.grid(paper.WITHDRAWN, book.withdrawn, _("Nothing was withdrawn."))
        layout.break_page()
        layout.anchor(sheets.anchor(b.id, "compliance"))
        self.heading(_("Compliance summary"), H2, 6 * MM, 3 * MM)
        for caption, columns, rows in paper.compliance_tables(book):
            self.heading(caption, H3, 4 * MM, 2 * MM)
            self.grid(columns, rows, _("Nothing due in this period."))

    def contents_pages(self, pages: dict[str, int] | None) -> Layout:
        """The contents laid out on pages of their own (their number does not depend on the
        page numbers they give, which take a fixed room at the right)."""
        body, self.layout = self.layout, Layout(self.layout.fonts)
        try:
            self.toc(pages)
            return self.layout
        finally:
            self.layout = body

    def build(self) -> bytes:
        layout = self.layout
        if not self.ledgers:
            layout.y -= 60 * MM
            layout.paragraph(self.title, H1, align="center", after=6 * MM)
            layout.paragraph(_("No branch was active in this period."), BODY, align="center")
            return layout.write(_footer, self.title)
        toc_pages = len(self.contents_pages(None).pages)
        for n, book in enumerate(self.ledgers):
            self.branch(book, toc_pages if n == 0 else 0)
        pages = {name: page + 1 for name, (page, _y) in layout.anchors.items()}
        layout.pages[self._toc_at:self._toc_at + toc_pages] = self.contents_pages(pages).pages
        return layout.write(_footer, self.title)


def _footer(number: int, _count: int):
    return f"— {number} —", FOOTER


def document(ledgers, *, title: str, span, exported: str, contents, **_print_context) -> bytes:
    """The PDF of these branch ledgers; the keywords are the print view's context."""
    return LedgerPdf(ledgers, title, span, exported, contents).build()


# Photos ------------------------------------------------------------------------------------
#: EXIF orientation -> degrees the image is turned clockwise for display
_TURNS = {1: 0, 3: 180, 6: 90, 8: 270}


def _image(data: bytes) -> tuple[pydyf.Stream, int, int, int]:
    """(image XObject, width, height in pixels, clockwise turn) of a photo file."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        orientation = image.getexif().get(0x0112, 1) if image.format == "JPEG" else 1
        if image.format == "JPEG" and image.mode in ("RGB", "L") and orientation in _TURNS:
            space = "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
            return _xobject(_without_metadata(data), width, height, space), width, height, _TURNS[orientation]
        image.draft("RGB", (2400, 2400))
        upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((2400, 2400))
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=90)
        return _xobject(out.getvalue(), *upright.size, "/DeviceRGB"), *upright.size, 0


def _xobject(jpeg: bytes, width: int, height: int, space: str) -> pydyf.Stream:
    return pydyf.Stream([jpeg], pydyf.Dictionary({
        "Type": "/XObject", "Subtype": "/Image", "Width": width, "Height": height,
        "ColorSpace": space, "BitsPerComponent": 8, "Filter": "/DCTDecode",
    }))


def _without_metadata(jpeg: bytes) -> bytes:
    """The JPEG without its APP1 (EXIF, XMP: GPS position, camera) and COM segments; the
    picture's own segments are copied as they are."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out, pos = [jpeg[:2]], 2
    while pos + 4 <= len(jpeg):
        marker = jpeg[pos + 1]
        if jpeg[pos] != 0xFF:
            raise ValueError("broken JPEG")
        if marker == 0xDA:  # start of scan: the rest is the picture
            out.append(jpeg[pos:])
            return b"".join(out)
        (length,) = struct.unpack(">H", jpeg[pos + 2:pos + 4])
        if marker not in (0xE1, 0xFE):
            out.append(jpeg[pos:pos + 2 + length])
        pos += 2 + length
    raise ValueError("broken JPEG")
