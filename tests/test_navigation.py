"""The main navigation's definition (tracker/navigation.py): who sees which entry, in which
order, the current entry marked, and the to-do count kept to one query."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from tracker import navigation
from tracker.navigation import ENTRIES
from tracker.todo import registry

STAFF = ["To do", "Audit projects", "Temporary branches", "People", "Dispatches", "Study sessions",
         "Talks", "Talks due", "Ledger", "Points cards"]


@pytest.mark.parametrize(("roles", "labels"), [
    (("secretary",), STAFF),
    (("viewer",), STAFF),
    (("team-leader",), STAFF),
    (("admin",), [*STAFF, "Accounts", "Deleted records"]),
    (("admin", "team-leader"), [*STAFF, "Accounts", "Deleted records"]),
    (("member",), ["My page", "My points"]),
])
def test_each_role_sees_its_entries_in_order(app, make_user, make_person, roles, labels):
    user = make_user(*roles, person=make_person())
    with app.test_request_context("/"):
        shown = navigation.navigation(user)
    assert [link.entry.label for link in shown.links] == labels
    assert (shown.todo is not None) == ("To do" in labels)


def test_nobody_signed_out_sees_an_entry(app):
    from flask_login import AnonymousUserMixin

    with app.test_request_context("/"):
        assert navigation.navigation(AnonymousUserMixin()).links == []


def test_every_entry_leads_to_a_page_and_its_label_is_translated(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    with open("translations/zh/LC_MESSAGES/messages.po", encoding="utf-8") as po:
        catalogue = read_po(po)
    for entry in ENTRIES:
        assert entry.endpoint in endpoints
        assert catalogue.get(entry.label) is not None and catalogue.get(entry.label).string, entry.label


def test_the_labels_follow_the_language(client, signed_in):
    signed_in("secretary")
    client.post("/language", data={"lang": "zh", "next": "/"})
    page = client.get("/people/").get_data(as_text=True)
    assert 'aria-current="page">人员</a>' in page


def test_the_current_entry_is_marked(client, signed_in, make_project):
    signed_in("admin")
    project = make_project()
    page = client.get("/projects/").get_data(as_text=True)
    assert re.findall(r'<a class="nav-link text-dark fw-bold" href="([^"]+)" aria-current="page"', page) == [
        "/projects/"]
    # a project's own page: the entry of its section, but not as the page itself
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert re.findall(r'href="([^"]+)" aria-current="true"', page) == ["/projects/"]
    assert 'aria-current="page"' not in page
    # the to-do entry is a place on the home page, never its page
    page = client.get("/").get_data(as_text=True)
    assert "aria-current" not in re.search(r'<a [^>]*id="nav-todo"', page).group(0)


def test_an_error_page_shows_no_count_and_asks_nothing(client, signed_in, count_queries):
    signed_in("secretary")
    with count_queries() as counter:
        page = client.get("/no-such-page").get_data(as_text=True)
    assert 'id="nav-todo"' not in page and "Audit projects" in page
    assert not any("talk" in s.lower() for s in counter.statements), counter.statements


def test_the_kept_count_query_follows_the_data_and_the_roles(app, session, make_user, make_person, make_talk):
    """The badge's statement is kept per user and roles; its count still follows the data."""
    import datetime as dt

    def counts(user):
        with app.test_request_context("/"):
            return registry.badge(user), sum(c.n for c in registry.counted(user, personal_only=True))

    person, subject = make_person(), make_person()
    user = make_user("team-leader", person=person)
    assert counts(user) == (0, 0)
    make_talk(subject, person, talk_type="heart_to_heart", talk_date=dt.date(2026, 6, 1), author_id=user.id)
    assert counts(user) == (1, 1)  # their draft
    make_talk(subject, person, talk_type="heart_to_heart", talk_date=dt.date(2026, 6, 2), status="submitted")
    user.roles = ("team-leader", "secretary")
    session.flush()
    assert counts(user) == (2, 2)  # and, as a secretary, the talk waiting for review
    kept = {key[4] for key in registry.STATEMENTS.keys() if key[2:4] == (user.id, person.id)}
    assert {"team-leader", "secretary team-leader"} <= kept
