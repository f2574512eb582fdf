"""List filters: options escaped, the chosen one selected (tracker.web.select_options); projects and
branches searched by code or name (macros.search_filter), not listed."""
from __future__ import annotations

from tracker.web import select_options


def test_options_are_escaped_and_the_chosen_one_selected():
    html = str(select_options([(1, "A & <B>"), (12, '"C"'), (2, "D")], "12"))
    assert html == ('<option value="1">A &amp; &lt;B&gt;</option>'
                    '<option value="12" selected>&#34;C&#34;</option><option value="2">D</option>')
    assert "selected" not in select_options([(1, "x")], "")
    assert "selected" not in select_options([(1, "x")], '1"><script>')


def test_a_link_by_project_names_its_project_without_listing_every_project(client, signed_in, make_project):
    chosen = make_project(code="SJ-F-1", name="甲项目")
    make_project(code="SJ-F-2")
    signed_in("viewer")
    page = client.get(f"/dispatches/?project_id={chosen.id}&q=x").get_data(as_text=True)
    assert "SJ-F-1 甲项目" in page
    assert f'<input type="hidden" name="project_id" value="{chosen.id}">' in page
    assert "SJ-F-2" not in page and "<option" not in page
    # the link that drops the project keeps the other filters
    assert 'href="/dispatches/?q=x&amp;page=1"' in page


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_project_and_branch_are_searched_by_code_or_name(client, signed_in, make_person, make_project,
                                                         make_branch, make_dispatch, make_talk,
                                                         make_session):
    signed_in("secretary")
    a = make_project(code="SJ-A-9", name="财政审计")
    b = make_project(code="SJ-B-9", name="税务审计")
    branch_a = make_branch(projects=[a], name="财政支部")
    branch_b = make_branch(projects=[b], name="税务支部")
    officer = make_person("谈话人")
    for project, name in ((a, "外派甲"), (b, "外派乙")):
        person = make_person(name)
        make_talk(person, officer, dispatch=make_dispatch(person, project))
    make_session(branch_a, topic="甲的学习")
    make_session(branch_b, topic="乙的学习")
    for url in ("/dispatches/?project=SJ-A", "/dispatches/?project=财政", "/talks/?project=sj-a",
                "/talks/?branch=财政", "/due/?state=all&project=财政", "/due/?state=all&branch=财政支"):
        page = _page(client, url)
        assert "外派甲" in page and "外派乙" not in page, url
    page = _page(client, "/study/?branch=财政")
    assert "甲的学习" in page and "乙的学习" not in page
    page = _page(client, f"/study/?branch_id={branch_b.id}")
    assert "税务支部" in page and "甲的学习" not in page
    # LIKE's wildcards are taken literally
    assert "外派" not in _page(client, "/dispatches/?project=%25")
