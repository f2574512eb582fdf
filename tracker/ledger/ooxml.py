"""WordprocessingML written directly, for the Word ledger (word.py).

python-docx's cell API (merge, cell lookup, style lookup by name) costs seconds for a year
of records; elements built detached with lxml and appended cost a tenth of that, and tables
written as markup text and parsed once by lxml a tenth again (a year's sign-in sheets are
a hundred thousand elements). The result is the markup python-docx makes (tables with w:gridSpan, "Table Grid"), plus what it has no
API for: fields (PAGE, PAGEREF), bookmarks, internal links and pictures in table cells.
"""
from __future__ import annotations

import functools
import html
import re

from docx.oxml.ns import nsmap, qn
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


def runs_markup(text, *, bold: bool = False) -> str:
    """What `runs` makes, as markup text."""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return "".join(f'<w:r>{rpr}{"<w:br/>" if n else ""}<w:t xml:space="preserve">{html.escape(line, quote=False)}</w:t></w:r>'
                   for n, line in enumerate(clean(text).split("\n")))


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
        out = [f'<w:tbl xmlns:w="{nsmap["w"]}"><w:tblPr><w:tblStyle w:val="TableGrid"/>'
               f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
               '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
        out += [f'<w:gridCol w:w="{width}"/>' for width in widths]
        out.append("</w:tblGrid>")
        fillers, cell_number = {}, 0
        for n, (cells, tall) in enumerate(rows):
            out.append("<w:tr>")
            if tall or (header and n == 0):
                out.append("<w:trPr>" + (f'<w:trHeight w:val="{tall}" w:hRule="atLeast"/>' if tall else "")
                           + ("<w:tblHeader/>" if header and n == 0 else "") + "</w:trPr>")
            column = 0
            for content, is_label, span in cells:
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{sum(widths[column:column + span])}" w:type="dxa"/>'
                           + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
                           + (f'<w:shd w:val="clear" w:color="auto" w:fill="{LABEL_SHADE}"/>' if is_label else "")
                           + "</w:tcPr><w:p>")
                if callable(content):
                    fillers[cell_number] = content
                else:
                    out.append(runs_markup(content, bold=is_label))
                out.append("</w:p></w:tc>")
                column += span
                cell_number += 1
            out.append("</w:tr>")
        out.append("</w:tbl>")
        tbl = etree.fromstring("".join(out))
        if fillers:
            paragraphs = tbl.findall(f"{_qname('w:tr')}/{_qname('w:tc')}/{_qname('w:p')}")
            for number, fill in fillers.items():
                fill(paragraphs[number])
        self.add(tbl)
