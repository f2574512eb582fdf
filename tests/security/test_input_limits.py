"""Input that costs the server: every body is bounded, pictures are refused by the pixels
their header declares (one and all of a request together), file names lose control and
bidi characters."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from sqlalchemy import func, select

from tests.fixtures_study import PDF_BYTES, jpeg_bytes, png_bytes
from tests.test_study import form_data, site  # noqa: F401  (the fixture)
from tests.test_study_uploads import post_with_files
from tracker.formkeep import KeptForm
from tracker.study.models import Attachment, StudySession


def big_png(width: int, height: int, bit_depth: int = 1, color_type: int = 0) -> bytes:
    """A real, complete PNG of these dimensions, small in bytes: every row compressed as
    it is made (a 1-bit 13,376² image is some 30 KB, and 180 MB once decoded by Pillow)."""
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    row = b"\x00" + bytes((width * channels * bit_depth + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# Bodies --------------------------------------------------------------------------------
def test_a_huge_url_encoded_body_is_refused_before_it_is_read(client, app, site, session):  # noqa: F811
    body = "topic=" + "a" * (app.config["MAX_FORM_BYTES"] + 1)
    stranger = app.test_client()
    response = stranger.post("/study/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "larger than the server accepts. Nothing was saved" in response.get_data(as_text=True)
    response = client.post("/study/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert session.scalar(select(func.count()).select_from(KeptForm)) == 0
    assert session.scalar(select(StudySession)) is None


@pytest.mark.parametrize(("url", "content_type"), [
    ("/sign-in", "application/x-www-form-urlencoded"),
    ("/people/new", "application/json"),
    ("/language", "text/plain"),
])
def test_every_body_without_files_is_bounded(client, app, site, url, content_type):  # noqa: F811
    body = b"x=" + b"a" * (app.config["MAX_FORM_BYTES"] + 10)
    assert client.post(url, data=body, content_type=content_type).status_code == 413


def test_a_text_field_of_a_form_with_files_is_bounded(client, app, site):  # noqa: F811
    data = form_data(site, content="长" * app.config["MAX_FORM_MEMORY_SIZE"])
    assert post_with_files(client, data, [("合影.png", png_bytes())]).status_code == 413


def test_a_form_of_ordinary_size_is_saved(client, site, session):  # noqa: F811
    response = client.post("/study/new", data=form_data(site, content="会议记录" * 2500))
    assert response.status_code == 302


# Pictures ------------------------------------------------------------------------------
def test_a_picture_declaring_too_many_pixels_is_refused_from_its_header(client, site, session, monkeypatch):  # noqa: F811
    from PIL import Image

    bomb = big_png(13376, 13376)
    assert len(bomb) < 100_000
    with monkeypatch.context() as unlimited:
        unlimited.setattr(Image, "MAX_IMAGE_PIXELS", None)
        with Image.open(io.BytesIO(bomb)) as image:  # a real PNG, whole
            assert image.size == (13376, 13376)
            image.verify()
    loads = []
    real_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda self: loads.append(self.size) or real_load(self))
    data = form_data(site, topic="照片太大的那次学习")
    response = post_with_files(client, data, [("现场.png", bomb), ("材料.pdf", PDF_BYTES)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "现场.png has more than 24 million pixels" in page  # the refused file is named
    assert 'value="照片太大的那次学习"' in page  # the rest of the form is kept
    assert (13376, 13376) not in loads  # never decoded
    assert session.scalar(select(StudySession)) is None


def test_pillows_bomb_limit_is_set_from_ours(app):
    from PIL import Image

    from tracker.study.uploads import DECLARED_PER_DECODED

    assert Image.MAX_IMAGE_PIXELS == app.config["UPLOAD_MAX_PIXELS"] * DECLARED_PER_DECODED


def test_the_pictures_of_one_request_share_a_budget(client, app, site, session, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PIXELS", 3_000_000)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PIXELS_PER_REQUEST", 5_000_000)
    picture = big_png(2000, 1000, bit_depth=8, color_type=2)  # 2 MP each
    files = [(f"照片{n}.png", picture) for n in range(3)]
    response = post_with_files(client, form_data(site), files)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "照片2.png was not read" in page and "照片0.png" not in page.split("照片2.png")[0][-300:]
    assert post_with_files(client, form_data(site), files[:2]).status_code == 302
    assert session.scalar(select(func.count()).select_from(Attachment)) == 2


def test_a_large_photo_is_decoded_at_a_reduced_scale(client, site, session, monkeypatch):  # noqa: F811
    from PIL import Image

    photo = jpeg_bytes((4000, 3000))
    sizes = []
    real_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda self: sizes.append(self.size) or real_load(self))
    assert post_with_files(client, form_data(site), [("合影.jpg", photo)]).status_code == 302
    assert max(w * h for w, h in sizes) <= 1000 * 750  # an eighth on each side, not 12 MP


def test_a_50_megapixel_phone_photo_is_accepted(client, site, session):  # noqa: F811
    photo = jpeg_bytes((8160, 6120))
    assert post_with_files(client, form_data(site), [("现场.jpg", photo)]).status_code == 302


# File names ----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "stored"), [
    ("合\x1b[31m影.pdf", "合[31m影.pdf"),
    ("a\x0bb\x00c.pdf", "abc.pdf"),
    ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
    ("\u2066报告\u2069\u200e\u200f\u200b.pdf", "报告.pdf"),
    ("line\u2028break\u2029.pdf", "linebreak.pdf"),
    ("\x00\x1b\u202e.pdf", "file.pdf"),
])
def test_control_and_bidi_characters_leave_stored_names(client, site, session, name, stored):  # noqa: F811
    response = post_with_files(client, form_data(site), [(name, PDF_BYTES)])
    assert response.status_code == 302, response.get_data(as_text=True)
    attachment = session.scalar(select(Attachment))
    assert attachment.filename == stored
    download = client.get(f"/study/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    disposition = download.headers["Content-Disposition"]
    assert all(ord(ch) >= 0x20 for ch in disposition) and "\u202e" not in disposition


def test_a_name_stored_before_cleaning_still_downloads(client, site, session):  # noqa: F811
    assert post_with_files(client, form_data(site), [("old.pdf", PDF_BYTES)]).status_code == 302
    attachment = session.scalar(select(Attachment))
    attachment.filename = "old\x1b\u202e.pdf"
    session.flush()
    download = client.get(f"/study/attachments/{attachment.id}")
    assert download.status_code == 200 and "old.pdf" in download.headers["Content-Disposition"]


MEMORY_SCRIPT = r"""
import io, resource, sys
sys.path.insert(0, {root!r})
from tests.security.test_input_limits import big_png
from tracker import create_app
from tracker.study import uploads

app = create_app({{"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}})
bomb = big_png(13376, 13376)
at_limit = big_png(4890, 4890, bit_depth=8, color_type=6)  # 23.9 MP RGBA: 96 MB decoded
uploads.limit_pixels(app)
with app.test_request_context():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcomes = []
    for n, data in enumerate([bomb] * 8 + [at_limit] * 6):
        try:
            uploads.check(io.BytesIO(data), f"{{n}}.png")
            outcomes.append("kept")
        except uploads.Rejected:
            outcomes.append("refused")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(",".join(outcomes), (after - before) // 1024)
"""


def test_one_post_of_many_large_pictures_stays_under_the_memory_ceiling(tmp_path):
    """The ceiling the settings promise: one picture decoded at a time, at most
    8 bytes × UPLOAD_MAX_PIXELS (192 MB), so a worker grows by less than 250 MB whatever
    one request holds (before: eight 13,376² PNGs took a worker from 112 MB to past 1.5 GB)."""
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT.format(root=root)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=True)
    outcomes, grown_mb = done.stdout.split()
    # eight bombs refused from their headers; five at the limit decoded; the sixth over budget
    assert outcomes == ",".join(["refused"] * 8 + ["kept"] * 5 + ["refused"])
    assert int(grown_mb) < 250, f"grew by {grown_mb} MB"
