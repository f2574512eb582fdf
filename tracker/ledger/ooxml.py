"""WordprocessingML written directly, for the Word ledger (word.py).

python-docx's cell API (merge, cell lookup, style lookup by name) costs seconds for a year
of records; elements built detached with lxml and appended cost a tenth of that. The result
is the markup python-docx makes (tables with w:gridSpan, "Table Grid"), plus what it has no
API for: fields (PAGE, PAGEREF), bookmarks, internal links and pictures in table cells.
"""
from __future__ import annotations

import functools
import re

from docx.oxml.ns import qn
from lxml import etree

TWIPS_PER_CM = 567
LABEL_SHADE = "F2F2F2"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text Word can hold: no control characters (they make invalid XML)."""
    return _XML_ILLEGAL.sub("", str(text or ""))


@functools.cache
def _qname(name: str) -> str:
    # A ledger writes a hundred thousand elements: resolve each name once.
    return qn(name)


def el(parent, tag: str, **attrs):
    element = etree.SubElement(parent, _qname(tag))
    for name, value in attrs.items():
        element.set(_qname("w:" + name), str(value))
    return element


def runs(p, text, *, bold: bool = False, colour: str | None = None) -> None:
    """The text as runs, a line break for each newline."""
    for n, line in enumerate(clean(text).split("\n")):
        r = el(p, "w:r")
        if bold or colour:
            rpr = el(r, "w:rPr")
            if bold:
                el(rpr, "w:b")
            if colour:
                el(rpr, "w:color", val=colour)
        if n:
            el(r, "w:br")
        t = el(r, "w:t")
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def field(p, instruction: str, shown: str = "") -> None:
    """A field (PAGE, NUMPAGES, PAGEREF …) with `shown` as its result until Word updates it."""
    el(el(p, "w:r"), "w:fldChar", fldCharType="begin")
    code = el(el(p, "w:r"), "w:instrText")
    code.text = f" {instruction} "
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    el(el(p, "w:r"), "w:fldChar", fldCharType="separate")
    el(el(p, "w:r"), "w:t").text = shown
    el(el(p, "w:r"), "w:fldChar", fldCharType="end")


class Body:
    """Appends paragraphs and tables to a document's body, before its section properties."""

    def __init__(self, doc):
        self._body = doc.element.body
        self._end = self._body.find(qn("w:sectPr"))
        self._bookmarks = 0

    def add(self, element) -> None:
        # Elements are built detached (plain lxml, fast) and only then put in the document.
        self._end.addprevious(element)

    def paragraph(self, text="", *, style: str | None = None, centre: bool = False, bold: bool = False,
                  colour: str | None = None, new_page: bool = False, space_before: int = 0,
                  bookmark: str | None = None, tab_right: int | None = None):
        p = etree.Element(qn("w:p"))
        if style or centre or new_page or space_before or tab_right:
            ppr = el(p, "w:pPr")
            if style:
                el(ppr, "w:pStyle", val=style)
            if new_page:
                el(ppr, "w:pageBreakBefore")
            if tab_right:
                el(el(ppr, "w:tabs"), "w:tab", val="right", leader="dot", pos=tab_right)
            if space_before:
                el(ppr, "w:spacing", before=space_before)
            if centre:
                el(ppr, "w:jc", val="center")
        if bookmark:
            self._bookmarks += 1
            el(p, "w:bookmarkStart", id=self._bookmarks, name=bookmark)
        if text:
            runs(p, text, bold=bold, colour=colour)
        if bookmark:
            el(p, "w:bookmarkEnd", id=self._bookmarks)
        self.add(p)
        return p

    def table(self, widths: tuple[int, ...], rows, *, header: bool = False) -> None:
        """A bordered table ("Table Grid"). `rows` yields (cells, tall) where cells are
        (content, is_label, span) triples filling the grid; content is text, or a function
        that fills the cell's paragraph. `tall` is a minimum row height in twips (or 0).
        A header row repeats on every page the table runs over."""
        tbl = etree.Element(qn("w:tbl"))
        pr = el(tbl, "w:tblPr")
        el(pr, "w:tblStyle", val="TableGrid")
        el(pr, "w:tblW", w=sum(widths), type="dxa")
        el(pr, "w:tblLayout", type="fixed")
        el(pr, "w:tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=1, lastColumn=0, noHBand=0, noVBand=1)
        grid = el(tbl, "w:tblGrid")
        for width in widths:
            el(grid, "w:gridCol", w=width)
        for n, (cells, tall) in enumerate(rows):
            tr = el(tbl, "w:tr")
            if tall or (header and n == 0):
                trpr = el(tr, "w:trPr")
                if tall:
                    el(trpr, "w:trHeight", val=tall, hRule="atLeast")
                if header and n == 0:
                    el(trpr, "w:tblHeader")
            column = 0
            for content, is_label, span in cells:
                tc = el(tr, "w:tc")
                tcpr = el(tc, "w:tcPr")
                el(tcpr, "w:tcW", w=sum(widths[column:column + span]), type="dxa")
                if span > 1:
                    el(tcpr, "w:gridSpan", val=span)
                if is_label:
                    el(tcpr, "w:shd", val="clear", color="auto", fill=LABEL_SHADE)
                p = el(tc, "w:p")
                if callable(content):
                    content(p)
                else:
                    runs(p, content, bold=is_label)
                column += span
        self.add(tbl)
