"""The ledger as a PDF, made on the server from the print view's own HTML and stylesheet, so
the archived or forwarded copy says exactly what the print view says.

WeasyPrint lays it out (CSS paged media: A4, the page number in the footer, the contents'
page numbers through target-counter) with Debian's Noto CJK fonts. It fetches nothing from
the network: the stylesheet comes from the static folder and each photo from the attachment
store, by the id the template gave it; any other address is refused.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tracker.ledger import sheets
from tracker.study.storage import get_store

#: how the template names a photo for the PDF; the fetcher answers it from the store
PHOTO_SCHEME = "ledger-photo"


def photo_src(attachment) -> str:
    return f"{PHOTO_SCHEME}:{attachment.id}"


class LedgerFetcher(URLFetcher):
    """Answers the stylesheet and the ledger's photos from local storage, nothing else."""

    def __init__(self, photos: dict[int, object], static_folder: str, static_url: str):
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self._photos = photos
        self._static = Path(static_folder).resolve()
        self._static_url = static_url.rstrip("/") + "/"

    def fetch(self, url, headers=None):
        if url.startswith(PHOTO_SCHEME + ":"):
            attachment = self._photos[int(url.split(":", 1)[1])]
            with get_store().open(attachment.key) as stream:
                data = stream.read()
            return URLFetcherResponse(url, body=data, headers={"Content-Type": attachment.content_type})
        path = urlsplit(url).path
        if path.startswith(self._static_url):
            target = (self._static / path[len(self._static_url):]).resolve()
            if target.is_relative_to(self._static) and target.is_file():
                return URLFetcherResponse(url, body=target.read_bytes(), headers={"Content-Type": "text/css"})
        raise ValueError(f"the ledger PDF loads nothing from {url}")


def document(ledgers, **context) -> bytes:
    """The PDF of these branch ledgers; `context` is the print view's."""
    photos = {a.id: a for book in ledgers for _n, s in book.sessions for a in sheets.photos(s)}
    html = render_template("ledger/print.html", ledgers=ledgers, for_pdf=True, photo_src=photo_src, **context)
    app = current_app
    # /static/ is the build folder (hashed names: tracker/assets.py) when the app has one
    static = app.extensions.get("static_build", app.static_folder)
    fetcher = LedgerFetcher(photos, str(static), app.static_url_path or "/static")
    return HTML(string=html, base_url="http://ledger.invalid/", url_fetcher=fetcher).write_pdf()
