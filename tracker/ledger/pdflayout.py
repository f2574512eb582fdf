"""A small page layout for the ledger PDF: A4 pages filled top to bottom with headings,
paragraphs, bordered tables (rows kept whole, header rows repeated, a row taller than a page
split by lines), images and internal links, then written with pydyf.

It knows exactly what the ledger needs and nothing more, which is why a year's ledger of a
busy branch (several hundred pages) lays out in about a second where a general CSS engine
took half a minute. The measures follow static/ledger.css (print media), so the PDF looks
like the print view printed: same page size and margins, fonts, sizes, borders, shading.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pydyf

from tracker.ledger.pdffonts import Fonts

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
LEFT, RIGHT = 18 * MM, PAGE_WIDTH - 16 * MM
TOP, BOTTOM = PAGE_HEIGHT - 18 * MM, 18 * MM
WIDTH = RIGHT - LEFT
#: line height as a share of the font size (CSS "normal" for Noto CJK)
LEADING = 1.45
BORDER = 0.75  # 1 CSS px


@dataclass(frozen=True)
class Style:
    face: str = "serif"
    size: float = 10.5
    colour: tuple[float, float, float] = (0, 0, 0)
    #: extra room after each character, in ems (CSS letter-spacing)
    spacing: float = 0.0

    @property
    def line(self) -> float:
        return self.size * LEADING


@dataclass
class Cell:
    text: str
    style: Style
    #: background grey (0–1), or None
    fill: float | None = None
    align: str = "left"
    #: keep on one line (dates, numbers)
    nowrap: bool = False
    min_height: float = 0.0


@dataclass
class Page:
    ops: list[str] = field(default_factory=list)
    images: dict[str, object] = field(default_factory=dict)
    #: (x1, y1, x2, y2, anchor)
    links: list[tuple[float, float, float, float, str]] = field(default_factory=list)


# Line breaking ---------------------------------------------------------------------------
#: a space run, a run of letters/digits (a word), or one other character (a Chinese one)
_UNITS = re.compile(r"\s+|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|.", re.S)
#: never starts a line (禁则): the closing marks stay with what they close
_CLOSING = set("，。、；：！？）》」』”’〉】,.;:!?)]}%")


def _units(text: str) -> list[str]:
    units: list[str] = []
    for match in _UNITS.finditer(text):
        unit = match.group()
        if units and unit[0] in _CLOSING and not units[-1].isspace():
            units[-1] += unit
        else:
            units.append(unit)
    return units


def wrap(fonts: Fonts, text: str, style: Style, width: float) -> list[str]:
    """The lines `text` takes in `width` points: broken at spaces and between Chinese
    characters, a word longer than the line broken anywhere, newlines kept."""
    face = fonts.face(style.face)
    extra = style.spacing * 1000
    limit = width * 1000 / style.size
    advance = face.advance

    def units_width(s: str) -> float:
        return sum(map(advance, s)) + extra * len(s)

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for unit in _units(paragraph):
            w = units_width(unit)
            if used + w <= limit or not line and unit.isspace():
                line, used = line + unit, used + w
                continue
            if unit.isspace():  # a space at the end of a line disappears
                lines.append(line.rstrip())
                line, used = "", 0.0
                continue
            if line.strip():
                lines.append(line.rstrip())
            line, used = "", 0.0
            for char in unit:  # longer than a line: broken anywhere (overflow-wrap)
                cw = advance(char) + extra
                if used + cw > limit and line:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + cw
        lines.append(line.rstrip())
    return lines


# Pages -------------------------------------------------------------------------------------
def _num(value: float) -> str:
    return f"{value:.2f}"


class Layout:
    """Pages being filled; `y` is where the next block starts (PDF points from the bottom)."""

    def __init__(self, fonts: Fonts):
        self.fonts = fonts
        self.pages: list[Page] = []
        self.y = TOP
        #: anchor -> (page index, y)
        self.anchors: dict[str, tuple[int, float]] = {}
        #: image resource name -> the XObject's stream, added to the PDF when written
        self.images: dict[str, pydyf.Stream] = {}
        self.new_page()

    # -- pages
    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    def at_top(self) -> bool:
        return self.y >= TOP

    def break_page(self) -> None:
        """Start a new page unless this one is still empty (CSS break-before: page)."""
        if not self.at_top():
            self.new_page()

    def room(self) -> float:
        return self.y - BOTTOM

    def need(self, height: float) -> None:
        """A new page when `height` does not fit on this one (and would on an empty one)."""
        if height > self.room() and not self.at_top():
            self.new_page()

    def space(self, height: float) -> None:
        """Vertical room; a margin at the top of a page is dropped."""
        if not self.at_top():
            self.y = max(self.y - height, BOTTOM)

    def anchor(self, name: str) -> None:
        self.anchors[name] = (len(self.pages) - 1, self.y)

    # -- drawing
    def text(self, x: float, baseline: float, text: str, style: Style, page: Page | None = None) -> None:
        if not text:
            return
        page = page or self.page
        r, g, b = style.colour
        # Tc belongs to the graphics state: set on every text object, it never leaks into the next
        spacing = f"{_num(style.spacing * style.size)} Tc "
        page.ops.append(
            f"BT {_num(r)} {_num(g)} {_num(b)} rg /{self.fonts.resource(style.face)} {_num(style.size)} Tf "
            f"{spacing}{_num(x)} {_num(baseline)} Td {self.fonts.encode(style.face, text)} Tj ET")

    def width(self, text: str, style: Style) -> float:
        face = self.fonts.face(style.face)
        return face.width(text, style.size) + style.spacing * style.size * len(text)

    def line_at(self, x: float, top: float, width: float, text: str, style: Style, align: str = "left",
                page: Page | None = None) -> None:
        """One line of text whose line box starts `top` points down the page."""
        if align != "left":
            free = width - self.width(text, style) + style.spacing * style.size  # no spacing after the last
            x += free / 2 if align == "center" else free
        baseline = top - (style.line - style.size) / 2 - style.size * 0.88
        self.text(x, baseline, text, style, page)

    def rect(self, x: float, y: float, w: float, h: float, *, fill: float | None = None, stroke: float | None = 0,
             page: Page | None = None) -> None:
        page = page or self.page
        ops = []
        if fill is not None:
            ops.append(f"{_num(fill)} g {_num(x)} {_num(y)} {_num(w)} {_num(h)} re f")
        if stroke is not None:
            ops.append(f"{_num(stroke)} G {_num(BORDER)} w {_num(x)} {_num(y)} {_num(w)} {_num(h)} re S")
        page.ops.append(" ".join(ops))

    def hline(self, x: float, y: float, w: float) -> None:
        self.page.ops.append(f"0 G {_num(BORDER)} w {_num(x)} {_num(y)} m {_num(x + w)} {_num(y)} l S")

    # -- blocks
    def paragraph(self, text: str, style: Style, *, align: str = "left", indent: float = 0.0,
                  width: float | None = None, before: float = 0.0, after: float = 0.0) -> None:
        """Wrapped text; lines go on to the next page as they must."""
        width = (WIDTH - indent) if width is None else width
        self.space(before)
        for line in wrap(self.fonts, text, style, width):
            self.need(style.line)
            self.line_at(LEFT + indent, self.y, width, line, style, align)
            self.y -= style.line
        self.space(after)

    def link(self, x1: float, y1: float, x2: float, y2: float, anchor: str, page: Page | None = None) -> None:
        (page or self.page).links.append((x1, y1, x2, y2, anchor))

    def table(self, widths: list[float], rows: list[list[Cell]], *, header: list[Cell] | None = None,
              pad: tuple[float, float] = (1.6 * MM, 2 * MM), x: float = LEFT,
              spans: list[list[float]] | None = None) -> None:
        """A bordered table; `widths` in points. Each row stays on one page when it can
        (the header row repeats on every page); a row taller than a page is split by lines.
        `spans`, when given, are each row's own cell widths (a label and a value filling the row)."""
        pad_v, pad_h = pad

        def lay(row: list[Cell], row_widths: list[float]):
            cells = []
            for cell, w in zip(row, row_widths, strict=True):
                lines = [cell.text.replace("\n", " ")] if cell.nowrap else \
                    wrap(self.fonts, cell.text, cell.style, w - 2 * pad_h)
                cells.append((cell, w, lines))
            height = max(max(2 * pad_v + len(lines) * c.style.line, c.min_height) for c, _w, lines in cells)
            return cells, height

        laid_header = lay(header, widths) if header else None
        header_drawn = False
        for n, row in enumerate(rows):
            cells, height = lay(row, spans[n] if spans else widths)
            head = laid_header[1] if laid_header and not header_drawn else 0.0
            if height + head > self.room() and not self.at_top():
                self.new_page()
                header_drawn = False
            if laid_header and not header_drawn:
                self._draw_row(x, *laid_header, pad)
                header_drawn = True
            self._draw_row_split(x, cells, height, pad, laid_header)

    def _draw_row_split(self, x, cells, height, pad, laid_header) -> None:
        """Draw a row, carrying the lines that do not fit to the next page."""
        pad_v = pad[0]
        while True:
            if height <= self.room():
                self._draw_row(x, cells, height, pad)
                return
            # as many lines as fit here
            fits = []
            for cell, w, lines in cells:
                n = max(0, int((self.room() - 2 * pad_v) // cell.style.line))
                fits.append((cell, w, lines[:n], lines[n:]))
            self._draw_row(x, [(c, w, head) for c, w, head, _rest in fits], self.room(), pad)
            self.new_page()
            if laid_header:
                self._draw_row(x, *laid_header, pad)
            cells = [(c, w, rest) for c, w, _head, rest in fits]
            height = max(2 * pad_v + len(lines) * c.style.line for c, _w, lines in cells)

    def _draw_row(self, x: float, cells, height: float, pad) -> None:
        pad_v, pad_h = pad
        top = self.y
        for cell, w, lines in cells:
            self.rect(x, top - height, w, height, fill=cell.fill)
            line_top = top - pad_v
            for line in lines:
                self.line_at(x + pad_h, line_top, w - 2 * pad_h, line, cell.style, cell.align)
                line_top -= cell.style.line
            x += w
        self.y = top - height

    # -- output
    def write(self, footer, title: str = "") -> bytes:
        """The PDF: each page's content, `footer(number, count)` drawn on every page (its
        text, style), links to anchors, fonts and images."""
        pdf = pydyf.PDF()
        pdf.info["Title"] = pydyf.String(title)
        pdf.info["Producer"] = pydyf.String("Temporary Branch Tracker")
        for stream in self.images.values():
            pdf.add_object(stream)
        count = len(self.pages)
        for number, page in enumerate(self.pages, 1):
            text, style = footer(number, count)
            # in the middle of the bottom margin, as @bottom-center puts it
            self.line_at(LEFT, BOTTOM / 2 + style.line / 2, WIDTH, text, style, "center", page=page)
        fonts = self.fonts.dictionary(pdf)
        page_objects = []
        for page in self.pages:
            content = pydyf.Stream(page.ops, compress=True)
            pdf.add_object(content)
            resources = pydyf.Dictionary({"Font": fonts})
            if page.images:
                resources["XObject"] = pydyf.Dictionary({n: s.reference for n, s in page.images.items()})
            page_object = pydyf.Dictionary({
                "Type": "/Page", "Parent": pdf.pages.reference,
                "MediaBox": pydyf.Array([0, 0, _num(PAGE_WIDTH), _num(PAGE_HEIGHT)]),
                "Contents": content.reference, "Resources": resources,
            })
            pdf.add_page(page_object)
            page_objects.append(page_object)
        for page, page_object in zip(self.pages, page_objects, strict=True):
            annots = pydyf.Array()
            for x1, y1, x2, y2, anchor in page.links:
                if anchor not in self.anchors:
                    continue
                target, y = self.anchors[anchor]
                link = pydyf.Dictionary({
                    "Type": "/Annot", "Subtype": "/Link", "Border": pydyf.Array([0, 0, 0]),
                    "Rect": pydyf.Array([_num(x1), _num(y1), _num(x2), _num(y2)]),
                    "Dest": pydyf.Array([page_objects[target].reference, "/XYZ", 0, _num(y), 0]),
                })
                pdf.add_object(link)
                annots.append(link.reference)
            if annots:
                page_object["Annots"] = annots
        out = io.BytesIO()
        pdf.write(out, version=b"1.7", compress=True)
        return out.getvalue()
