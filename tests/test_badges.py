"""One badge macro per kind (templates/macros.html): a state looks the same on every page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _render(app, call: str) -> str:
    with app.test_request_context():
        return app.jinja_env.from_string('{% from "macros.html" import state_badge, status_badge %}' + call).render()


@pytest.mark.parametrize(("state", "colour"), [
    ("done", "success"), ("done_late", "success"), ("overdue", "danger"), ("due_soon", "warning"),
    ("not_yet_due", "light"),
])
def test_a_due_state_has_one_colour(app, state, colour):
    html = _render(app, f"{{{{ state_badge('{state}') }}}}")
    assert f"text-bg-{colour}" in html and f"due-{state}" in html


def test_done_late_says_it_was_late(app):
    assert "Done late" in _render(app, "{{ state_badge('done_late') }}")


def test_badge_macros_are_defined_only_in_macros_html():
    defined = {
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"\{%-?\s*macro\s+\w*badge\b", path.read_text(encoding="utf-8"))
    }
    assert defined == {"macros.html"}


def test_no_template_colours_a_due_state_inline():
    inline = [
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if path.name != "macros.html"
        and re.search(r"text-bg-\w+[^<]*(DUE_STATES|_\('(Overdue|Due soon|Done late)'\))", path.read_text(encoding="utf-8"))
    ]
    assert inline == []
