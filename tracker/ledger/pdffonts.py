"""The fonts of the ledger PDF: Debian's Noto CJK, as the print view's stylesheet asks for
them on a server without SimSun/SimHei — Noto Serif CJK SC for text (宋体), its bold for
label cells, Noto Sans CJK SC Bold for headings (黑体).

Each font is found once per process (fontconfig's `fc-match`) and measured with fontTools
(character → glyph and advance width, remembered as characters come). A document embeds
only the glyphs it used: HarfBuzz cuts the subset in a few milliseconds (fontTools, the
fallback when libharfbuzz-subset is missing, takes about a second per font). Glyph ids are
kept, so the text drawn with them needs no renumbering; the ToUnicode map makes the PDF's
text searchable and extractable.
"""
from __future__ import annotations

import functools
import io
import shutil
import subprocess  # nosec B404
import unicodedata
from dataclasses import dataclass, field

import pydyf
from fontTools.ttLib import TTFont

#: name -> fontconfig pattern
FACES = {
    "serif": "Noto Serif CJK SC:weight=regular",
    "serif-bold": "Noto Serif CJK SC:bold",
    "sans-bold": "Noto Sans CJK SC:bold",
}


class FontMissing(RuntimeError):
    """The CJK fonts the ledger PDF needs are not installed (Debian: fonts-noto-cjk)."""


def _locate(pattern: str) -> tuple[str, int]:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise FontMissing("fc-match (fontconfig) is not installed")
    # Fixed argv: fontconfig's matcher with a pattern of FACES.
    found = subprocess.run([fc_match, "-f", "%{file}|%{index}|%{family[0]}", pattern],  # noqa: S603  # nosec B603
                           capture_output=True, text=True, check=False, timeout=30).stdout
    path, index, family = (found.split("|") + ["", "", ""])[:3]
    if "CJK" not in family:
        raise FontMissing(f"no font for {pattern!r} (fontconfig offers {family or 'nothing'})")
    return path, int(index or 0)


class Face:
    """One font file's metrics, shared by every document the process makes."""

    def __init__(self, name: str, path: str, index: int):
        self.name, self.path, self.index = name, path, index
        # Only the small tables are read with fontTools: its cmap, glyph order and metrics of a
        # CJK font (65,000 glyphs) are Python objects of about 50 MB a face, which put a
        # worker's peak memory past its budget; HarfBuzz answers glyph ids and advances from
        # the mapped file instead.
        font = TTFont(path, fontNumber=index, lazy=True)
        self.upem = font["head"].unitsPerEm
        self.ascent = font["hhea"].ascent * 1000 / self.upem
        self.descent = font["hhea"].descent * 1000 / self.upem
        self.family = font["name"].getDebugName(1) or name
        self.bold = "bold" in name
        self.serif = "serif" in name
        self._lookup = _harfbuzz_lookup(path, index) or _fonttools_lookup(font)
        #: character -> (glyph id, advance in thousandths of the font size)
        self._glyphs: dict[str, tuple[int, float]] = {}

    def glyph(self, char: str) -> tuple[int, float]:
        known = self._glyphs.get(char)
        if known is None:
            found = self._lookup(ord(char))
            if found is None and unicodedata.category(char) == "Zs":
                found = self._lookup(32)  # a narrow or no-break space (Babel's "11:36 AM")
            if found is None:
                known = (0, 500.0)  # .notdef: drawn as a box, still takes room
            else:
                known = (found[0], found[1] * 1000 / self.upem)
            self._glyphs[char] = known
        return known

    def advance(self, char: str) -> float:
        """The character's advance, in thousandths of the font size."""
        known = self._glyphs.get(char)
        return (known or self.glyph(char))[1]

    def width(self, text: str, size: float) -> float:
        return sum(map(self.advance, text)) * size / 1000

    def subset(self, gids: set[int]) -> bytes:
        """The font file with only these glyphs (ids unchanged)."""
        return _harfbuzz_subset(self, gids) or _fonttools_subset(self, gids)


def _fonttools_lookup(font: TTFont):
    """code point -> (glyph id, advance in font units) or None, read with fontTools (when
    HarfBuzz is missing)."""
    cmap, metrics, gids = font.getBestCmap(), font["hmtx"].metrics, font.getReverseGlyphMap()

    def lookup(code: int) -> tuple[int, int] | None:
        name = cmap.get(code)
        return None if name is None else (gids[name], metrics[name][0])
    return lookup


def _harfbuzz_lookup(path: str, index: int):
    """code point -> (glyph id, advance in font units) or None, asked of HarfBuzz; None when
    HarfBuzz is missing."""
    if _harfbuzz() is None or (source := _hb_face(path, index)) is None:
        return None
    ffi, _subset, hb = _harfbuzz()
    font = hb.hb_font_create(source)  # kept for the life of the process, like its face

    def lookup(code: int) -> tuple[int, int] | None:
        found = ffi.new("uint32_t *")  # one per call: the workers' threads share the font
        if not hb.hb_font_get_nominal_glyph(font, code, found):
            return None
        return found[0], hb.hb_font_get_glyph_h_advance(font, found[0])
    return lookup


@functools.cache
def face(name: str) -> Face:
    path, index = _locate(FACES[name])
    return Face(name, path, index)


# Subsetting ----------------------------------------------------------------------------
_HB_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
void hb_blob_destroy (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
void hb_set_add (hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
typedef struct hb_font_t hb_font_t;
hb_font_t *hb_font_create (hb_face_t *face);
int hb_font_get_nominal_glyph (hb_font_t *font, uint32_t unicode, uint32_t *glyph);
int32_t hb_font_get_glyph_h_advance (hb_font_t *font, uint32_t glyph);
"""
_RETAIN_GIDS, _DESUBROUTINIZE, _NO_HINTING, _PASSTHROUGH = 0x2, 0x4, 0x1, 0x20
_DROP_TABLE_TAG = 3
#: layout and vertical tables: the PDF places every glyph itself
_DROP = (b"GSUB", b"GPOS", b"BASE", b"JSTF", b"DSIG", b"VORG", b"vhea", b"vmtx", b"SVG ")


@functools.cache
def _harfbuzz():
    try:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(_HB_CDEF)
        return ffi, ffi.dlopen("libharfbuzz-subset.so.0"), ffi.dlopen("libharfbuzz.so.0")
    except (ImportError, OSError, AttributeError):
        return None


@functools.cache
def _hb_face(path: str, index: int):
    ffi, _subset, hb = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(path.encode())
    if blob == ffi.NULL:
        return None
    face = hb.hb_face_create(blob, index)
    hb.hb_blob_destroy(blob)  # the face holds its own reference
    return face  # kept for the life of the process, like the file's metrics


def _tag(name: bytes) -> int:
    return int.from_bytes(name, "big")


def _harfbuzz_subset(font: Face, gids: set[int]) -> bytes | None:
    if _harfbuzz() is None or (source := _hb_face(font.path, font.index)) is None:
        return None
    ffi, subset, hb = _harfbuzz()
    given = ffi.gc(subset.hb_subset_input_create_or_fail(), subset.hb_subset_input_destroy)
    glyphs = subset.hb_subset_input_glyph_set(given)
    for gid in sorted(gids | {0}):
        hb.hb_set_add(glyphs, gid)
    drop = subset.hb_subset_input_set(given, _DROP_TABLE_TAG)
    for tag in _DROP:
        hb.hb_set_add(drop, _tag(tag))
    subset.hb_subset_input_set_flags(given, _RETAIN_GIDS | _NO_HINTING | _PASSTHROUGH)
    made = subset.hb_subset_or_fail(source, given)
    if made == ffi.NULL:
        return None
    try:
        blob = hb.hb_face_reference_blob(made)
        length = ffi.new("unsigned int *")
        data = bytes(ffi.buffer(hb.hb_blob_get_data(blob, length), length[0]))
        hb.hb_blob_destroy(blob)
    finally:
        hb.hb_face_destroy(made)
    return data or None


def _fonttools_subset(font: Face, gids: set[int]) -> bytes:
    from fontTools import subset

    options = subset.Options(retain_gids=True, hinting=False, desubroutinize=True, notdef_outline=True,
                             ignore_missing_glyphs=True, layout_features=[], name_IDs=["*"])
    options.drop_tables += [t.decode().strip() for t in _DROP]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(gids | {0}))
    ttfont = TTFont(font.path, fontNumber=font.index)
    subsetter.subset(ttfont)
    out = io.BytesIO()
    ttfont.save(out)
    return out.getvalue()


# A document's fonts ----------------------------------------------------------------------
@dataclass
class Used:
    """The glyphs one document drew with a face, and the text each stands for."""

    face: Face
    resource: str
    to_unicode: dict[int, str] = field(default_factory=dict)
    #: character -> its glyph id as four hex digits
    codes: dict[str, str] = field(default_factory=dict)

    def code(self, char: str) -> str:
        gid = self.face.glyph(char)[0]
        self.to_unicode.setdefault(gid, char)
        self.codes[char] = code = f"{gid:04x}"
        return code


class Fonts:
    """The faces of one document: encodes text for content streams, remembering each glyph,
    and writes the embedded subsets at the end."""

    def __init__(self):
        self.used: dict[str, Used] = {}

    def face(self, name: str) -> Face:
        return face(name)

    def resource(self, name: str) -> str:
        if name not in self.used:
            self.used[name] = Used(face(name), f"F{len(self.used) + 1}")
        return self.used[name].resource

    def encode(self, name: str, text: str) -> str:
        """`text` as a hex string of glyph ids, for a Tj operator."""
        self.resource(name)
        used = self.used[name]
        codes, code = used.codes, used.code
        return "<" + "".join([codes.get(c) or code(c) for c in text]) + ">"

    def dictionary(self, pdf: pydyf.PDF) -> pydyf.Dictionary:
        """Add each face's subset to the PDF; the /Font resources naming them."""
        fonts = pydyf.Dictionary()
        for used in self.used.values():
            fonts[used.resource] = _embed(pdf, used)
        return fonts


def _to_unicode(used: Used) -> pydyf.Stream:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(used.to_unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>".encode() for gid, char in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return pydyf.Stream(lines, compress=True)


def _embed(pdf: pydyf.PDF, used: Used) -> pydyf.Reference:
    face = used.face
    data = face.subset(set(used.to_unicode))
    otf = data[:4] == b"OTTO"
    extra = pydyf.Dictionary({"Subtype": "/OpenType"} if otf else {"Length1": len(data)})
    file_stream = pydyf.Stream([data], extra, compress=True)
    pdf.add_object(file_stream)
    # a subset's name: six capitals, "+", the font's name
    tag = "TBTLA" + chr(64 + int(used.resource[1:]))
    base = f"/{tag}+{face.family.replace(' ', '')}{'-Bold' if face.bold else ''}"
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor", "FontName": base, "FontFamily": pydyf.String(face.family),
        "Flags": 4 + (2 if face.serif else 0), "FontBBox": pydyf.Array([-1000, face.descent, 2000, face.ascent]),
        "ItalicAngle": 0, "Ascent": face.ascent, "Descent": face.descent, "CapHeight": face.ascent,
        "StemV": 120 if face.bold else 80, f"FontFile{3 if otf else 2}": file_stream.reference,
    })
    pdf.add_object(descriptor)
    widths = pydyf.Array()
    for gid in sorted(used.to_unicode):
        widths.extend([gid, pydyf.Array([round(face.glyph(used.to_unicode[gid])[1], 1)])])
    cid_font = pydyf.Dictionary({
        "Type": "/Font", "Subtype": f"/CIDFontType{0 if otf else 2}", "BaseFont": base,
        "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"),
                                           "Ordering": pydyf.String("Identity"), "Supplement": 0}),
        "CIDToGIDMap": "/Identity", "W": widths, "FontDescriptor": descriptor.reference,
    })
    pdf.add_object(cid_font)
    to_unicode = _to_unicode(used)
    pdf.add_object(to_unicode)
    font = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/Type0", "BaseFont": base, "Encoding": "/Identity-H",
        "DescendantFonts": pydyf.Array([cid_font.reference]), "ToUnicode": to_unicode.reference,
    })
    pdf.add_object(font)
    return font.reference
