"""The ledger as inspectors read it: each output is opened back (the print view's HTML,
python-docx, openpyxl, pypdf) and must hold the photos, the sign-in sheet with every member
of the session's day, the page numbers and the contents (目录)."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx.oxml.ns import qn
from sqlalchemy import select

from tests.conftest import sign_in
from tests.fixtures_ledger import document_text, open_document, open_workbook
from tests.fixtures_study import PDF_BYTES, jpeg_bytes, png_bytes
from tracker import clock
from tracker.branches.models import Membership
from tracker.history.models import HistoryEntry
from tracker.study.models import Attachment

PHOTO_NAMES = ["会场全景", "书记讲党课", "交流发言", "集体合影", "学习笔记"]


@pytest.fixture
def secretary(client, make_user):
    user = make_user("secretary")
    sign_in(client, user)
    return user


@pytest.fixture
def site(ledger_site, attachment_store, session, make_person):
    """The ledger site, with five photos and a PDF on the theme day (5 June), and two more
    members: 钱进 (1 March – 31 May: at the May lesson, not on 5 June) and 赵敏 (from 1 July)."""
    theme = ledger_site["theme"]
    for n, name in enumerate(PHOTO_NAMES):
        data = jpeg_bytes((1200 + n, 900)) if n % 2 else png_bytes((800, 1000 + n))
        key = attachment_store.save(data, ".jpg")
        session.add(Attachment(session=theme, key=key, thumbnail_key=key, filename=f"{name}.jpg",
                               content_type="image/png" if n % 2 == 0 else "image/jpeg", size=len(data),
                               created_at=clock.now()))
    session.add(Attachment(session=theme, key=attachment_store.save(PDF_BYTES, ".pdf"), thumbnail_key=None,
                           filename="会议议程.pdf", content_type="application/pdf", size=len(PDF_BYTES),
                           created_at=clock.now()))
    branch = ledger_site["branch"]
    qian, zhao = make_person("钱进", post="审计员"), make_person("赵敏", post="审计员")
    session.add_all([
        Membership(branch=branch, person=qian, joined_on=dt.date(2026, 3, 1), left_on=dt.date(2026, 5, 31)),
        Membership(branch=branch, person=zhao, joined_on=dt.date(2026, 7, 1)),
    ])
    session.flush()
    session.expire_all()
    return ledger_site


def post(client, fmt, **params):
    response = client.post(f"/ledger/{fmt}", data={k: str(v) for k, v in params.items()})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


# Print view -----------------------------------------------------------------------------
def test_print_view_has_contents_sign_in_sheets_and_photos(client, site, secretary):
    b = site["branch"]
    page = client.get(f"/ledger/print?branch_id={b.id}").get_data(as_text=True)
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    links = re.findall(r'href="#([^"]+)"', toc)
    assert len(links) == 1 + 1 + 2 + 2 + 1  # branch, roster, two meetings, two talks, compliance
    for anchor in links:
        assert page.count(f'id="{anchor}"') == 1, anchor
    assert "Meeting record 2: Jun 5, 2026, Theme party day, 学习新修订的纪律处分条例" in toc

    sheets = re.findall(r'<section class="sign-in">(.*?)</section>', page, re.S)
    assert len(sheets) == 2
    may, june = sheets  # oldest first: the May lesson, the June theme day
    assert all(name in may for name in ("王磊", "林芳", "郑浩", "钱进")) and "赵敏" not in may
    assert "Not recorded" in may  # 钱进 joined after the lesson's attendance was taken
    assert all(name in june for name in ("王磊", "林芳", "郑浩")) and "钱进" not in june and "赵敏" not in june
    assert "病假" in june and "Signature" in june

    photo_pages = re.findall(r'<section class="photos">(.*?)</section>', page, re.S)
    assert [p.count("<figure>") for p in photo_pages] == [4, 1]
    ids = [a.id for a in site["theme"].attachments if a.is_image]
    for n, (attachment_id, name) in enumerate(zip(ids, PHOTO_NAMES, strict=True), 1):
        assert f'src="/study/attachments/{attachment_id}"' in page
        assert f"Photo {n}: {name}" in page
    assert "会议议程" not in page  # documents are not photos
    assert client.get(f"/study/attachments/{ids[0]}").status_code == 200


def test_print_tables_take_widths_that_keep_dates_whole(client, site, secretary, app):
    from tracker.ledger import paper

    shares = paper.shares(paper.ROSTER)
    assert abs(sum(shares) - 1) < 1e-9
    dates = [round(s, 2) for s, c in zip(shares, paper.ROSTER, strict=True) if c.kind == "date"]
    assert len(dates) >= 2 and dates == [0.15] * len(dates)  # joined, left, and any other date


# Word -----------------------------------------------------------------------------------
def test_word_has_footer_page_numbers_contents_sign_in_sheets_and_photos(client, site, secretary):
    document = open_document(post(client, "word", branch_id=site["branch"].id).data)
    footer = document.sections[0].footer._element
    assert [t.text.strip() for t in footer.iter(qn("w:instrText"))] == ["PAGE"]
    assert document.settings.element.find(qn("w:updateFields")) is not None

    body = document.element.body
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    refs = [t.text.split()[1] for t in body.iter(qn("w:instrText")) if t.text.strip().startswith("PAGEREF")]
    assert len(refs) == 7 and set(refs) <= bookmarks
    assert all(re.fullmatch(r"[A-Za-z]\w{0,39}", name) for name in bookmarks)  # Word's bookmark names
    paragraphs = [p.text for p in document.paragraphs]
    toc = paragraphs.index("Table of contents")
    assert paragraphs[toc + 1].strip() == "邻区财政预算执行交叉审计临时党支部"
    assert paragraphs[toc + 2].strip() == "Roster"

    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert titles.count("Sign-in sheet") == 2 and titles.count("Photos") == 2
    # the self-sign time (tracker/selfsign) sits beside the signature column
    sign_in_tables = [t for t in document.tables if len(t.columns) == 8 and t.cell(0, 7).text == "Signature"]
    assert all(t.cell(0, 6).text == "Signed in with the code" for t in sign_in_tables)
    names = [[row.cells[1].text for row in t.rows[1:]] for t in sign_in_tables]
    assert names == [["王磊", "林芳", "郑浩", "钱进"], ["王磊", "林芳", "郑浩"]]
    assert all(row.cells[7].text == "" for t in sign_in_tables for row in t.rows[1:])
    head = sign_in_tables[0].rows[0]._tr
    assert head.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None  # repeats on each page

    assert len(document.inline_shapes) == 5
    assert all(shape.width <= 7.5 * 360000 + 1 and shape.height <= 9 * 360000 + 1 for shape in document.inline_shapes)
    text = document_text(document)
    assert all(f"Photo {n}: {name}" in text for n, name in enumerate(PHOTO_NAMES, 1))


def test_word_style_is_plain_and_official(client, site, secretary):
    document = open_document(post(client, "word", branch_id=site["branch"].id).data)
    used = {p.style.name for p in document.paragraphs}
    assert "Title" not in used and "Ledger Title" in used
    for name, font in (("Normal", "宋体"), ("Ledger Title", "黑体"), ("Heading 1", "黑体"), ("Heading 2", "黑体")):
        style = document.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert style.font.color.rgb in (None, (0, 0, 0)), name  # black, not the theme's blue
    assert document.styles["Ledger Title"].element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is None
    roster = next(t for t in document.tables if t.cell(0, 0).text == "Name")
    widths = [int(c.get(qn("w:w"))) for c in roster._tbl.tblGrid.iter(qn("w:gridCol"))]
    from tracker.ledger import paper

    dates = [w for w, c in zip(widths, paper.ROSTER, strict=True) if c.kind == "date"]
    assert len(dates) >= 2 and min(dates) >= 2.8 * 567  # "2026年11月26日" fits on one line


def test_word_photo_whose_file_is_gone_is_named_not_fatal(client, site, secretary, attachment_store):
    attachment_store.delete(site["theme"].attachments[0].key)
    text = document_text(open_document(post(client, "word", branch_id=site["branch"].id).data))
    assert "The file of this photo is missing." in text and "Photo 1: 会场全景" in text


# Excel ----------------------------------------------------------------------------------
def test_workbook_prints_on_a4_one_page_wide_with_repeated_headers(client, site, secretary):
    wb = open_workbook(post(client, "excel", branch_id=site["branch"].id).data)
    orientation = {}
    for ws in wb:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        orientation[ws.title] = ws.page_setup.orientation
    assert orientation["Sessions"] == orientation["Talks"] == "landscape"
    assert orientation["Attendance"] == orientation["Compliance"] == "portrait"


# PDF ------------------------------------------------------------------------------------
def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def images_drawn(data: bytes) -> list[int]:
    """How many images each page draws (its content stream's Do of an image XObject)."""
    from pypdf import PdfReader

    counts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        images = {name for name, ref in xobjects.items() if ref.get_object().get("/Subtype") == "/Image"}
        names = re.findall(rb"/([^\s/]+)\s+Do", page.get_contents().get_data())
        counts.append(sum(1 for name in names if "/" + name.decode() in images))
    return counts


def test_pdf_has_the_print_views_content_in_chinese(client, site, secretary, session):
    b = site["branch"]
    client.post("/language", data={"lang": "zh"})
    response = post(client, "pdf", branch_id=b.id)
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert f'filename="ledger_branch-{b.id}_2026.pdf"' in response.headers["Content-Disposition"]
    pages = pdf_pages(response.data)
    squeezed = ["".join(text.split()) for text in pages]
    everything = "".join(squeezed)

    for n, text in enumerate(squeezed, 1):
        assert f"—{n}—" in text, n  # the page number in the footer of every page
    toc = next(text for text in squeezed if "目录" in text)
    assert "花名册" in toc and "会议记录" in toc and "落实情况汇总" in toc
    # The contents give each section's page, and that page starts the section.
    roster_page = int(re.search(r"花名册\.*(\d+)", toc).group(1))
    assert squeezed[roster_page - 1].startswith("花名册")

    sign_in = [text for text in squeezed if text.startswith("签到表")]
    assert len(sign_in) == 2
    assert all(name in sign_in[0] for name in ("王磊", "林芳", "郑浩", "钱进"))
    assert all(name in sign_in[1] for name in ("王磊", "林芳", "郑浩")) and "钱进" not in sign_in[1]
    assert "学习新修订的纪律处分条例" in everything and "讲清八不准和四严禁的要求" in everything

    drawn = images_drawn(response.data)
    photo_pages = [n for n, text in enumerate(squeezed) if "照片1：会场全景" in text or "照片5：学习笔记" in text]
    assert [drawn[n] for n in photo_pages] == [4, 1]  # four photos a page, each drawn
    assert sum(drawn) == 5

    entry = session.scalars(select(HistoryEntry).where(
        HistoryEntry.record_type == "branch", HistoryEntry.record_id == b.id, HistoryEntry.action == "export",
    )).one()
    assert entry.changes["ledger"] == [None, "PDF"]


def test_a_pdf_too_long_for_one_request_is_refused_with_a_message(client, site, secretary, app, monkeypatch,
                                                                   session):
    b = site["branch"].id  # two sessions and two talks in 2026
    monkeypatch.setitem(app.config, "LEDGER_PDF_MAX_RECORDS", 3)
    response = client.post("/ledger/pdf", data={"branch_id": b})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This ledger holds 4 sessions and talks; a PDF is made of at most 3 at a time." in page
    assert "invalid-feedback" in page
    assert session.scalar(select(HistoryEntry).where(HistoryEntry.action == "export")) is None
    assert client.post("/ledger/word", data={"branch_id": b}).status_code == 200  # the others are not limited
    monkeypatch.setitem(app.config, "LEDGER_PDF_MAX_RECORDS", 4)
    assert post(client, "pdf", branch_id=b).data.startswith(b"%PDF-")


def test_an_empty_all_branches_pdf_still_opens(client, site, make_user, make_person):
    sign_in(client, make_user("team-leader", person=make_person()))  # leads no project: no branch
    text = "".join(pdf_pages(post(client, "pdf").data))
    assert "No branch was active in this period." in text and "邻区财政预算执行交叉审计临时党支部" not in text
