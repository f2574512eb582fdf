"""History in people's words: labels in the reader's language, names instead of ids,
translated values, no internal fields, in English and in Chinese."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import sign_in
from tests.test_talks import form_data, scene  # noqa: F401
from tracker.talks.models import Talk


def history_text(page: str) -> str:
    section = page[page.index('id="history-heading"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_a_talks_history_reads_as_people_speak(client, scene, session):  # noqa: F811
    sign_in(client, scene["secretary"])
    assert client.post("/talks/new", data=form_data(scene)).status_code == 302
    talk = session.scalar(select(Talk).order_by(Talk.id.desc()))
    assert client.post(f"/talks/{talk.id}/submit", data={"version": str(talk.version)}).status_code == 302

    english = history_text(client.get(f"/talks/{talk.id}").get_data(as_text=True))
    assert "Person: — → 林芳" in english  # a name, not the id
    assert "Conducted by: — → 王磊" in english
    assert "Talk type: — → Pre-dispatch talk" in english
    assert "Status: Draft → Submitted" in english
    for internal in ("person_id", "talk_type", "draft →", "integrity_version_id", "author_id",
                     f"→ {scene['member'].id} "):
        assert internal not in english, internal

    client.post("/language", data={"lang": "zh", "next": "/"})
    chinese = history_text(client.get(f"/talks/{talk.id}").get_data(as_text=True))
    assert "人员： — → 林芳" in chinese
    assert "状态： 草稿 → 已提交" in chinese
    assert "谈话类型： — → 事前谈话" in chinese
    assert "Status" not in chinese and "person_id" not in chinese
