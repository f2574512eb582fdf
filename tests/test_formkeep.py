"""The session form survives a lost sign-in or a stale CSRF token at the moment of saving."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from tests.conftest import NOW, PASSWORD, sign_in
from tests.test_study import form_data, site  # noqa: F401  (the fixture)
from tracker import clock
from tracker.study.models import StudySession


def test_timed_out_while_typing_gets_the_form_back_after_signing_in(client, site, session):  # noqa: F811
    data = form_data(site, content="长篇会议记录" * 400)
    lin = site["lin"]
    data[f"attendance-{lin.id}"], data[f"reason-{lin.id}"] = "leave", "病假"
    client.fetch_csrf()
    clock.fix(NOW + dt.timedelta(minutes=31))  # typing a long record: the sign-in ran out
    response = client.post("/study/new", data=data, headers={"Origin": "http://tracker.test"})
    assert response.status_code == 302 and "/sign-in?next=/study/new" in response.location
    assert session.scalar(select(StudySession)) is None

    page = client.get(response.location).get_data(as_text=True)
    assert "Your sign-in had ended" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"username": site["leader"].username, "password": PASSWORD,
                                             "next": "/study/new", "csrf_token": token})
    assert response.location == "/study/new"
    page = client.get("/study/new").get_data(as_text=True)
    assert "Files are not kept: attach them again" in page
    assert 'value="学习新修订的纪律处分条例"' in page and "长篇会议记录" * 400 in page
    assert re.search(rf'id="attendance-{lin.id}-leave" value="leave" checked', page)
    assert 'value="病假"' in page
    # Given back once: a later visit starts empty.
    assert "学习新修订的纪律处分条例" not in client.get("/study/new").get_data(as_text=True)


def test_a_stale_token_while_signed_in_returns_to_the_filled_form(client, site, session):  # noqa: F811
    study_topic = "过期令牌时输入的主题"
    client.csrf_token = "stale-token"
    response = client.post("/study/new", data=form_data(site, topic=study_topic))
    assert response.status_code == 302 and response.location == "/study/new"
    page = client.get("/study/new").get_data(as_text=True)
    assert "The form had expired" in page and study_topic in page
    assert session.scalar(select(StudySession)) is None


def test_an_edit_form_is_kept_for_its_own_address(client, site, session, make_session):  # noqa: F811
    study = make_session(site["branch"])
    data = form_data(site, topic="改过的主题", version=str(study.version))
    client.csrf_token = "stale-token"
    client.post(f"/study/{study.id}/edit", data=data)
    client.csrf_token = None
    assert "改过的主题" not in client.get("/study/new").get_data(as_text=True)
    page = client.get(f"/study/{study.id}/edit").get_data(as_text=True)
    assert 'value="改过的主题"' in page


def test_posts_from_another_site_are_not_kept(client, site):  # noqa: F811
    client.csrf_token = "stale-token"
    response = client.post("/study/new", data=form_data(site, topic="别处来的"),
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 400
    client.csrf_token = None
    assert "别处来的" not in client.get("/study/new").get_data(as_text=True)


def test_other_forms_still_answer_400_on_a_stale_token(client, site, make_session):  # noqa: F811
    study = make_session(site["branch"])
    client.csrf_token = "stale-token"
    assert client.post(f"/study/{study.id}/submit").status_code == 400
    sign_in(client, site["leader"])


def _kept_count(session) -> int:
    from sqlalchemy import func

    from tracker import formkeep

    return session.scalar(select(func.count()).select_from(formkeep.KeptForm))


def test_strangers_and_signed_out_browsers_store_nothing(client, app, site, session):  # noqa: F811
    for n in range(3):  # browsers that never signed in
        app.test_client().post("/study/new", data=form_data(site, topic=f"匿名{n}"))
    # a browser that signed out, posting with its old session (and a copy of its cookie)
    client.fetch_csrf()
    cookie = client.get_cookie("session", domain="tracker.test").value
    client.post("/sign-out")
    other = app.test_client()
    other.set_cookie("session", cookie, domain="tracker.test")
    assert other.post("/study/new", data=form_data(site, topic="退出后")).status_code == 302
    assert _kept_count(session) == 0


def test_kept_input_is_bounded_per_user_in_count_and_bytes(client, site, session, monkeypatch, make_session):  # noqa: F811
    from tracker import formkeep

    monkeypatch.setattr(formkeep, "KEEP_PER_USER", 2)
    client.csrf_token = "stale-token"
    for n in range(4):  # four edit forms of one user, each with its own address
        study = make_session(site["branch"])
        client.post(f"/study/{study.id}/edit", data=form_data(site, topic=f"改{n}", version=str(study.version)))
    assert _kept_count(session) == 2
    client.post("/study/new", data=form_data(site, content="长" * (formkeep.KEEP_MAX_BYTES // 3 + 1)))
    assert _kept_count(session) == 2  # more than a form's worth of text is not kept


def test_kept_input_expires(client, site, session):  # noqa: F811
    client.csrf_token = "stale-token"
    client.post("/study/new", data=form_data(site, topic="过期的输入"))
    clock.fix(NOW + dt.timedelta(days=3))
    client.csrf_token = None
    sign_in(client, site["leader"])
    assert "过期的输入" not in client.get("/study/new").get_data(as_text=True)
