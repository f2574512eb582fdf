"""Checking an uploaded file by what it contains, not what it is called, and making
thumbnails of photos. Allowed: JPEG, PNG, PDF, DOCX, XLSX; HEIC and WebP photos become JPEG."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from flask import current_app
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


def _thumbnail(data: bytes, filename: str) -> bytes:
    """A small JPEG of the image, without its metadata (photos carry GPS positions)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise Rejected(_("%(name)s looks like a picture but cannot be read.", name=filename)) from exc


def clean_name(filename: str, extension: str) -> str:
    """The uploaded name without folders, its extension set to what the content is."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip() or "file"
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
