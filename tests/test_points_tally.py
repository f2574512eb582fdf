"""The points tally the bureau's table reads (tracker.points.tally): kept by every write, made
again by `flask points rebuild`, used only when whole; ranking, filters and paging in the
database at a cost that does not grow with the data."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert, select

from tests.conftest import sign_in
from tracker import records
from tracker.branches.models import Membership
from tracker.people.models import Person
from tracker.points import derive, ranking, tally
from tracker.points import scheme as schemes
from tracker.points.models import PointsTally, PointsTallyStatus
from tracker.study.models import Attendance

DEFAULT = json.loads(schemes.DEFAULT_FILE.read_text(encoding="utf-8"))


def totals(session, year=2026) -> dict[int, int]:
    return dict(session.execute(select(PointsTally.person_id, PointsTally.points)
                                .where(PointsTally.year == year, PointsTally.category == tally.TOTAL)).all())


def whole_tally(session) -> set[tuple]:
    return set(session.execute(select(PointsTally.year, PointsTally.person_id, PointsTally.category,
                                      PointsTally.points, PointsTally.name)).all())


def derived(session) -> set[tuple]:
    return {(r["year"], r["person_id"], r["category"], r["points"], r["name"])
            for y in tally.counted_years(session) for r in tally.derived(session, y)}


def test_review_return_delete_and_undelete_move_the_tally(session, make_person, make_branch, make_session):
    a = make_person("计数甲")
    branch = make_branch(members=[a])
    s = make_session(branch, status="reviewed", session_type="party_lesson", speaker="计数甲",
                     attendance=[(a, "present", "")])
    assert totals(session)[a.id] == 1 + 3  # present at a lesson, and gave it
    s.status = "returned"
    session.flush()
    assert a.id not in totals(session)
    s.status = "reviewed"
    session.flush()
    records.soft_delete(s)
    session.flush()
    assert a.id not in totals(session)
    records.undelete(s)
    session.flush()
    assert totals(session)[a.id] == 4
    assert whole_tally(session) == derived(session)


def test_attendance_speaker_and_name_changes_move_the_tally(session, make_person, make_branch, make_session):
    a, b = make_person("计数乙"), make_person("计数丙")
    branch = make_branch(members=[a, b])
    s = make_session(branch, status="reviewed", session_type="party_lesson", speaker="计数乙",
                     attendance=[(a, "present", ""), (b, "absent", "无故")])
    assert totals(session) == {a.id: 4, b.id: -2}
    row = session.scalar(select(Attendance).where(Attendance.session_id == s.id, Attendance.person_id == b.id))
    row.status = "present"
    s.speaker = "计数丙"
    session.flush()
    assert totals(session) == {a.id: 1, b.id: 4}
    b.name = "计数丙改"  # the speaker text no longer names them
    session.flush()
    assert totals(session) == {a.id: 1, b.id: 1}
    session.delete(row)
    session.flush()
    assert totals(session) == {a.id: 1}
    assert whole_tally(session) == derived(session)


def test_a_session_moved_across_the_year_boundary_leaves_one_year_for_the_other(
        session, make_person, make_branch, make_session):
    a = make_person("计数丁")
    branch = make_branch(members=[a], approval_date=dt.date(2025, 6, 1))
    s = make_session(branch, status="reviewed", held_on=dt.date(2026, 1, 5), attendance=[(a, "present", "")])
    assert totals(session, 2026) == {a.id: 1} and totals(session, 2025) == {}
    s.held_on = dt.date(2025, 12, 31)
    session.flush()
    assert totals(session, 2026) == {} and totals(session, 2025) == {a.id: 1}


def test_talks_and_manual_entries_follow(session, make_person, make_talk, make_points_entry):
    a, b = make_person("谈话甲"), make_person("谈话乙")
    talk = make_talk(a, b, status="reviewed", talk_type="pre_dispatch", talk_date=dt.date(2026, 3, 1))
    entry = make_points_entry(a, "award", status="reviewed", occurrences=3)  # +15, capped at 10
    assert totals(session) == {a.id: 1 + 10, b.id: 1}
    talk.person_id = b.id
    talk.conducted_by_id = a.id
    entry.status = "returned"
    session.flush()
    assert totals(session) == {a.id: 1, b.id: 1}
    assert whole_tally(session) == derived(session)


def test_a_new_scheme_version_re_values_the_years_it_governs(app, session, tmp_path, make_person, make_branch,
                                                              make_session):
    a = make_person("新办法")
    make_session(make_branch(members=[a]), status="reviewed", attendance=[(a, "present", "")])
    assert totals(session) == {a.id: 1}
    data = json.loads(json.dumps(DEFAULT))
    data.update(label="测试2026", effective_from="2026-01-01")
    data["categories"][0]["items"][0]["points"] = 2
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    schemes.load_file(path)
    assert totals(session) == {a.id: 2}
    assert whole_tally(session) == derived(session)


def test_rebuild_mends_rows_written_past_the_orm_and_the_table_waits_for_it(
        app, client, session, make_user, make_person, make_branch, make_session):
    a = make_person("批量甲")
    branch = make_branch(members=[a])
    s = make_session(branch, status="reviewed", attendance=[])
    # a bulk load (as `bench fill` or an old database) writes without the ORM events
    session.execute(insert(Attendance.__table__).values(session_id=s.id, person_id=a.id, status="present",
                                                        reason=""))
    session.add(PointsTallyStatus(id=1, reason="test"))
    session.flush()
    assert totals(session) == {} and not tally.is_whole(session)
    sign_in(client, make_user("secretary"))
    page = client.get(f"/points/?year=2026&branch_id={branch.id}").get_data(as_text=True)
    assert "<td>81</td>" in page  # derived from the records while the tally is not whole
    result = app.test_cli_runner().invoke(args=["points", "rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert totals(session) == {a.id: 1} and tally.is_whole(session)
    assert whole_tally(session) == derived(session)


def test_ranks_are_shared_across_pages_and_filters_apply_in_the_database(
        session, make_user, make_person, make_branch, make_points_entry):
    people = [make_person(f"排名{n:02d}") for n in range(7)]
    branch = make_branch(members=people[:5])
    for n, p in enumerate(people):
        make_points_entry(p, "volunteering", status="reviewed", occurrences=1 + n // 2)  # 2,2,4,4,6,6,6 (capped)
    secretary = make_user("secretary")
    valuer = derive.Valuer(schemes.governing(2026))
    everyone = ranking.table(secretary, 2026, valuer)
    mine = {r.person_id for r in everyone}
    pages = [ranking.ranked_page(secretary, 2026, valuer, number=n, per_page=3) for n in (1, 2, 3, 4)]
    fast = [r for page in pages[:3] for r in page.items if r.person_id in mine]
    assert [(r.person_id, r.rank, r.total) for r in fast] == [
        (r.person_id, r.rank, r.total) for r in everyone if r.person_id in {f.person_id for f in fast}]
    assert pages[3].page == pages[2].page  # beyond the last page: the last page
    in_branch = ranking.ranked(secretary, 2026, valuer, branch_id=branch.id)
    assert [r.total for r in in_branch] == [86, 84, 84, 82, 82] and [r.rank for r in in_branch] == [1, 2, 2, 4, 4]
    role = ranking.ranked(secretary, 2026, valuer, branch_id=branch.id, category_code="role")
    assert [r.score for r in role] == [6, 4, 4, 2, 2]
    assert all(r.categories for r in role)
    top = ranking.ranked_page(secretary, 2026, valuer, number=1, per_page=50, branch_id=branch.id,
                              vanguard_only=True)
    assert top.total == 0  # 86 is below 95
    make_points_entry(people[4], "award", status="reviewed", occurrences=2)  # +10 → 96
    top = ranking.ranked_page(secretary, 2026, valuer, number=1, per_page=50, branch_id=branch.id,
                              vanguard_only=True)
    assert [(r.person_id, r.total) for r in top.items] == [(people[4].id, 96)]
    names, count = ranking.vanguard(secretary, 2026, valuer, branch.id, limit=1)
    assert ([(r.person_id, r.total) for r in names], count) == ([(people[4].id, 96)], 1)


def _add_people_and_records(make_person, make_branch, make_session, make_points_entry, n: int, day: int,
                            branch=None, session=None):
    """n people in a new branch (every other one in `branch` too), each giving a lesson there,
    with awards and volunteering: two in three at the vanguard post."""
    people = [make_person() for _ in range(n)]
    new = make_branch(members=people)
    if branch is not None:
        for p in people[::2]:
            session.add(Membership(branch=branch, person=p, role="member", joined_on=branch.approval_date))
        session.flush()
    for n, p in enumerate(people):
        make_session(new, held_on=dt.date(2026, 1, 1) + dt.timedelta(days=day + n), status="reviewed",
                     session_type="party_lesson", speaker=p.name)
        make_points_entry(p, "award", status="reviewed", occurrences=2)
        if n % 3:
            make_points_entry(p, "volunteering", status="reviewed", occurrences=3)
    return new


#: (URL, vanguard names listed at most, queries): the bureau's table, filtered, and past the
#: first page (five rows a page in these tests). Every one: the sign-in, the scheme, the
#: table's counts with the tally's state (one query), the page's rows, their categories, the
#: the navigation's to-do count; past the first page from the index, the count of those
#: scoring higher than its first row; a vanguard post that fits, its names; a branch chosen by
#: a link, its name (a branch searched by name is a condition of the same queries).
TABLE_URLS = [
    ("/points/?year=2026", 0, 6),
    ("/points/?year=2026&page=2", 0, 6),
    ("/points/?year=2026&category=role&page=2", 0, 6),
    ("/points/?year=2026&category=organisational_life&page=2", 0, 6),  # nobody above the base: ranks everyone
    ("/points/?year=2026&branch_id={branch}", 50, 8),
    ("/points/?year=2026&branch_id={branch}&category=role&page=2", 50, 8),
    ("/points/?year=2026&branch={name}", 50, 7),
    ("/points/?year=2026&vanguard=1&page=2", 0, 6),
]


@pytest.mark.parametrize(("url", "shown", "queries"), TABLE_URLS)
def test_the_table_costs_a_pinned_number_of_queries_when_the_data_doubles(
        client, session, monkeypatch, make_user, make_person, make_branch, make_session, make_points_entry,
        count_queries, url, shown, queries):
    from tracker.points import views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 5)
    monkeypatch.setattr(views, "VANGUARD_SHOWN", shown)
    branch = _add_people_and_records(make_person, make_branch, make_session, make_points_entry, 12, 0)
    sign_in(client, make_user("secretary"))
    url = url.format(branch=branch.id, name=branch.name)
    client.get(url)
    counts = []
    for day in (12, 24):  # twice the people, sessions and entries, then three times
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
        _add_people_and_records(make_person, make_branch, make_session, make_points_entry, 12, day,
                                branch=branch, session=session)
    with count_queries() as counter:
        page = client.get(url).get_data(as_text=True)
    counts.append(counter.count)
    assert counts == [queries] * 3, (counts, counter.statements)
    number = int(url.partition("page=")[2] or 1)
    assert f"Page {number} of" in page and ('id="vanguard-names"' in page) == bool(shown)


def test_the_vanguard_post_is_listed_when_it_fits_and_counted_when_not(
        client, session, monkeypatch, make_user, make_person, make_branch, make_points_entry):
    from tracker.points import views

    people = [make_person(f"先锋{n}") for n in range(3)]
    make_branch(members=people)
    for p in people:  # 80 + 10 + 6 = 96
        make_points_entry(p, "award", status="reviewed", occurrences=2)
        make_points_entry(p, "volunteering", status="reviewed", occurrences=3)
    sign_in(client, make_user("secretary"))
    page = client.get("/points/?year=2026").get_data(as_text=True)
    names = page[page.index('id="vanguard-names"'):].split("</p>")[0]
    assert all(f"先锋{n}</a>（96）" in names for n in range(3))
    monkeypatch.setattr(views, "VANGUARD_SHOWN", 2)
    page = client.get("/points/?year=2026").get_data(as_text=True)
    assert 'id="vanguard-names"' not in page and "vanguard=1" in page
    assert "3 / 3" in page  # counted all the same
    listed = client.get("/points/?year=2026&vanguard=1").get_data(as_text=True)
    assert all(f"先锋{n}" in listed for n in range(3))


@pytest.mark.parametrize("per_page", [1, 2, 4])
def test_every_page_of_the_vanguard_post_agrees_with_the_derivation(session, make_user, make_person, make_branch,
                                                                    make_session, make_points_entry, per_page):
    people = [make_person(f"先锋页{n}") for n in range(7)]
    branch = make_branch(members=people)
    # everyone present at a lesson (+1), given by the first (+3); awards (+10) and volunteering
    for p, volunteering in zip(people[:6], (3, 3, 3, 3, 2, 1), strict=True):
        make_points_entry(p, "award", status="reviewed", occurrences=2)
        make_points_entry(p, "volunteering", status="reviewed", occurrences=volunteering)
    make_session(branch, status="reviewed", session_type="party_lesson", speaker=people[0].name)
    secretary = make_user("secretary")
    valuer = derive.Valuer(schemes.governing(2026))
    expected = [(r.person_id, r.rank, r.total) for r in ranking.table(secretary, 2026, valuer, branch_id=branch.id)
                if r.vanguard]
    assert [(rank, total) for _, rank, total in expected] == [(1, 100), (2, 97), (2, 97), (2, 97), (5, 95)]
    found = [(r.person_id, r.rank, r.total)
             for n in range(1, -(-len(expected) // per_page) + 1)
             for r in ranking.ranked_page(secretary, 2026, valuer, number=n, per_page=per_page,
                                          branch_id=branch.id, vanguard_only=True).items]
    assert found == expected


@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 50])
@pytest.mark.parametrize("category", [None, "role", "organisational_life"])
def test_every_page_of_the_ranking_agrees_with_the_derivation(session, make_user, make_person, make_branch,
                                                              make_session, make_points_entry, per_page, category):
    """Pages above the base score come from the tally's index alone, the rest from ranking
    everyone: each page, at every size, must be that slice of the derived table."""
    people = [make_person(f"分页{n:02d}") for n in range(9)]
    branch = make_branch(members=people)
    for n, p in enumerate(people[:6]):
        make_points_entry(p, "volunteering", status="reviewed", occurrences=1 + n % 3)  # 2, 4, 6 twice each
    make_session(branch, status="reviewed", attendance=[(people[6], "absent", "无故"), (people[7], "present", "")])
    secretary = make_user("secretary")
    valuer = derive.Valuer(schemes.governing(2026))
    code = next((c.id for c in valuer.scheme.categories if c.code == category), None)
    expected = [(r.person_id, r.rank, r.total, r.score)
                for r in ranking.table(secretary, 2026, valuer, branch_id=branch.id, category_id=code)]
    pages = -(-len(expected) // per_page)
    found = [(r.person_id, r.rank, r.total, r.score)
             for n in range(1, pages + 1)
             for r in ranking.ranked_page(secretary, 2026, valuer, number=n, per_page=per_page,
                                          branch_id=branch.id, category_code=category).items]
    assert found == expected


@pytest.mark.parametrize("per_page", [2, 3, 50])
def test_a_categorys_ranking_with_ties_equals_a_full_recomputation_after_a_rename(
        session, make_user, make_person, make_branch, make_points_entry, per_page):
    """A category's few scores tie many people, whom the table lists by name: the pages read
    from the tally's index in its order (points down, then the name the tally keeps) must be
    the slices of the ranking computed from the records, also after a rename moves a person
    within a tie."""
    # ids ascending, names descending, so the order by name is not the order of the rows
    people = [make_person(f"并列{chr(ord('h') - n)}") for n in range(8)]
    branch = make_branch(members=people[:6])
    for n, p in enumerate(people):
        make_points_entry(p, "volunteering", status="reviewed", occurrences=1 + n % 2)  # 2 and 4, four each
    secretary = make_user("secretary")
    valuer = derive.Valuer(schemes.governing(2026))
    role = next(c.id for c in valuer.scheme.categories if c.code == "role")

    def compare():
        for branch_id in (None, branch.id):
            expected = [(r.person_id, r.rank, r.score, r.total)
                        for r in ranking.table(secretary, 2026, valuer, branch_id=branch_id, category_id=role)]
            pages = -(-len(expected) // per_page)
            found = [(r.person_id, r.rank, r.score, r.total)
                     for n in range(1, pages + 1)
                     for r in ranking.ranked_page(secretary, 2026, valuer, number=n, per_page=per_page,
                                                  branch_id=branch_id, category_code="role").items]
            assert found == expected
            tie = [r for r in expected if r[2] == 4]
            assert [r[1] for r in tie] == [1] * len(tie) and len(tie) >= 3
        assert whole_tally(session) == derived(session)

    compare()
    records.update(people[1], {"name": "并列a"}, people[1].version)  # from the middle of a tie to its head
    session.flush()
    assert {r.name for r in session.scalars(select(PointsTally).where(PointsTally.person_id == people[1].id))} == {
        "并列a"}
    compare()


def test_the_bureaus_count_of_party_members_leaves_out_the_deleted_and_the_non_members(
        session, make_user, make_person, make_branch):
    """The bureau's table counts its people from the kept count of live party members
    (tracker.people.counting), or while it is not kept as everyone less the deleted and the
    live non-members; a branch's table counts its own. All agree with the derivation's rows."""
    from tracker import clock

    secretary = make_user("secretary")
    members = [make_person() for _ in range(4)]
    make_person(party_status="none")
    make_person(party_status="probationary")
    gone, gone_outsider = make_person(), make_person(party_status="none")
    gone.deleted_at = gone_outsider.deleted_at = clock.now()
    session.flush()
    branch = make_branch(members=members[:2])
    valuer = derive.Valuer(schemes.governing(2026, items=False))
    for branch_id in (None, branch.id):
        rows = ranking.table(secretary, 2026, valuer, branch_id=branch_id)
        assert ranking.counts(secretary, 2026, valuer, branch_id).people == len(rows)
    assert len(ranking.table(secretary, 2026, valuer)) == len(session.scalars(
        select(Person.id).where(Person.deleted_at.is_(None), Person.party_status != "none")).all())
    from sqlalchemy import delete

    from tracker.kept_counts import KeptCount
    from tracker.people import counting
    rows = ranking.table(secretary, 2026, valuer)
    session.execute(delete(KeptCount).where(KeptCount.name == counting.NAME))  # not kept: counted
    assert ranking.counts(secretary, 2026, valuer).people == len(rows)
    counting.recount(session.connection())
    assert ranking.counts(secretary, 2026, valuer).people == len(rows)
