"""List filters, name search and pagination."""
from __future__ import annotations


def test_pagination_keeps_filters(app, client, signed_in, make_person):
    signed_in("viewer")
    size = app.config["PAGE_SIZE"]
    for i in range(size + 3):
        make_person(f"借用人员{i:02d}", source="borrowed")
    make_person("本局人员", source="in_house")
    first = client.get("/people/?source=borrowed").get_data(as_text=True)
    assert "本局人员" not in first
    assert "Page 1 of 2" in first
    assert "source=borrowed" in first and "page=2" in first
    second = client.get("/people/?source=borrowed&page=2").get_data(as_text=True)
    assert second.count("借用人员") == 3
    assert client.get("/people/?page=99").status_code == 200  # past the end: empty, not an error


def test_name_search_treats_wildcards_literally(client, signed_in, make_person):
    signed_in("viewer")
    make_person("张伟")
    make_person("100%_完成")
    assert "张伟" in client.get("/people/?q=伟").get_data(as_text=True)
    page = client.get("/people/?q=%25").get_data(as_text=True)
    assert "100%_完成" in page and "张伟" not in page


def test_project_filters(client, signed_in, make_project):
    leader = signed_in("team-leader")
    mine = make_project(name="我的项目", team_leader=leader.person, project_type="cross_audit")
    make_project(name="别人的项目", project_type="field_audit", status="closed")
    assert "别人的项目" not in client.get("/projects/?mine=1").get_data(as_text=True)
    assert mine.name in client.get("/projects/?mine=1").get_data(as_text=True)
    page = client.get("/projects/?project_type=field_audit&status=closed").get_data(as_text=True)
    assert "别人的项目" in page and "我的项目" not in page
    assert "我的项目" in client.get(f"/projects/?q={mine.code}").get_data(as_text=True)


def test_unknown_filter_values_are_ignored(client, signed_in, make_project):
    signed_in("viewer")
    make_project(name="项目甲")
    page = client.get("/projects/?status=nonsense&project_type=' OR 1=1 --").get_data(as_text=True)
    assert "项目甲" in page


def test_branch_and_dispatch_filters(client, signed_in, make_project, make_branch, make_person, make_dispatch):
    signed_in("viewer")
    a, b = make_project(code="SJ-A"), make_project(code="SJ-B")
    make_branch(projects=[a], name="甲支部", status="active")
    make_branch(projects=[b], name="乙支部", status="dissolved")
    page = client.get("/branches/?status=dissolved").get_data(as_text=True)
    assert "乙支部" in page and "甲支部" not in page
    make_dispatch(make_person("外派甲"), a)
    make_dispatch(make_person("外派乙"), b)
    page = client.get(f"/dispatches/?project_id={a.id}").get_data(as_text=True)
    assert "外派甲" in page and "外派乙" not in page


def test_an_unfiltered_list_counts_every_row_less_the_deleted(app, client, session, signed_in, make_person,
                                                             count_queries):
    """The first page of a list without filters counts the table whole and takes away its
    deleted rows (SQLite counts a table whole from its pages); with a filter, the filtered rows."""
    from sqlalchemy import func, select

    from tracker import clock
    from tracker.people.models import Person
    from tracker.web import count_of

    signed_in("viewer")
    size = app.config["PAGE_SIZE"]
    for i in range(size + 2):
        make_person(f"在册人员{i:02d}", source="borrowed" if i % 2 else "in_house")
    gone = make_person("已删除人员")
    gone.deleted_at = clock.now()
    session.flush()
    live = session.scalar(select(func.count()).select_from(Person).where(Person.deleted_at.is_(None)))
    unfiltered = count_of(select(Person.id).where(Person.deleted_at.is_(None)).order_by(Person.name))
    assert "deleted_at IS NOT NULL" in str(unfiltered) and session.scalar(unfiltered) == live
    filtered = count_of(select(Person.id).where(Person.deleted_at.is_(None), Person.source == "borrowed"))
    assert "IS NOT NULL" not in str(filtered) and session.scalar(filtered) == (size + 2) // 2
    with count_queries() as counter:
        page = client.get("/people/").get_data(as_text=True)
    assert f"Page 1 of {-(-live // size)}" in page and "已删除人员" not in page
    assert any("deleted_at IS NOT NULL" in s for s in counter.statements)



def test_record_urls_are_the_urls_url_for_builds(app):
    """A list's row links put each id into one URL built for the page: the same URLs as
    url_for, under an application root and with values kept for every row."""
    from flask import url_for

    from tracker.web import record_url

    for root in ("", "/tracker"):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            talk_url, card_url = record_url("talks.detail", "talk_id"), record_url("points.card", "person_id", year=2026)
            for record_id in (1, 7, 40000, 9876543210):
                assert talk_url(record_id) == url_for("talks.detail", talk_id=record_id)
                assert card_url(record_id) == url_for("points.card", person_id=record_id, year=2026)
            assert talk_url(12).startswith(f"{root}/talks/12")
