"""The review dashboard: every figure against answers worked out by hand on a small world
(today is 2026-06-15; the default rules), who sees what, its links and its cost."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tracker.dashboard import figures
from tracker.periods import Period, current
from tracker.projects.models import IntegrityCheckpoint

D = dt.date
JUNE = Period("month", D(2026, 6, 1), D(2026, 6, 30))
YEAR = Period("year", D(2026, 1, 1), D(2026, 12, 31))


def utc(y, m, d, h=2):
    return dt.datetime(y, m, d, h, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(make_person, make_project, make_branch, make_dispatch, make_session, make_talk, make_user, session):
    """
    Projects (A led by L; B, C, D and E by another leader):
      A 06-02..07-31, branch BA (approved 06-01); disclosure due 06-05 not done (overdue),
        pledges due 06-05 done 06-04. Dispatches m1, m2, m3 leave 06-02, m6 leaves 06-25:
        m1 talked 06-01 (on time, submitted 06-01), m2 talked 06-05 (late, reviewed),
        m3 no talk (overdue), m6 pre-talk due 06-25 (not yet due).
      B 06-18..09-30, no branch, one dispatch m4 leaving 06-18 (due soon);
        disclosure and pledges due 06-21 (due soon).
      C 04-01..05-25 (closed), m5 back 05-25: post-dispatch talk due 06-04, none (overdue);
        revisit due 06-24 (not yet due). Branch BX served it, dissolved 05-31.
      D 05-20..07-31, three full members dispatched, no branch: needs one.
      E 2026-01-15..12-31, branch BB (approved 01-15), no dispatches.
    Sessions: BA group study 06-05 submitted (2 of 4 present), BA theme day 06-09 DRAFT;
      BB theme day 06-08 reviewed (2 of 3), BB party lesson 05-20 reviewed,
      BB "other" 05-19 submitted on 05-20 (waiting 26 days).
    """
    L, other = make_person("组长L"), make_person("组长O")
    m1, m2, m3, m4, m5, m6 = (make_person(f"队员{n}") for n in range(1, 7))
    p1, p2, p3 = (make_person(f"成员{n}") for n in range(1, 4))
    d_people = [make_person(f"D队员{n}") for n in range(1, 4)]
    A = make_project(code="A", team_leader=L, start_date=D(2026, 6, 2), end_date=D(2026, 7, 31))
    B = make_project(code="B", team_leader=other, start_date=D(2026, 6, 18), end_date=D(2026, 9, 30), status="planned")
    C = make_project(code="C", team_leader=other, start_date=D(2026, 4, 1), end_date=D(2026, 5, 25), status="closed")
    Dp = make_project(code="D", team_leader=other, start_date=D(2026, 5, 20), end_date=D(2026, 7, 31))
    E = make_project(code="E", team_leader=other, start_date=D(2026, 1, 15), end_date=D(2026, 12, 31))
    session.scalars(select(IntegrityCheckpoint).where(
        IntegrityCheckpoint.project_id == A.id, IntegrityCheckpoint.kind == "pledges")).one().done_on = D(2026, 6, 4)

    BA = make_branch(name="BA支部", projects=[A], members=[(L, "secretary"), m1, m2, m3],
                     approval_date=D(2026, 6, 1))
    BB = make_branch(name="BB支部", projects=[E], members=[p1, p2, p3], approval_date=D(2026, 1, 15))
    make_branch(name="BX支部", projects=[C], approval_date=D(2026, 3, 31), status="dissolved",
                dissolved_on=D(2026, 5, 31))

    d1, d2, d3 = (make_dispatch(m, A, departure_date=D(2026, 6, 2)) for m in (m1, m2, m3))
    make_dispatch(m6, A, departure_date=D(2026, 6, 25))
    make_dispatch(m4, B)
    d5 = make_dispatch(m5, C)
    for person in d_people:
        make_dispatch(person, Dp)
    t1 = make_talk(m1, L, dispatch=d1, talk_date=D(2026, 6, 1), status="submitted", submitted_at=utc(2026, 6, 1, 1))
    make_talk(m2, L, dispatch=d2, talk_date=D(2026, 6, 5), status="reviewed", submitted_at=utc(2026, 6, 6))

    s1 = make_session(BA, session_type="group_study", held_on=D(2026, 6, 5), status="submitted",
                      submitted_at=utc(2026, 6, 5), attendance=[(L, "present", ""), (m1, "present", ""),
                                                                (m2, "leave", "病假"), (m3, "absent", "出差")])
    make_session(BA, held_on=D(2026, 6, 9))  # a draft theme party day: does not count
    make_session(BB, held_on=D(2026, 6, 8), status="reviewed", submitted_at=utc(2026, 6, 8),
                 attendance=[(p1, "present", ""), (p2, "present", ""), (p3, "absent", "值班")])
    make_session(BB, session_type="party_lesson", held_on=D(2026, 5, 20), status="reviewed",
                 submitted_at=utc(2026, 5, 21))
    s_old = make_session(BB, session_type="other", held_on=D(2026, 5, 19), status="submitted",
                         submitted_at=utc(2026, 5, 20))
    leader = make_user("team-leader", person=L)
    secretary = make_user("secretary")
    return SimpleNamespace(**locals())


def everyone(w, branch_id=None):
    return figures.Scope(w.secretary, True, branch_id)


def leader_scope(w, branch_id=None):
    return figures.Scope(w.leader, False, branch_id)


# Periods -----------------------------------------------------------------------------
@pytest.mark.parametrize("kind, first, last", [
    ("month", D(2026, 6, 1), D(2026, 6, 30)),
    ("quarter", D(2026, 4, 1), D(2026, 6, 30)),
    ("year", D(2026, 1, 1), D(2026, 12, 31)),
])
def test_current_periods(kind, first, last):
    assert current(kind, D(2026, 6, 15)) == Period(kind, first, last)


def test_december_and_the_last_quarter():
    assert current("month", D(2026, 12, 31)).last == D(2026, 12, 31)
    assert current("quarter", D(2026, 11, 2)) == Period("quarter", D(2026, 10, 1), D(2026, 12, 31))


# Due talks and checkpoints ------------------------------------------------------------
def test_due_counts_for_everyone(world):
    due = figures.due_figures(everyone(world), JUNE)
    assert due.count("talks", "overdue") == 2  # m3's pre-dispatch talk, m5's post-dispatch talk
    assert due.count("talks", "due_soon") == 1  # m4, leaving 06-18
    assert due.count("talks", "done") == 1 and due.count("talks", "done_late") == 1
    assert due.count("talks", "not_yet_due") == 1 and due.talks_total == 6
    assert due.count("checkpoints", "overdue") == 1  # A's disclosure
    assert due.count("checkpoints", "due_soon") == 2  # B's disclosure and pledges
    assert dict(due.talks_by_month[D(2026, 6, 1)]) == {
        "done": 1, "done_late": 1, "overdue": 2, "due_soon": 1, "not_yet_due": 1}


def test_due_counts_for_a_team_leader_and_for_one_branch(world):
    mine = figures.due_figures(leader_scope(world), JUNE)
    assert (mine.count("talks", "overdue"), mine.count("talks", "due_soon"), mine.talks_total) == (1, 0, 4)
    assert (mine.count("checkpoints", "overdue"), mine.count("checkpoints", "due_soon")) == (1, 0)
    one = figures.due_figures(everyone(world, branch_id=world.BB.id), JUNE)
    assert one.talks_total == 0 and one.count("checkpoints", "overdue") == 0


def test_due_counts_follow_the_period(world):
    may = figures.due_figures(everyone(world), Period("custom", D(2026, 5, 1), D(2026, 5, 31)))
    # C's departure 04-01 is outside; D's three pre-dispatch talks (05-20) were never held
    assert may.count("talks", "overdue") == 3


def test_open_figures_count_what_is_open_whenever_it_was_due(world):
    """The headline: June's 2 overdue talks are 6 open ones (C's pre-dispatch talk due 04-01,
    D's three due 05-20); the newest overdue first, due soon the soonest first."""
    now = figures.open_figures(everyone(world))
    assert (now.count("talks", "overdue"), now.count("talks", "due_soon")) == (6, 1)
    assert (now.count("checkpoints", "overdue"), now.count("checkpoints", "due_soon")) == (9, 2)
    assert now.most_days_overdue("talks") == (D(2026, 6, 15) - D(2026, 4, 1)).days == 75
    assert [(i.due_on, i.person_name or i.kind) for i in now.overdue[:3]] == [
        (D(2026, 6, 5), "disclosure"), (D(2026, 6, 4), "队员5"), (D(2026, 6, 2), "队员3")]
    assert len(now.overdue) == figures.LIST_LIMIT < now.total("overdue") == 15
    assert [i.person_name or i.kind for i in now.soon] == ["队员4", "disclosure", "pledges"]
    mine = figures.open_figures(leader_scope(world))
    assert (mine.count("talks", "overdue"), mine.count("checkpoints", "overdue")) == (1, 1)


# Review queue -------------------------------------------------------------------------
def test_review_queue_oldest_first_against_the_fourteen_days(world):
    queue = figures.review_queue(everyone(world))
    assert (queue.sessions, queue.sessions_late, queue.talks, queue.talks_late) == (2, 1, 1, 0)
    assert [(w.kind, w.id, w.waited_days, w.state) for w in queue.oldest] == [
        ("session", world.s_old.id, 26, "overdue"),
        ("talk", world.t1.id, 14, "due_soon"),  # the 14th day is still in time
        ("session", world.s1.id, 10, "due_soon"),
    ]


def test_review_queue_of_a_team_leader_and_of_one_branch(world):
    queue = figures.review_queue(leader_scope(world))
    assert (queue.sessions, queue.talks) == (1, 1)
    assert {w.id for w in queue.oldest} == {world.s1.id, world.t1.id}
    one = figures.review_queue(everyone(world, branch_id=world.BB.id))
    assert (one.sessions, one.sessions_late, one.talks) == (1, 1, 0)


def test_review_queue_reads_the_waiting_in_the_order_they_wait(world, session):
    """The late are counted as those waiting less those not yet late, read from the end of
    the index in the order they wait; the oldest from its start, not sorted: the queue's cost
    does not follow the number waiting (on SQLite, whose plans do not depend on statistics)."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    counts, oldest = figures._review_statements(everyone(world))
    connection = session.connection()

    def plan(stmt, **params) -> str:
        compiled = stmt.compile(dialect=connection.dialect)
        values = compiled.construct_params(params)
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                          tuple(values[name] for name in compiled.positiontup))
        return "\n".join(row[3] for row in rows)
    counting = plan(counts, cutoff=utc(2026, 6, 1))
    for table in ("study_session", "talk"):
        assert f"SEARCH {table} USING INDEX ix_{table}_waiting_since (deleted_at=? AND <expr>>?)" in counting
        assert f"SEARCH {table} USING INDEX ix_{table}_waiting_since (deleted_at=?)" in plan(oldest)
    assert "TEMP B-TREE" not in plan(oldest).split("UNION ALL")[0]


# Study rules, projects, attendance, sessions per month --------------------------------
def test_branches_missing_a_theme_day_in_june(world):
    gaps = figures.study_gaps(everyone(world), JUNE)
    # the draft theme day of 06-09 does not count; the June meetings and the Q2 branch meeting
    # and lesson are due on 06-30, more than a week away
    assert [(g.name, {k: [d.first for d in v] for k, v in g.missing.items()}, g.soon) for g in gaps] == [
        ("BA支部", {"theme_party_day": [D(2026, 6, 1)]}, [])]


def test_branches_missing_over_the_year(world):
    gaps = {g.name: g for g in figures.study_gaps(everyone(world), YEAR)}
    # BX (active 03-31..05-31) held nothing either: April and May theme days, the Q2 lesson
    assert set(gaps) == {"BA支部", "BB支部", "BX支部"}
    bb = gaps["BB支部"]
    assert list(bb.missing) == ["branch_meeting", "committee_meeting", "party_group_meeting",
                                "party_lesson", "theme_party_day"]  # the rules table's order
    for monthly in ("committee_meeting", "party_group_meeting", "theme_party_day"):
        assert [d.first.month for d in bb.missing[monthly]] == [1, 2, 3, 4, 5]  # June's held or not due
    assert [(d.year, d.quarter) for d in bb.missing["party_lesson"]] == [(2026, 1)]  # Q2's held 05-20
    assert [(d.year, d.quarter) for d in bb.missing["branch_meeting"]] == [(2026, 1)]  # Q2 due 06-30


def test_team_leader_sees_only_their_branch_gaps(world):
    assert [g.name for g in figures.study_gaps(leader_scope(world), YEAR)] == ["BA支部"]


def test_projects_needing_a_branch(world):
    assert [p.code for p in figures.projects_needing_branch(everyone(world), JUNE)] == ["D"]
    assert figures.projects_needing_branch(leader_scope(world), JUNE) == []
    assert figures.projects_needing_branch(everyone(world, branch_id=world.BA.id), JUNE) == []


def test_attendance_per_branch(world):
    rows = figures.attendance(everyone(world), JUNE)
    assert [(r.name, r.sessions, r.present, r.expected) for r in rows] == [
        ("BA支部", 1, 2, 4), ("BB支部", 1, 2, 3)]
    assert [(r.name, r.present, r.expected) for r in figures.attendance(leader_scope(world), JUNE)] == [
        ("BA支部", 2, 4)]


def test_attendance_agrees_with_the_study_packages_own_rate(world, session):
    from tracker.study import queries
    from tracker.study.models import Attendance, StudySession

    rows = session.scalars(select(Attendance).join(StudySession).where(
        StudySession.held_on >= JUNE.first, StudySession.held_on <= JUNE.last)).all()
    present, expected = queries.attendance_rate(rows)
    table = figures.attendance(everyone(world), JUNE)
    assert (present, expected) == (sum(r.present for r in table), sum(r.expected for r in table)) == (4, 7)


def test_sessions_per_month_by_type(world):
    months = figures.chart_months(JUNE)
    assert months[0] == D(2025, 7, 1) and months[-1] == D(2026, 6, 1) and len(months) == 12
    counts = figures.sessions_by_month(everyone(world), months)
    assert dict(counts[D(2026, 6, 1)]) == {"group_study": 1, "theme_party_day": 1}
    assert dict(counts[D(2026, 5, 1)]) == {"party_lesson": 1, "other": 1}
    assert sum(sum(c.values()) for c in counts.values()) == 4
    mine = figures.sessions_by_month(leader_scope(world), months)
    assert dict(mine[D(2026, 6, 1)]) == {"group_study": 1} and not mine[D(2026, 5, 1)]


# The page -----------------------------------------------------------------------------
def figure(page: str, fig_id: str) -> tuple[str, str]:
    """(number, href) of the figure with this id."""
    match = re.search(rf'href="([^"]+)" id="{fig_id}">(?:\s*<div[^>]*>)?\s*(?:<div[^>]*>)?([\d /()%—]+)', page)
    assert match, fig_id
    return match.group(2).strip(), match.group(1).replace("&amp;", "&")


def test_the_secretary_home_is_the_dashboard_and_every_number_links_to_its_list(client, signed_in, world):
    signed_in("secretary")
    page = client.get("/").get_data(as_text=True)
    assert "Review dashboard" in page
    n, href = figure(page, "fig-talks-overdue")
    assert n == "6"  # open now, whenever due; June's own are in the completion table
    assert href == "/due/?state=overdue&what=talks"
    listed = client.get(href).get_data(as_text=True).split("due-table", 1)[1]
    assert "队员3" in listed and "队员5" in listed and "D队员1" in listed and "队员4" not in listed
    n, href = figure(page, "fig-completion-overdue")
    assert n == "2" and href == "/due/?state=overdue&what=talks&due_from=2026-06-01&due_to=2026-06-30"
    n, href = figure(page, "fig-sessions-waiting")
    assert n == "2" and href == "/study/?status=submitted"
    n, href = figure(page, "fig-talks-waiting")
    assert n == "1" and href == "/talks/?status=submitted"
    n, href = figure(page, "fig-attendance")
    assert n.startswith("4 / 7") and "status=counted" in href and "held_from=2026-06-01" in href
    n, href = figure(page, "fig-completion-done_late")
    assert n == "1" and "state=done_late" in href
    assert world.Dp.name in page  # needs a branch


def test_a_team_leader_home_shows_only_their_projects_and_branches(client, world):
    from tests.conftest import sign_in

    sign_in(client, world.leader)
    page = client.get("/").get_data(as_text=True)
    assert "My projects and branches" in page
    assert figure(page, "fig-talks-overdue")[0] == "1"
    assert figure(page, "fig-sessions-waiting")[0] == "1"
    n, href = figure(page, "fig-talks-waiting")
    assert n == "1" and "mine=1" in href
    assert "BB支部" not in page and world.Dp.name not in page and "BA支部" in page


def test_a_viewer_sees_everything(client, signed_in, world):
    signed_in("viewer")
    page = client.get("/").get_data(as_text=True)
    assert figure(page, "fig-talks-overdue")[0] == "6"
    assert "BB支部" in page and world.Dp.name in page


def test_period_and_branch_choices_narrow_the_page(client, signed_in, world):
    signed_in("secretary")
    page = client.get(f"/?period=year&branch_id={world.BB.id}").get_data(as_text=True)
    n, href = figure(page, "fig-sessions-waiting")
    assert n == "1" and f"branch_id={world.BB.id}" in href
    assert "due_from=2026-01-01" in figure(page, "fig-completion-overdue")[1]
    page = client.get("/?period=custom&from=2026-05-01&to=2026-05-31").get_data(as_text=True)
    assert figure(page, "fig-completion-overdue")[0] == "3"
    assert figure(page, "fig-talks-overdue")[0] == "6"  # the headline does not follow the period
    page = client.get("/?period=custom&from=nonsense").get_data(as_text=True)
    assert "Give both dates" in page and figure(page, "fig-completion-overdue")[0] == "2"


def test_charts_are_svg_with_data_tables_and_nothing_inline(client, signed_in, world):
    signed_in("secretary")
    page = client.get("/?period=quarter").get_data(as_text=True)
    assert page.count("<svg") >= 2 and 'id="sessions-table"' in page
    assert "style=" not in page and "<script>" not in page
    # one bar segment per type and month that has sessions, each with its title
    assert "2026-06 · Group study: 1" in page and "2026-05 · Party lesson: 1" in page


def test_the_dashboard_costs_the_same_queries_with_more_data(client, signed_in, world, make_person,
                                                              make_project, make_branch, make_dispatch,
                                                              make_session, make_talk, count_queries):
    signed_in("secretary")
    with count_queries() as few:
        assert client.get("/?period=year").status_code == 200
    for _ in range(4):
        leader = make_person()
        project = make_project(team_leader=leader, start_date=D(2026, 6, 1))
        branch = make_branch(projects=[project], members=[leader], approval_date=D(2026, 6, 1))
        dispatch = make_dispatch(make_person(), project)
        make_talk(dispatch.person, leader, dispatch=dispatch, status="submitted", submitted_at=utc(2026, 6, 2))
        make_session(branch, status="submitted", submitted_at=utc(2026, 6, 3), held_on=D(2026, 6, 3))
    with count_queries() as many:
        assert client.get("/?period=year").status_code == 200
    assert many.count == few.count, many.statements


def test_attendance_lists_the_lowest_rates_first_and_links_to_every_branch(client, signed_in, world, monkeypatch):
    lowest = figures.lowest_attendance(everyone(world), JUNE, 10)
    assert [r.name for r in lowest.rows] == ["BA支部", "BB支部"]  # 2/4, then 2/3
    assert (lowest.branches, lowest.present, lowest.expected) == (2, 4, 7)
    assert figures.lowest_attendance(everyone(world), JUNE, 1) == figures.Attendance(lowest.rows[:1], 2, 4, 7)
    assert figures.lowest_attendance(everyone(world), Period("month", D(2020, 1, 1), D(2020, 1, 31)),
                                     10) == figures.Attendance([], 0, 0, 0)

    monkeypatch.setattr(figures, "LIST_LIMIT", 1)
    signed_in("secretary")
    page = client.get("/").get_data(as_text=True)
    assert page.count("dash-attendance-row") == 1
    section = page.split('id="attendance"', 1)[1].split("</section>", 1)[0]
    assert "BA支部" in section and "BB支部" not in section
    link = re.search(r'<a href="([^"]+)" id="attendance-all">All 2 branches</a>', section)
    assert link, section
    every = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    section = every.split('id="attendance"', 1)[1].split("</section>", 1)[0]
    assert section.count("dash-attendance-row") == 2 and section.index("BA支部") < section.index("BB支部")
    assert 'id="attendance-all"' not in section


def test_the_lowest_rates_are_ranked_by_the_database_as_the_table_lists_them(world, make_branch, make_person,
                                                                              make_session):
    """Ties of rate, and a branch whose attendance was not taken, in the database's ranking:
    the table's rows (every branch by name) sorted by (taken, rate), their order kept."""
    p = [make_person() for _ in range(4)]
    for name, marks in (("CA支部", ["present", "absent"]), ("AB支部", ["absent", "present"]),
                        ("ZZ支部", ["present", "present", "present", "absent"]), ("BC支部", [])):
        branch = make_branch(name=name, approval_date=D(2026, 1, 1))
        make_session(branch, session_type="group_study", held_on=D(2026, 6, 10), status="reviewed",
                     submitted_at=utc(2026, 6, 10), attendance=[(p[n], mark, "") for n, mark in enumerate(marks)])
    every = figures.attendance(everyone(world), JUNE)
    ranked = sorted(every, key=lambda r: (r.expected > 0, r.present / r.expected if r.expected else 0.0))
    assert ranked[0].name == "BC支部" and {r.name for r in ranked[1:4]} == {"CA支部", "AB支部", "BA支部"}
    for limit in range(1, len(every) + 2):
        assert figures.lowest_attendance(everyone(world), JUNE, limit) == figures.Attendance(
            ranked[:limit], len(every), sum(r.present for r in every), sum(r.expected for r in every))


def test_the_tables_links_are_those_url_for_makes(app, client, signed_in, world):
    from urllib.parse import parse_qs, urlsplit

    from flask import url_for

    from tracker.web import record_url

    with app.test_request_context("/", base_url="http://x/root"):
        for endpoint, arg in (("branches.detail", "branch_id"), ("study.review", "session_id")):
            assert record_url(endpoint, arg)(42) == url_for(endpoint, **{arg: 42})
        assert record_url("study.index", "branch_id", status="counted")(7) == url_for(
            "study.index", status="counted", branch_id=7)

    def args(href):
        parts = urlsplit(href.replace("&amp;", "&"))
        return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}

    signed_in("secretary")
    page = client.get(f"/?period=quarter&branch_id={world.BB.id}").get_data(as_text=True)
    table = page.split('id="sessions-table"', 1)[1]
    assert args(re.search(r'<a href="([^"]+)">1</a>', table).group(1)) == (
        "/study/", {"status": "counted", "branch_id": str(world.BB.id), "month": "2026-05",
                    "session_type": "party_lesson"})
    month_links = [args(h) for h in re.findall(r'href="(/due/[^"]+)"', page) if "2026-05-01" in h]
    assert ("/due/", {"what": "talks", "branch_id": str(world.BB.id), "state": "done",
                      "due_from": "2026-05-01", "due_to": "2026-05-31"}) in month_links
    assert args(re.search(r'href="([^"]+)" id="fig-attendance"', page).group(1)) == (
        "/study/", {"status": "counted", "branch_id": str(world.BB.id), "held_from": "2026-04-01",
                    "held_to": "2026-06-30"})
    assert f'href="/branches/{world.BB.id}"' in page


def test_a_branch_is_chosen_by_searching_its_name(client, signed_in, world):
    signed_in("secretary")
    page = client.get("/").get_data(as_text=True)
    assert 'type="search" id="f-branch" name="branch"' in page and '<label class="form-label" for="f-branch">' in page
    assert "<option" not in page.split('id="f-branch"', 1)[1].split("</form>", 1)[0]  # no option per branch
    # one match: the branch's own dashboard, by id, the period kept
    answer = client.get("/?period=year&branch=bb")
    assert answer.status_code == 302 and answer.location == f"/?period=year&branch_id={world.BB.id}"
    page = client.get(answer.location).get_data(as_text=True)
    assert "Year 2026 · BB支部" in page
    assert f'<input type="hidden" name="branch_id" value="{world.BB.id}">' in page and "Temporary branch: BB支部" in page
    assert figure(page, "fig-sessions-waiting") == ("1", f"/study/?branch_id={world.BB.id}&status=submitted")
    # several: said next to the field, each a link to its dashboard; the figures stay everyone's
    page = client.get("/?branch=%E6%94%AF%E9%83%A8").get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="f-branch-error"' in page
    assert "Several temporary branches match “支部”" in page.split('id="f-branch-error"', 1)[1].split("</div>", 1)[0]
    matches = page.split('id="branch-matches"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/?period=month&amp;branch_id={world.BA.id}">BA支部</a>' in matches and "BX支部" in matches
    assert figure(page, "fig-sessions-waiting")[0] == "2"
    # none
    page = client.get("/?branch=nowhere").get_data(as_text=True)
    assert "No temporary branch’s name contains “nowhere”." in page and 'id="branch-matches"' not in page
    answer = client.get("/?branch=" + "x" * 5000 + "&branch_id=nonsense")  # cut to a name's length
    assert answer.status_code == 200 and f"contains “{'x' * 100}”." in answer.get_data(as_text=True)


def test_a_team_leader_finds_only_the_branches_they_may_read(client, world):
    from tests.conftest import sign_in

    sign_in(client, world.leader)
    assert client.get("/?branch=BA").location == f"/?period=month&branch_id={world.BA.id}"
    page = client.get("/?branch=BB").get_data(as_text=True)
    assert "No temporary branch’s name contains “BB”." in page


@pytest.mark.parametrize("branch_id", [None, 7])
def test_the_links_written_by_hand_are_those_url_for_writes(app, branch_id):
    from flask import url_for

    from tracker.dashboard.views import Links
    with app.test_request_context():
        links = Links(figures.Scope(None, True, branch_id), JUNE)
        branch = {"branch_id": branch_id} if branch_id else {}
        for state in ("overdue", "due_soon", "done", "all"):
            for what in ("talks", "checkpoints", "all"):
                assert links.open(state, what) == url_for("due.talks", state=state, what=what, **branch)
                assert links.due(state, what) == url_for("due.talks", state=state, what=what, due_from="2026-06-01",
                                                         due_to="2026-06-30", **branch)
