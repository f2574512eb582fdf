"""Photos straight from phones: HEIC (iPhone) and WebP (Android) are kept as JPEG, turned
the way the phone held them and without their GPS; a broken one is refused alone."""
from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image
from sqlalchemy import select

from tests.test_study import form_data, site  # noqa: F401  (the fixture)
from tests.test_study_uploads import post_with_files
from tracker.study.models import Attachment, StudySession


def phone_photo(fmt: str, size=(400, 300)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held upright: turn 90° when shown
    out = io.BytesIO()
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(("name", "fmt"), [("IMG_0001.HEIC", "HEIF"), ("IMG-20261126.webp", "WEBP")])
def test_phone_photos_are_kept_as_jpeg(client, site, session, name, fmt):  # noqa: F811
    response = post_with_files(client, form_data(site), [(name, phone_photo(fmt))])
    assert response.status_code == 302, response.get_data(as_text=True)
    attachment = session.scalar(select(Attachment))
    assert attachment.content_type == "image/jpeg" and attachment.filename == name.rsplit(".", 1)[0] + ".jpg"
    data = client.get(f"/study/attachments/{attachment.id}").data
    with Image.open(io.BytesIO(data)) as photo:
        assert photo.format == "JPEG"
        assert photo.size == (300, 400)  # turned upright
        assert 0x0112 not in photo.getexif()  # no metadata carried over
    assert client.get(f"/study/attachments/{attachment.id}/thumbnail").status_code == 200


def test_a_broken_phone_photo_is_refused_alone_and_the_form_kept(client, site, session):  # noqa: F811
    broken = phone_photo("WEBP")[:60]
    response = post_with_files(client, form_data(site), [("ok.webp", phone_photo("WEBP")), ("bad.webp", broken)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "bad.webp looks like a phone photo but cannot be read." in page
    assert "ok.webp" not in page.split("files-errors")[1].split("</div>\n")[0]  # only the broken one named
    assert "学习新修订的纪律处分条例" in page
    assert session.scalar(select(StudySession)) is None
