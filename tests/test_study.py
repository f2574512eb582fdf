"""Logging, editing and reviewing study sessions through the pages, and what they show."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, sign_in
from tracker.history.models import HistoryEntry
from tracker.study import rules
from tracker.study.models import StudySession


@pytest.fixture
def site(make_person, make_project, make_branch, make_user, client):
    """A team leader's project and active branch (approved 1 May) with three members."""
    leader_person = make_person("王磊")
    lin, zheng = make_person("林芳"), make_person("郑浩")
    project = make_project(team_leader=leader_person)
    branch = make_branch(projects=[project], members=[(leader_person, "secretary"), lin, zheng],
                         approval_date=dt.date(2026, 5, 1))
    leader = make_user("team-leader", person=leader_person)
    secretary = make_user("secretary")
    sign_in(client, leader)
    return {"branch": branch, "leader": leader, "secretary": secretary, "lin": lin, "zheng": zheng,
            "leader_person": leader_person}


def form_data(site, **overrides):
    b = site["branch"]
    data = {
        "branch_id": str(b.id), "session_type": "theme_party_day", "held_on": "2026-06-10",
        "start_time": "14:30", "end_time": "16:00", "place": "项目驻地会议室", "topic": "学习新修订的纪律处分条例",
        "speaker": "王磊", "host": "王磊", "recorder": "林芳", "content": "一、传达学习……", "resolutions": "",
        "guests": "", "submit": "Save",
    }
    for m in b.memberships:
        data[f"attendance-{m.person_id}"] = "present"
        data[f"reason-{m.person_id}"] = ""
    data.update(overrides)
    day = dt.date.fromisoformat(data["held_on"]) if data["held_on"] else None
    data.setdefault("roster", ",".join(str(i) for i in sorted(  # the members the page showed that date
        m.person_id for m in b.memberships if day and m.current_on(day))))
    return data


def test_log_a_session_with_attendance(client, site, session):
    lin = site["lin"]
    response = client.post("/study/new", data=form_data(site, **{
        f"attendance-{lin.id}": "leave", f"reason-{lin.id}": "病假",
    }))
    assert response.status_code == 302, response.get_data(as_text=True)
    study = session.scalar(select(StudySession))
    assert response.location.endswith(f"/study/{study.id}")
    assert (study.status, study.expected_count, study.actual_count) == ("draft", 3, 2)
    assert {a.person.name: (a.status, a.reason) for a in study.attendance}["林芳"] == ("leave", "病假")
    assert study.author_id == site["leader"].id
    page = client.get(f"/study/{study.id}").get_data(as_text=True)
    assert "Expected: 3 · Present: 2" in page and "病假" in page
    actions = session.scalars(select(HistoryEntry.action).where(
        HistoryEntry.record_type == "study_session", HistoryEntry.record_id == study.id)).all()
    assert actions == ["create", "update"]  # the record, then its attendance


@pytest.mark.parametrize(("overrides", "message"), [
    ({"held_on": "2026-06-16"}, "The date cannot be in the future."),
    ({"end_time": "14:00"}, "The end time must be after the start time."),
    ({"end_time": "14:30"}, "The end time must be after the start time."),
    ({"held_on": "2026-04-30"}, "The branch was approved on"),
    ({"topic": ""}, "This field is required."),
])
def test_bad_input_is_refused_and_kept(client, site, session, overrides, message):
    response = client.post("/study/new", data=form_data(site, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "项目驻地会议室" in page  # what was typed is still there
    assert session.scalar(select(StudySession)) is None


def test_a_reason_is_needed_for_leave_and_absence(client, site, session):
    zheng = site["zheng"]
    response = client.post("/study/new", data=form_data(site, **{
        f"attendance-{zheng.id}": "absent", f"reason-{zheng.id}": "  ",
    }))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give a reason for 郑浩 being on leave or absent." in page
    assert re.search(rf'id="attendance-{zheng.id}-absent" value="absent" checked', page)


def test_a_dissolved_or_proposed_branch_cannot_hold_sessions(client, site, session, make_branch, make_project):
    branch = site["branch"]
    branch.status, branch.dissolved_on = "dissolved", dt.date(2026, 6, 1)
    session.flush()
    page = client.post("/study/new", data=form_data(site, held_on="2026-06-02")).get_data(as_text=True)
    assert "it held no sessions after" in page
    assert client.post("/study/new", data=form_data(site, held_on="2026-06-01")).status_code == 302
    proposed = make_branch(projects=[make_project(team_leader=site["leader_person"])], status="proposed")
    assert client.get(f"/study/new?branch_id={proposed.id}").status_code == 403


def test_the_roster_is_who_was_a_member_on_that_date(client, site, session, make_person):
    from tracker.branches.models import Membership

    late = make_person("晚到者")
    session.add(Membership(branch=site["branch"], person=late, joined_on=dt.date(2026, 6, 8)))
    site["branch"].memberships[1].left_on = dt.date(2026, 6, 3)  # 林芳 left on 3 June
    session.flush()
    b = site["branch"].id
    early = client.get(f"/study/roster?branch_id={b}&held_on=2026-06-02").get_data(as_text=True)
    assert listed(early) == {"王磊", "林芳", "郑浩"}
    assert "晚到者 joined on Jun 8, 2026, after this date" in early  # named, and why
    later = client.get(f"/study/roster?branch_id={b}&held_on=2026-06-09"
                       f"&attendance-{site['zheng'].id}=leave&reason-{site['zheng'].id}=出差").get_data(as_text=True)
    assert listed(later) == {"王磊", "郑浩", "晚到者"}
    assert "林芳 left on Jun 3, 2026, before this date" in later
    assert 'value="出差"' in later  # what was chosen before the date changed stays
    # Without the script: the Refresh button re-lists the members and saves nothing.
    data = form_data(site, held_on="2026-06-09", refresh="Refresh member list")
    response = client.post("/study/new", data=data)
    assert response.status_code == 200 and "晚到者" in response.get_data(as_text=True)
    assert session.scalar(select(StudySession)) is None


def listed(html: str) -> set[str]:
    return set(re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', html))


def test_attendance_is_saved_only_for_the_roster_the_page_showed(client, site, session, make_person):
    from tracker.branches.models import Membership

    late = make_person("晚到者")
    session.add(Membership(branch=site["branch"], person=late, joined_on=dt.date(2026, 6, 8)))
    session.flush()
    # The page still showed the roster of 5 June (three members) when the date became 9 June.
    shown = ",".join(sorted(str(m.person_id) for m in site["branch"].memberships[:3]))
    response = client.post("/study/new", data=form_data(site, held_on="2026-06-09", roster=shown))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The member list shown was not the list for this date." in page
    assert listed(page) == {"王磊", "林芳", "郑浩", "晚到者"}  # the right list, to check
    assert "项目驻地会议室" in page  # the form is kept
    assert session.scalar(select(StudySession)) is None
    # An empty list shown (a roster that never arrived) is refused the same way.
    assert client.post("/study/new", data=form_data(site, roster="")).status_code == 400
    # Saving the list the page now shows works.
    roster = re.search(r'name="roster" value="([^"]*)"', page).group(1)
    response = client.post("/study/new", data=form_data(site, held_on="2026-06-09", roster=roster))
    assert response.status_code == 302
    assert len(session.scalar(select(StudySession)).attendance) == 4


def test_submit_for_review_from_the_form(client, site, session):
    response = client.post("/study/new", data=form_data(site, submit_review="Submit for review"))
    assert response.status_code == 302
    study = session.scalar(select(StudySession))
    assert study.status == "submitted" and study.submitted_at is not None
    assert client.get(f"/study/{study.id}/edit").status_code == 403  # locked while under review


def test_review_return_fix_resubmit_approve_reopen(client, site, session):
    client.post("/study/new", data=form_data(site, submit_review="Submit for review"))
    study = session.scalar(select(StudySession))
    sign_in(client, site["secretary"])
    response = client.post(f"/study/{study.id}/review",
                           data={"comment": "请补充会议决议", "return": "Return", "version": str(study.version)})
    assert response.status_code == 302
    assert study.status == "returned"

    sign_in(client, site["leader"])
    assert "请补充会议决议" in client.get(f"/study/{study.id}/edit").get_data(as_text=True)
    data = form_data(site, resolutions="下周完成整改清单", version=str(study.version),
                     submit_review="Submit for review")
    data.pop("branch_id")
    assert client.post(f"/study/{study.id}/edit", data=data).status_code == 302
    assert (study.status, study.resolutions) == ("submitted", "下周完成整改清单")

    sign_in(client, site["secretary"])
    client.post(f"/study/{study.id}/review", data={"approve": "Approve", "version": str(study.version)})
    assert study.status == "reviewed"
    for user in (site["leader"], site["secretary"]):  # locked for everyone
        sign_in(client, user)
        assert client.get(f"/study/{study.id}/edit").status_code == 403
    sign_in(client, site["secretary"])
    assert client.post(f"/study/{study.id}/reopen", data={"comment": "", "version": str(study.version)}).status_code == 400
    client.post(f"/study/{study.id}/reopen", data={"comment": "日期有误", "version": str(study.version)})
    assert (study.status, study.review_comment) == ("returned", "日期有误")
    actions = session.scalars(select(HistoryEntry.action).where(
        HistoryEntry.record_type == "study_session", HistoryEntry.record_id == study.id
    ).order_by(HistoryEntry.id)).all()
    assert actions == ["create", "update", "submit", "return", "update", "submit", "approve", "reopen"]


def test_an_edit_on_a_stale_version_is_a_conflict(client, site, session, make_session):
    study = make_session(site["branch"])
    data = form_data(site, version=str(study.version), topic="新主题")
    data.pop("branch_id")
    study.place = "别处"
    session.flush()  # someone else saved meanwhile
    response = client.post(f"/study/{study.id}/edit", data=data)
    assert response.status_code == 409 and "新主题" in response.get_data(as_text=True)


def test_team_leaders_see_and_log_only_their_branches(client, site, make_session, make_branch, make_project,
                                                      make_person, make_user):
    other = make_branch(projects=[make_project(team_leader=make_person())])
    theirs = make_session(site["branch"], topic="本支部的学习")
    foreign = make_session(other, topic="别的支部的学习")
    listing = client.get("/study/").get_data(as_text=True)
    assert "本支部的学习" in listing and "别的支部的学习" not in listing
    assert client.get(f"/study/{foreign.id}").status_code == 403
    assert client.get(f"/study/new?branch_id={other.id}").status_code == 403
    response = client.post("/study/new", data=form_data(site, branch_id=str(other.id)))
    assert response.status_code == 400 and "Not a valid choice." in response.get_data(as_text=True)
    assert "别的支部的学习" not in client.get(f"/branches/{other.id}").get_data(as_text=True)
    sign_in(client, make_user("viewer"))
    listing = client.get("/study/").get_data(as_text=True)
    assert "本支部的学习" in listing and "别的支部的学习" in listing
    assert client.get(f"/study/{theirs.id}/edit").status_code == 403


def test_list_filters(client, site, make_session):
    b = site["branch"]
    make_session(b, topic="五月主题党日", held_on=dt.date(2026, 5, 8), status="reviewed")
    make_session(b, topic="六月党课", held_on=dt.date(2026, 6, 3), session_type="party_lesson")
    make_session(b, topic="六月主题党日", held_on=dt.date(2026, 6, 9), status="submitted")

    def topics(query):
        page = client.get("/study/?" + query).get_data(as_text=True)
        return {t for t in ("五月主题党日", "六月党课", "六月主题党日") if t in page}

    assert topics("month=2026-06") == {"六月党课", "六月主题党日"}
    assert topics("session_type=party_lesson") == {"六月党课"}
    assert topics("status=reviewed") == {"五月主题党日"}
    assert topics(f"branch_id={b.id}&month=2026-05") == {"五月主题党日"}
    assert topics("month=junk") == {"五月主题党日", "六月党课", "六月主题党日"}

    # the dashboard's links: a period of days, and the sessions the rules count
    assert topics("held_from=2026-05-08&held_to=2026-06-03") == {"五月主题党日", "六月党课"}
    assert topics("held_from=2026-06-04") == {"六月主题党日"}
    assert topics("status=counted") == {"五月主题党日", "六月主题党日"}  # the draft lesson does not count
    assert topics("held_to=nonsense") == {"五月主题党日", "六月党课", "六月主题党日"}


def test_the_list_counts_attendance_and_live_files(client, site, make_session, session):
    from tracker import clock
    from tracker.study.models import Attachment

    s = site
    study = make_session(s["branch"], topic="点名的学习", attendance=[
        (s["lin"], "present", ""), (s["zheng"], "absent", "出差"), (s["leader_person"], "present", "")])
    for n, deleted in enumerate([None, None, clock.now()]):
        session.add(Attachment(session_id=study.id, key=f"k{n}", filename=f"f{n}.pdf", content_type="application/pdf",
                               size=1, created_at=clock.now(), deleted_at=deleted))
    session.flush()
    row = client.get("/study/").get_data(as_text=True).split("点名的学习", 1)[1].split("</tr>", 1)[0]
    assert "<td>2 / 3</td>" in row and "<td>2</td>" in row  # the removed file is not counted


def test_list_query_count_does_not_grow(client, site, make_session, make_branch, make_project, count_queries,
                                        make_user, attachment_store):
    sign_in(client, make_user("secretary"))

    def cost():
        with count_queries() as counter:
            assert client.get("/study/").status_code == 200
        return counter.count

    make_session(site["branch"])
    few = cost()
    for n in range(12):
        branch = make_branch(projects=[make_project()], members=[site["lin"]])
        make_session(branch, topic=f"学习{n}")
    assert cost() == few


def test_for_branches_answers_many_in_two_queries(site, make_session, make_branch, make_project, count_queries):
    b = site["branch"]
    make_session(b, held_on=dt.date(2026, 5, 8), status="reviewed")
    make_session(b, held_on=dt.date(2026, 6, 5), status="draft")  # drafts do not count
    make_session(b, held_on=dt.date(2026, 6, 6), status="returned")  # nor returned ones
    others = [make_branch(projects=[make_project()]).id for _ in range(5)]
    with count_queries() as counter:
        result = rules.for_branches([b.id, *others], TODAY)
    assert counter.count == 2
    months = {d.first.month: d.state for d in result[b.id].of("theme_party_day")}
    assert months == {5: "done", 6: "overdue"}
    make_session(b, held_on=dt.date(2026, 6, 12), status="submitted")
    months = {d.first.month: d.state for d in rules.for_branches([b.id], TODAY)[b.id].of("theme_party_day")}
    assert months[6] == "done_late"


def test_branch_page_shows_months_and_person_page_the_rate(client, site, make_session):
    b, lin = site["branch"], site["lin"]
    make_session(b, held_on=dt.date(2026, 5, 9), status="reviewed")
    make_session(b, held_on=dt.date(2026, 6, 2), status="submitted", session_type="party_lesson",
                 attendance=[(lin, "absent", "出差")])
    make_session(b, held_on=dt.date(2026, 6, 3), status="draft")
    page = client.get(f"/branches/{b.id}").get_data(as_text=True)
    theme = re.search(r'id="rule-theme_party_day".*?</table>', page, re.S).group(0)
    assert re.search(r'data-period="2026-05">(?:(?!</tr>).)*Done<', theme, re.S)
    assert re.search(r'data-period="2026-06">(?:(?!</tr>).)*Overdue<', theme, re.S)
    assert "Log a study session" in page
    person = client.get(f"/people/{lin.id}").get_data(as_text=True)
    assert "Attendance rate: 50% (present at 1 of 2 sessions submitted or reviewed)" in person
    assert "出差" in person


def test_logging_from_the_branch_page_preselects_the_type_owed_now(client, site, make_session):
    b = site["branch"]

    def link_and_form():
        page = client.get(f"/branches/{b.id}").get_data(as_text=True)
        href = re.search(r'href="(/study/new\?[^"]*)">Log a study session', page).group(1).replace("&amp;", "&")
        form = client.get(href).get_data(as_text=True)
        return href, re.search(r'<option selected value="([a-z_]*)"', form).group(1)

    href, chosen = link_and_form()
    assert "session_type=theme_party_day" in href and chosen == "theme_party_day"  # June's is owed
    make_session(b, held_on=dt.date(2026, 6, 3), status="submitted")  # June's theme party day held
    href, chosen = link_and_form()
    assert chosen != "theme_party_day" and f"session_type={chosen}" in href


def test_delete_and_undelete(client, site, make_session, make_user, session):
    study = make_session(site["branch"])
    ask = client.post(f"/study/{study.id}/delete")  # first it asks, without needing a script
    assert ask.status_code == 200 and "Delete 学习党章?" in ask.get_data(as_text=True)
    assert study.deleted_at is None
    assert client.post(f"/study/{study.id}/delete", data={"confirmed": "yes"}).status_code == 302
    assert client.get(f"/study/{study.id}").status_code == 404
    sign_in(client, make_user("admin"))
    assert client.post(f"/study/{study.id}/undelete").status_code == 302
    assert study.deleted_at is None
