"""The interface in Chinese and English, and a complete Chinese catalogue."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]


def test_browser_language_picks_chinese(client, signed_in):
    signed_in("viewer")
    page = client.get("/projects/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "审计项目" in page and "项目编号" in page
    assert '<html lang="zh-CN">' in page


def test_language_switch_is_kept_in_the_session(client, signed_in):
    signed_in("viewer")
    response = client.post("/language", data={"lang": "zh", "next": "/branches/"})
    assert response.status_code == 302 and response.location == "/branches/"
    page = client.get("/branches/").get_data(as_text=True)
    assert "临时党支部" in page and "支部名称" in page
    client.post("/language", data={"lang": "en"})
    assert "Branch name" in client.get("/branches/").get_data(as_text=True)


def test_sign_in_page_in_chinese(client):
    page = client.get("/sign-in", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "用户名" in page and "密码" in page and "登录" in page


def test_validation_messages_in_chinese(client, signed_in):
    signed_in("secretary")
    client.post("/language", data={"lang": "zh"})
    response = client.post("/projects/new", data={"name": "", "start_date": "not a date"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "此项为必填项" in page or "该字段是必填字段" in page
    assert "请按 YYYY-MM-DD 格式填写日期。" in page


def test_error_pages_in_both_languages(client, signed_in):
    signed_in("viewer")
    assert "Not found" in client.get("/projects/424242").get_data(as_text=True)
    page = client.get("/projects/424242", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "未找到" in page
    page = client.get("/accounts/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "无权操作" in page


def test_dates_follow_the_language(client, signed_in, make_project):
    import datetime as dt

    project = make_project(start_date=dt.date(2026, 3, 1))
    signed_in("viewer")
    assert "Mar 1, 2026" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    page = client.get(f"/projects/{project.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "2026年3月1日" in page


def test_catalogue_is_complete_and_current(tmp_path):
    """Extraction runs, finds no string missing from the catalogue, and none is untranslated."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as f:
        extracted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id}
    with (ROOT / "translations/zh/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = read_po(f, locale="zh")
    translated = {}
    for m in catalogue:
        if m.id:
            key = (m.context, m.id if isinstance(m.id, str) else m.id[0])
            strings = [m.string] if isinstance(m.string, str) else list(m.string)
            translated[key] = all(strings) and "fuzzy" not in m.flags
    missing = sorted(extracted - set(translated))
    empty = sorted(k for k, ok in translated.items() if not ok and k in extracted)
    assert missing == [], f"strings not in the catalogue (run make extract): {missing[:20]}"
    assert empty == [], f"strings without a Chinese translation: {empty[:20]}"


def test_dates_read_as_flask_babel_writes_them_in_both_languages(app):
    """The date filter keeps formatted dates per worker (i18n._medium_date): the same text
    as Flask-Babel's format_date, in each language, and a moment stays in the user's zone."""
    import datetime as dt

    from flask_babel import format_date, refresh

    days = [dt.date(2026, 1, 1), dt.date(2026, 11, 26), dt.date(1999, 12, 31)]
    for language in ("en", "zh"):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()  # the tests share one app context, where Flask-Babel keeps the locale
            date_filter = app.jinja_env.filters["date"]
            assert [date_filter(d) for d in days] == [format_date(d, "medium") for d in days]
            late = dt.datetime(2026, 11, 26, 20, 0, tzinfo=dt.UTC)  # 27 Nov in Shanghai
            assert date_filter(late) == format_date(late, "medium")
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        refresh()
        assert app.jinja_env.filters["date"](days[1]) == "2026年11月26日"


def test_value_labels_follow_each_requests_language(app):
    """vocab.label translates each list once per language and process: requests in either
    language, one after the other, each get their own; an unknown code reads as itself."""
    from flask_babel import refresh

    from tracker import vocab

    for _ in range(2):
        for language, expected in (("zh-CN", "事前谈话"), ("en", "Pre-dispatch talk")):
            with app.test_request_context("/", headers={"Accept-Language": language}):
                refresh()  # the test's application context outlives each request's
                assert vocab.label(vocab.TALK_TYPES, "pre_dispatch") == expected
                assert vocab.label(vocab.TALK_TYPES, "no_such_type") == "no_such_type"
                assert vocab.label(vocab.TALK_TYPES, None) == ""


def test_template_strings_read_as_jinjas_gettext_writes_them_in_both_languages(app):
    """Templates' `_` and `gettext` keep each translation per language and process
    (i18n.template_gettext): twice over, in each language, with and without escaping and
    variables, the same text as Jinja's own newstyle gettext over the request's catalogue."""
    from flask_babel import refresh
    from jinja2.ext import _make_new_gettext

    from tracker.i18n import request_translations

    jinjas = _make_new_gettext(lambda s: request_translations().ugettext(s))
    source = ("{{ _('Talks due') }}|{{ gettext('Edit') }}|{{ _('%(n)s records', n=n) }}|{{ _('No such text <b>') }}"
              "|{% trans %}Study sessions{% endtrans %}|{{ _('100%% sure') }}")
    for autoescape in (True, False):
        ours = app.jinja_env.from_string(f"{{% autoescape {autoescape} %}}{source}{{% endautoescape %}}")
        theirs = app.jinja_env.from_string(f"{{% autoescape {autoescape} %}}{source}{{% endautoescape %}}",
                                           globals={"_": jinjas, "gettext": jinjas})
        for _ in range(2):
            for language in ("zh-CN", "en"):
                with app.test_request_context("/", headers={"Accept-Language": language}):
                    refresh()
                    for n in (3, "<i>"):
                        assert ours.render(n=n) == theirs.render(n=n)
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        refresh()
        page = app.jinja_env.from_string(source).render(n="<i>")
        assert page.split("|")[:3] == ["待办谈话", "编辑", "共 &lt;i&gt; 条"]


def test_months_quarters_and_rule_captions_follow_each_requests_language(app):
    """Period labels and the study rules' captions are made once per language and process:
    requests in either language, one after the other, each get their own."""
    import datetime as dt

    from flask_babel import refresh

    from tracker.study.rules import Due, Rule, caption, period_label

    for _ in range(2):
        for language, month, quarter, every in (
            ("zh-CN", "2026年6月", "2026年第二季度", "党课，每季度一次"), ("en", "2026-06", "2026 Q2", "Party lesson, every quarter"),
        ):
            with app.test_request_context("/", headers={"Accept-Language": language}):
                refresh()
                assert period_label(Due(dt.date(2026, 6, 1), dt.date(2026, 6, 30), 1, (), "done")) == month
                assert period_label(Due(dt.date(2026, 4, 1), dt.date(2026, 6, 30), 1, (), "done", every_months=3)) == quarter
                assert caption(Rule("party_lesson", every_months=3)) == every
