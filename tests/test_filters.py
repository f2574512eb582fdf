"""The options of list filters (tracker.web.select_options): escaped, the chosen one selected."""
from __future__ import annotations

from tracker.web import select_options


def test_options_are_escaped_and_the_chosen_one_selected():
    html = str(select_options([(1, "A & <B>"), (12, '"C"'), (2, "D")], "12"))
    assert html == ('<option value="1">A &amp; &lt;B&gt;</option>'
                    '<option value="12" selected>&#34;C&#34;</option><option value="2">D</option>')
    assert "selected" not in select_options([(1, "x")], "")
    assert "selected" not in select_options([(1, "x")], '1"><script>')


def test_a_filter_page_marks_the_chosen_project(client, signed_in, make_project):
    chosen, other = make_project(code="SJ-F-1"), make_project(code="SJ-F-2")
    signed_in("viewer")
    page = client.get(f"/dispatches/?project_id={chosen.id}").get_data(as_text=True)
    assert f'<option value="{chosen.id}" selected>SJ-F-1' in page
    assert f'<option value="{other.id}">SJ-F-2' in page
