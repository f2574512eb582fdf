"""The ledger PDF drawn directly (tracker/ledger/pdf.py): what it reads, how it breaks lines
and pages, its photos and fonts. What it says is checked against the print view in
test_ledger_outputs.py."""
from __future__ import annotations

import datetime as dt
import io
import os
import re

import pytest
from PIL import Image

from tests.conftest import sign_in
from tests.fixtures_study import jpeg_bytes
from tracker import clock
from tracker.study.models import Attachment


@pytest.fixture
def secretary(client, make_user):
    user = make_user("secretary")
    sign_in(client, user)
    return user


def pdf(client, **params):
    response = client.post("/ledger/pdf", data={k: str(v) for k, v in params.items()})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.data.startswith(b"%PDF-")
    return response.data


def reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def squeezed_pages(data: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in reader(data).pages]


def add_photo(session, store, s, data: bytes, name: str) -> Attachment:
    a = Attachment(session=s, key=store.save(data, ".jpg"), thumbnail_key="thumb", filename=f"{name}.jpg",
                   content_type="image/jpeg", size=len(data), created_at=clock.now())
    session.add(a)
    session.flush()
    return a


def phone_photo(size=(400, 300), orientation=6) -> bytes:
    """A JPEG as a phone writes it: stored sideways, an orientation tag, a GPS position."""
    image = Image.new("RGB", size, (20, 90, 160))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPSLatitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_the_pdf_reads_only_its_records_photos(client, ledger_site, secretary, attachment_store, session,
                                               monkeypatch):
    theme = ledger_site["theme"]
    photo = add_photo(session, attachment_store, theme, jpeg_bytes((600, 400)), "会场")
    opened = []
    real_open = attachment_store.open
    monkeypatch.setattr(attachment_store, "open", lambda key: opened.append(key) or real_open(key))
    data = pdf(client, branch_id=ledger_site["branch"].id)
    assert opened == [photo.key]
    assert b"/URI" not in data and b"/Launch" not in data and b"/JavaScript" not in data


def test_a_photo_whose_file_is_gone_is_named_not_fatal(client, ledger_site, secretary, attachment_store,
                                                       session):
    theme = ledger_site["theme"]
    kept = add_photo(session, attachment_store, theme, jpeg_bytes((600, 400)), "会场")
    gone = add_photo(session, attachment_store, theme, jpeg_bytes((600, 400)), "合影")
    attachment_store.delete(gone.key)
    assert kept.id != gone.id
    text = "".join(squeezed_pages(pdf(client, branch_id=ledger_site["branch"].id)))
    assert "Thefileofthisphotoismissing." in text and "Photo2:合影" in text and "Photo1:会场" in text


def test_phone_photos_stand_upright_without_their_metadata(client, ledger_site, secretary, attachment_store,
                                                           session):
    add_photo(session, attachment_store, ledger_site["theme"], phone_photo((400, 300), 6), "竖拍")
    data = pdf(client, branch_id=ledger_site["branch"].id)
    assert b"Exif" not in data and b"PhoneMaker" not in data
    page = next(p for p in reader(data).pages if "Photo 1: 竖拍" in p.extract_text())
    image = next(x.get_object() for x in page["/Resources"]["/XObject"].values())
    assert (image["/Width"], image["/Height"], image["/Filter"]) == (400, 300, "/DCTDecode")
    # drawn turned a quarter clockwise: 3 wide to 4 high, at most 100 mm high, as the print view
    a, b, c, d = (float(v) for v in re.search(
        rb"q (\S+) (\S+) (\S+) (\S+) \S+ \S+ cm /\w+ Do Q", page.get_contents().get_data()).groups())
    assert (a, d) == (0, 0) and c / -b == pytest.approx(0.75, abs=0.01) and -b == pytest.approx(100 * 72 / 25.4, abs=0.01)
    if os.environ.get("H14_DUMP"):
        open(os.environ["H14_DUMP"], "wb").write(data)


def test_long_text_wraps_and_a_record_longer_than_a_page_goes_on(client, ledger_site, secretary, session):
    theme = ledger_site["theme"]
    paragraph = "传达学习中央八项规定精神，结合审计项目实际逐条对照检查。" * 12
    theme.content = "\n".join(f"{n}、{paragraph}" for n in range(1, 9))
    theme.topic = "Audit-discipline-" * 10 + "学习"
    session.flush()
    pages = squeezed_pages(pdf(client, branch_id=ledger_site["branch"].id))
    for n, text in enumerate(pages, 1):
        assert f"—{n}—" in text
    meeting = [n for n, text in enumerate(pages) if text.startswith("Meetingrecord")]
    record = "".join(re.sub(r"—\d+—$", "", text) for text in pages[meeting[-1]:meeting[-1] + 3])
    assert all(f"{n}、" in record for n in range(1, 9))
    assert record.count("逐条对照检查") == 8 * 12  # nothing lost at a line or page break
    assert ("Audit-discipline-" * 10 + "学习") in "".join(pages)
    # the record took more than one page, and the sign-in sheet still starts its own
    following = pages[meeting[-1] + 1]
    assert not following.startswith("Signinsheet") and "逐条对照检查" in following


def test_closing_marks_never_start_a_line(app):
    from tracker.ledger import pdflayout
    from tracker.ledger.pdffonts import Fonts

    style = pdflayout.Style("serif", 10)
    with app.app_context():
        lines = pdflayout.wrap(Fonts(), "审计" * 7 + "，纪律。" + "word " * 3, style, 70)
    assert all(line and line[0] not in "，。" for line in lines)
    assert "".join(lines).replace(" ", "") == ("审计" * 7 + "，纪律。" + "word" * 3)
    assert all(pdflayout.Layout(Fonts()).width(line, style) <= 70.01 for line in lines)
    assert all(word == "word" for line in lines for word in re.findall(r"[a-z]+", line))  # words stay whole


def test_the_fonts_are_embedded_as_small_subsets(client, ledger_site, secretary):
    data = pdf(client, branch_id=ledger_site["branch"].id)
    fonts = [f.get_object() for page in reader(data).pages for f in page["/Resources"]["/Font"].values()]
    names = {str(f["/BaseFont"]) for f in fonts}
    assert any("NotoSerifCJKSC" in n for n in names) and any("NotoSansCJKSC" in n for n in names)
    for font in {id(f): f for f in fonts}.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        embedded = descriptor["/FontFile3"].get_object()
        assert re.fullmatch(r"/[A-Z]{6}\+\S+", str(font["/BaseFont"]))
        assert len(embedded.get_data()) < 2_000_000  # the whole face is 20 MB


def test_the_ledger_of_a_whole_busy_year_is_one_pdf(client, ledger_site, secretary, make_session, app):
    """More records than the old limit (80): the whole year is one PDF, its contents
    numbering every record's page."""
    branch = ledger_site["branch"]
    for n in range(85):
        make_session(branch, status="reviewed", held_on=dt.date(2026, 2, 1) + dt.timedelta(days=n * 3),
                     topic=f"专题学习{n}")
    assert app.config["LEDGER_PDF_MAX_RECORDS"] >= 500
    pages = squeezed_pages(pdf(client, branch_id=branch.id))
    roster = next(n for n, text in enumerate(pages) if text.startswith("Roster"))
    assert pages[1].startswith("Tableofcontents") and roster > 2  # the contents take pages 2, 3…
    toc = "".join(re.sub(r"—\d+—$", "", text) for text in pages[1:roster])
    numbers = [int(n) for n in re.findall(r"专题学习\d+\.+(\d+)", toc)]
    assert len(numbers) == 85 and numbers == sorted(numbers)
    for n in numbers[:3] + numbers[-3:]:
        assert pages[n - 1].startswith("Meetingrecord")


def test_without_the_chinese_fonts_the_pdf_is_refused_with_a_message(client, ledger_site, secretary,
                                                                      monkeypatch, session):
    from tracker.history.models import HistoryEntry
    from tracker.ledger import pdffonts

    def no_font(pattern):
        raise pdffonts.FontMissing(f"no font for {pattern!r}")

    pdffonts.face.cache_clear()
    monkeypatch.setattr(pdffonts, "_locate", no_font)
    try:
        response = client.post("/ledger/pdf", data={"branch_id": ledger_site["branch"].id})
    finally:
        pdffonts.face.cache_clear()
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "This server lacks the Chinese fonts a PDF needs" in page and "invalid-feedback" in page
    assert session.query(HistoryEntry).filter_by(action="export").count() == 0


def test_harfbuzz_gives_the_glyphs_and_advances_fonttools_reads():
    """The layout measures text with HarfBuzz (fontTools' tables of a CJK font would cost each
    worker about 50 MB a face); both must agree on every character the ledger draws."""
    from fontTools.ttLib import TTFont

    from tracker.ledger import pdffonts

    text = ("临时党支部学习记录审计项目事前谈话事后谈话签到表，。：；、“”（）《》—…"
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;!?-()/%@&#")
    for name in pdffonts.FACES:
        face = pdffonts.face(name)
        harfbuzz = pdffonts._harfbuzz_lookup(face.path, face.index)
        assert harfbuzz is not None, "HarfBuzz (libharfbuzz0b) is missing"
        fonttools = pdffonts._fonttools_lookup(TTFont(face.path, fontNumber=face.index, lazy=True))
        codes = [ord(c) for c in text] + [0x202F, 0xE000]  # no glyph for these two
        assert [harfbuzz(c) for c in codes] == [fonttools(c) for c in codes], name
        assert harfbuzz(0xE000) is None
