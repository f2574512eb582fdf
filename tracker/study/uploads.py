"""Checking an uploaded file by what it contains, not what it is called, and making
thumbnails of photos. Allowed: JPEG, PNG, PDF, DOCX, XLSX; HEIC and WebP photos become JPEG."""
from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from flask import current_app, g
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

#: content type -> (extension, what the message calls it)
ALLOWED = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
#: the parts a real Word or Excel file holds, whatever produced it
OFFICE_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
}
THUMBNAIL_SIZE = (320, 320)


class Rejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Checked:
    data: bytes
    filename: str
    content_type: str
    thumbnail: bytes | None


def read_limited(stream, filename: str) -> bytes:
    """The file's bytes, or Rejected when it is over the per-file limit."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Rejected(_("%(name)s is larger than %(mb)s MB. Make it smaller (a photo can be "
                         "scaled down, a document saved as PDF) and attach it again.",
                         name=filename, mb=limit // (1024 * 1024)))
    if not data:
        raise Rejected(_("%(name)s is empty.", name=filename))
    return data


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, if it is one we accept."""
    kind = filetype.guess(data[:8192])
    if kind is not None and kind.mime in ("image/jpeg", "image/png", "application/pdf"):
        return kind.mime
    if data[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        for mime, part in OFFICE_PARTS.items():
            if part in names:
                return mime
    return None


#: Pillow's own bomb limit, relative to ours: a JPEG decodes at down to 1/8 of each side, so
#: its header may declare more than it will cost (a 50 MP phone photo decodes as 12 MP)
DECLARED_PER_DECODED = 4


def limit_pixels(app) -> None:
    """Pillow's decompression-bomb limit, set on purpose from ours: Pillow refuses a header
    declaring more than twice it when the file is opened (192 MP by default); below that,
    _check_pixels refuses by the size the picture will be decoded at."""
    Image.MAX_IMAGE_PIXELS = app.config["UPLOAD_MAX_PIXELS"] * DECLARED_PER_DECODED


def _check_pixels(image, filename: str) -> None:
    """Refuse a picture by the size it decodes to, read from its header before a byte of it
    is decoded: a 700 KB PNG can declare 13,376 × 13,376 pixels. Decoding and scaling one
    takes up to 8 bytes a pixel (the decoded RGBA picture and the copy Pillow scales), so
    UPLOAD_MAX_PIXELS bounds a worker's memory; the pictures of one request share a budget
    too, so one post of many large pictures cannot tie a worker up for long."""
    config = current_app.config
    width, height = image.size
    pixels = width * height
    if pixels > config["UPLOAD_MAX_PIXELS"]:
        raise Rejected(_too_many_pixels(filename))
    used = g.get("decoded_pixels", 0) + pixels
    if used > config["UPLOAD_MAX_PIXELS_PER_REQUEST"]:
        raise Rejected(_("%(name)s was not read: the pictures of one save may have at most "
                         "%(mp)s million pixels together. Save the others first, then attach "
                         "it again.", name=filename,
                         mp=config["UPLOAD_MAX_PIXELS_PER_REQUEST"] // 1_000_000))
    g.decoded_pixels = used


def _open(data: bytes, filename: str):
    """The picture with only its header read. Pillow itself refuses a header declaring more
    than twice its limit (and warns above it); both are our one refusal here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise Rejected(_too_many_pixels(filename)) from exc


def _too_many_pixels(filename: str) -> str:
    return _("%(name)s has more than %(mp)s million pixels. Scale the picture down and "
             "attach it again.", name=filename, mp=current_app.config["UPLOAD_MAX_PIXELS"] // 1_000_000)


def _thumbnail(data: bytes, filename: str) -> bytes:
    """A small JPEG of the image, without its metadata (photos carry GPS positions)."""
    try:
        with _open(data, filename) as image:
            # A JPEG is decoded at the smallest scale (1/2 … 1/8) still above the thumbnail
            # (a 48 MP phone photo as 6 MP); the size is then what will be decoded.
            image.draft("RGB", THUMBNAIL_SIZE)
            _check_pixels(image, filename)
            image.load()
            image.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise Rejected(_("%(name)s looks like a picture but cannot be read.", name=filename)) from exc


def visible_text(text: str) -> str:
    """`text` without control and format characters: NUL (PostgreSQL refuses it), ESC and VT
    (they break the Content-Disposition of every later download), bidi overrides and
    isolates (U+202A–202E, U+2066–2069, U+200E/200F, which make "exe.pdf" read as
    "fdp.exe"), zero-width characters, line and paragraph separators."""
    return "".join(ch for ch in text
                   if unicodedata.category(ch)[0] != "C" and unicodedata.category(ch) not in ("Zl", "Zp"))


def clean_name(filename: str, extension: str) -> str:
    """The uploaded name without folders and invisible characters, its extension set to
    what the content is."""
    visible = visible_text(unicodedata.normalize("NFC", filename or ""))
    name = PurePath(visible.replace("\\", "/")).name.strip() or "file"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (stem[:150] or "file") + extension


def from_phone(data: bytes, filename: str) -> bytes:
    """HEIC/HEIF (iPhone) and WebP (Android) photos as the JPEG every ledger can print;
    other bytes unchanged. Turned the way the phone held it, without metadata (GPS)."""
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ("image/heic", "image/heif", "image/webp"):
        return data
    from PIL import ImageOps

    if kind.mime != "image/webp":
        import pillow_heif

        pillow_heif.register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            ImageOps.exif_transpose(image).convert("RGB").save(out, "JPEG", quality=90)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise Rejected(_("%(name)s looks like a phone photo but cannot be read. Attach it as "
                         "JPEG instead.", name=filename)) from exc


def check(stream, filename: str) -> Checked:
    data = from_phone(read_limited(stream, filename), filename)
    content_type = sniff(data)
    if content_type is None:
        raise Rejected(_("%(name)s is not a JPEG or PNG photo, a PDF, or a Word (.docx) or "
                         "Excel (.xlsx) file.", name=filename))
    thumbnail = _thumbnail(data, filename) if content_type.startswith("image/") else None
    return Checked(data, clean_name(filename, ALLOWED[content_type]), content_type, thumbnail)
