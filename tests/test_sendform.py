"""What the session and talk forms give their script (static/sendform.js) to keep typed text
per user, form and record, and the parts it shows over a slow or broken link — all hidden
until the script shows them, so the forms work without JavaScript as before."""
from __future__ import annotations

import re

from tests.conftest import sign_in
from tests.test_study import form_data, site  # noqa: F401 - the fixture
from tracker.study.models import StudySession


def _key(html: str) -> str:
    return re.search(r'data-draft-key="([^"]+)"', html).group(1)


def test_session_form_keys_its_text_by_user_and_record(client, site, session):  # noqa: F811
    leader = site["leader"]
    html = client.get(f"/study/new?branch_id={site['branch'].id}").get_data(as_text=True)
    assert _key(html) == f"tbt-draft:{leader.id}:study:new"
    assert f'data-drafts-of="{leader.id}"' in html  # the sign-out form: drafts go with it
    for part in ("draft-offer", "send-progress", "send-failed"):
        assert re.search(rf'id="{part}" hidden', html), part
    assert re.search(r'<script src="/static/sendform\.[0-9a-f]{12}\.js" defer>', html)

    response = client.post(f"/study/new?branch_id={site['branch'].id}", data=form_data(site))
    assert response.status_code == 302
    saved = session.query(StudySession).one()
    html = client.get(f"/study/{saved.id}/edit").get_data(as_text=True)
    assert _key(html) == f"tbt-draft:{leader.id}:study:{saved.id}"


def test_talk_form_keys_its_text_by_user(client, make_user):
    secretary = make_user("secretary")
    sign_in(client, secretary)
    html = client.get("/talks/new").get_data(as_text=True)
    assert _key(html) == f"tbt-draft:{secretary.id}:talk:new"
    assert 'id="send-failed" hidden' in html


def test_chinese_page_says_it_in_chinese(client, site):  # noqa: F811
    client.post("/language", data={"lang": "zh", "next": "/"})
    html = client.get(f"/study/new?branch_id={site['branch'].id}").get_data(as_text=True)
    for text in ("重新发送", "填回表单", "取消发送", "保存未能送达服务器"):
        assert text in html, text
