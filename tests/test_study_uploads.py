"""Photos and documents of a session: checked by content, limited in size, shown to those
who may see the session, thumbnails for pictures."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.fixtures_study import PDF_BYTES, docx_bytes, jpeg_bytes, office_bytes, png_bytes, xlsx_bytes
from tests.test_study import form_data, site  # noqa: F401  (the fixture)
from tracker.study.models import Attachment, StudySession


def post_with_files(client, data, files, url="/study/new"):
    data = dict(data)
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(url, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(("name", "content", "stored_as", "content_type"), [
    ("合影.JPG", jpeg_bytes(), "合影.jpg", "image/jpeg"),
    ("会场.png", png_bytes(), "会场.png", "image/png"),
    ("学习材料.pdf", PDF_BYTES, "学习材料.pdf", "application/pdf"),
    ("会议记录.docx", docx_bytes(), "会议记录.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("签到表.xlsx", xlsx_bytes(), "签到表.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    # A PNG saved under a .jpg name is a PNG: it is kept, under the right extension.
    ("照片.jpg", png_bytes(), "照片.png", "image/png"),
    # A folder path in the name is dropped.
    ("../../instance/合影.png", png_bytes(), "合影.png", "image/png"),
])
def test_allowed_files_are_kept(client, site, session, name, content, stored_as, content_type):  # noqa: F811
    response = post_with_files(client, form_data(site), [(name, content)])
    assert response.status_code == 302, response.get_data(as_text=True)
    attachment = session.scalar(select(Attachment))
    assert (attachment.filename, attachment.content_type, attachment.size) == (stored_as, content_type, len(content))
    download = client.get(f"/study/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == content_type
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"  # shared office PCs
    if content_type.startswith("image/"):
        thumb = client.get(f"/study/attachments/{attachment.id}/thumbnail")
        assert thumb.mimetype == "image/jpeg" and thumb.data[:3] == b"\xff\xd8\xff"
        from PIL import Image

        assert max(Image.open(io.BytesIO(thumb.data)).size) <= 320
        assert f"/study/attachments/{attachment.id}/thumbnail" in client.get(f"/study/{attachment.session_id}").get_data(as_text=True)
    else:
        assert attachment.thumbnail_key is None
        assert "attachment;" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(("name", "content"), [
    ("setup.jpg", b"MZ\x90\x00" + b"\x00" * 200),  # a Windows program renamed to .jpg
    ("page.pdf", b"<html><script>alert(1)</script></html>"),  # HTML renamed to .pdf
    ("notes.docx", office_bytes("content.xml")),  # a zip, but not a Word file
    ("table.xlsx", b"PK\x03\x04 broken zip"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),  # PNG header, no picture
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),  # Word 97 is not on the list
    ("empty.jpg", b""),
])
def test_other_files_are_refused_and_the_form_kept(client, site, session, name, content):  # noqa: F811
    response = post_with_files(client, form_data(site), [("ok.png", png_bytes()), (name, content)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert name in page
    assert "Nothing was saved; attach the files again before saving." in page
    assert "学习新修订的纪律处分条例" in page
    assert session.scalar(select(StudySession)) is None


def test_a_file_over_the_limit_is_refused_with_a_clear_message(client, site, session, app, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024 * 1024)
    big = jpeg_bytes() + b"\x00" * (1024 * 1024)
    response = post_with_files(client, form_data(site), [("大照片.jpg", big)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "大照片.jpg is larger than 1 MB." in page
    assert "学习新修订的纪律处分条例" in page
    assert 'data-max-bytes="1048576"' in page  # the script warns before sending next time


def test_a_request_over_the_total_limit_gets_413_with_a_message(client, site, app, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    response = post_with_files(client, form_data(site), [("a.png", b"\x00" * 4096)])
    assert response.status_code == 413
    assert "nothing was saved" in response.get_data(as_text=True)


def test_files_are_for_those_who_may_see_the_session(client, site, session, make_user, make_person):  # noqa: F811
    post_with_files(client, form_data(site), [("合影.png", png_bytes())])
    attachment = session.scalar(select(Attachment))
    sign_in(client, make_user("team-leader", person=make_person()))
    assert client.get(f"/study/attachments/{attachment.id}").status_code == 403
    assert client.get(f"/study/attachments/{attachment.id}/thumbnail").status_code == 403
    sign_in(client, make_user("viewer"))
    assert client.get(f"/study/attachments/{attachment.id}").status_code == 200


def test_remove_an_attachment_and_add_more_when_editing(client, site, session):  # noqa: F811
    post_with_files(client, form_data(site), [("一.png", png_bytes()), ("二.pdf", PDF_BYTES)])
    study = session.scalar(select(StudySession))
    first = study.attachments[0]
    assert client.post(f"/study/attachments/{first.id}/remove").status_code == 302
    assert client.get(f"/study/attachments/{first.id}").status_code == 404
    data = form_data(site, version=str(study.version))
    data.pop("branch_id")
    assert post_with_files(client, data, [("三.xlsx", xlsx_bytes())], url=f"/study/{study.id}/edit").status_code == 302
    assert [a.filename for a in study.live_attachments] == ["二.pdf", "三.xlsx"]
    study.status = "reviewed"
    session.flush()
    assert client.post(f"/study/attachments/{study.attachments[1].id}/remove").status_code == 403


def test_the_folder_store_refuses_keys_that_leave_it(attachment_store):
    key = attachment_store.save(b"abc", ".pdf")
    assert attachment_store.open(key).read() == b"abc"
    for bad in ("../secret_key", "..\\x", ".hidden", ""):
        with pytest.raises(KeyError):
            attachment_store.open(bad)
    attachment_store.delete(key)
    with pytest.raises(KeyError):
        attachment_store.open(key)
