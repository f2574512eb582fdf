"""Builders for study sessions and sample files (listed in conftest's pytest_plugins)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from tracker.study.models import Attendance, StudySession
from tracker.study.storage import FolderStore


@pytest.fixture(scope="session", autouse=True)
def attachment_store(app, tmp_path_factory):
    """Attachments of the whole run go to a temporary folder, never to instance/."""
    store = FolderStore(tmp_path_factory.mktemp("attachments"))
    app.extensions["attachment_store"] = store
    return store


@pytest.fixture
def make_session(session):
    def make(branch, **kw):
        kw.setdefault("session_type", "theme_party_day")
        kw.setdefault("held_on", dt.date(2026, 6, 5))
        kw.setdefault("start_time", dt.time(14, 30))
        kw.setdefault("end_time", dt.time(16, 0))
        kw.setdefault("place", "项目驻地会议室")
        kw.setdefault("topic", "学习党章")
        attendance = kw.pop("attendance", None)
        study = StudySession(branch_id=branch.id, **kw)
        session.add(study)
        session.flush()
        if attendance is None:
            attendance = [(m.person, "present", "") for m in branch.memberships if m.current_on(study.held_on)]
        for person, status, reason in attendance:
            study.attendance.append(Attendance(person_id=person.id, status=status, reason=reason))
        session.flush()
        return study
    return make


def png_bytes(size=(800, 600), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(1200, 900)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, "JPEG")
    return out.getvalue()


PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
             b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def office_bytes(main_part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr(main_part, "<document/>")
    return out.getvalue()


def docx_bytes() -> bytes:
    return office_bytes("word/document.xml")


def xlsx_bytes() -> bytes:
    return office_bytes("xl/workbook.xml")
