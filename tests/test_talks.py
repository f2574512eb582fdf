"""Recording talks: the form from a dispatch, the rules on dates and on who conducts,
the integrity checklist with its versions, and the shared review workflow."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_babel import refresh
from sqlalchemy import select

from tests.conftest import TODAY, sign_in
from tracker.history.models import HistoryEntry
from tracker.talks.models import IntegrityItem, IntegrityListVersion, Talk

days = dt.timedelta


@pytest.fixture
def scene(make_person, make_project, make_branch, make_dispatch, make_user):
    """A team: leader (branch secretary, with a team-leader account), deputy, member
    dispatched from 5 days ago until 10 days ago... see dates below; a bureau secretary."""
    leader = make_person("王磊")
    deputy = make_person("副书记")
    member = make_person("林芳")
    outsider = make_person("局外人")
    bureau = make_person("陈静")
    project = make_project(team_leader=leader)
    branch = make_branch(projects=[project], members=[(leader, "secretary"), (deputy, "deputy_secretary"), member])
    dispatch = make_dispatch(member, project, departure_date=TODAY - days(20), return_date=TODAY - days(2))
    return {
        "leader": leader, "deputy": deputy, "member": member, "outsider": outsider, "project": project,
        "branch": branch, "dispatch": dispatch,
        "secretary": make_user("secretary", person=bureau),
        "leader_user": make_user("team-leader", person=leader),
    }


def form_data(scene, **changes):
    d = scene["dispatch"]
    data = {
        "talk_type": "pre_dispatch", "dispatch_id": d.id, "person_id": d.person_id,
        "talk_date": (d.departure_date - days(1)).isoformat(), "place": "局会议室",
        "conducted_by_id": scene["leader"].id, "talk_form": "in_person",
        "key_points": "讲清八不准、四严禁", "concerns": "", "follow_up": "", "follow_up_due": "",
        "recorder_id": "", "version": "",
    }
    data.update(changes)
    return data


def errors_of(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-errors">(.*?)</div>\s*</div>', page, re.S)
    return found.group(1) if found else ""


def test_the_form_from_a_dispatch_is_prefilled(client, scene):
    sign_in(client, scene["secretary"])
    d = scene["dispatch"]
    page = client.get(f"/talks/new?dispatch_id={d.id}&talk_type=post_dispatch").get_data(as_text=True)
    assert re.search(r'<option selected value="post_dispatch">', page)
    assert re.search(rf'<option selected value="{d.id}">', page)
    assert re.search(rf'<option selected value="{d.person_id}">林芳', page)


def test_a_pre_dispatch_talk_is_saved_with_its_checklist(client, scene, session):
    sign_in(client, scene["secretary"])
    items = session.scalars(select(IntegrityItem).order_by(IntegrityItem.list_code, IntegrityItem.position)).all()
    response = client.post("/talks/new", data=form_data(scene, integrity_item_ids=[items[0].id, items[5].id]))
    assert response.status_code == 302, response.get_data(as_text=True)
    talk = session.scalar(select(Talk).order_by(Talk.id.desc()))
    assert talk.status == "draft" and talk.author_id == scene["secretary"].id
    assert talk.integrity_version.label == "2018"
    assert {i.id for i in talk.integrity_items} == {items[0].id, items[5].id}
    entry = session.scalar(select(HistoryEntry).where(HistoryEntry.record_type == "talk", HistoryEntry.record_id == talk.id))
    assert entry.action == "create" and len(entry.changes["integrity_items"][1]) == 2


@pytest.mark.parametrize("changes, field, message", [
    ({"talk_date": (TODAY - days(19)).isoformat()}, "late_reason",
     "The talk was held after the departure date"),
    ({"talk_type": "post_dispatch", "talk_date": (TODAY - days(3)).isoformat()}, "talk_date",
     "A post-dispatch talk must be held on or after the return date"),
    ({"talk_type": "other", "dispatch_id": "", "talk_date": (TODAY + days(1)).isoformat()}, "talk_date",
     "A talk cannot be dated in the future."),
    ({"talk_type": "post_dispatch", "dispatch_id": ""}, "dispatch_id", "Choose the dispatch this talk belongs to."),
    ({"person_id": "OUTSIDER"}, "person_id", "The talk of a dispatch is held with the person dispatched"),
    ({"conducted_by_id": "OUTSIDER"}, "conducted_by_id", "secretary or deputy secretary of the member"),
    ({"talk_date": "2026-02-30"}, "talk_date", "Enter a date as YYYY-MM-DD."),
    ({"follow_up_due": TODAY.isoformat()}, "follow_up_due", "Say what the follow-up is"),
    ({"follow_up": "回访", "follow_up_due": (TODAY - days(30)).isoformat()}, "follow_up_due",
     "The follow-up cannot be due before the talk."),
    ({"key_points": ""}, "key_points", "This field is required."),
])
def test_refused_talks_say_why_next_to_the_field(client, scene, session, changes, field, message):
    sign_in(client, scene["secretary"])
    changes = {k: (scene["outsider"].id if v == "OUTSIDER" else v) for k, v in changes.items()}
    before = session.scalar(select(Talk.id).order_by(Talk.id.desc()))
    response = client.post("/talks/new", data=form_data(scene, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in errors_of(page, field), page
    assert "讲清八不准" in page or field == "key_points"  # what was typed comes back
    assert session.scalar(select(Talk.id).order_by(Talk.id.desc())) == before


def test_a_late_pre_dispatch_talk_is_recorded_with_its_reason_and_done_late(client, scene, session):
    from tracker.due.engine import DueFilters, due_items

    sign_in(client, scene["secretary"])
    d = scene["dispatch"]
    late = form_data(scene, talk_date=(d.departure_date + days(2)).isoformat(), late_reason="组长出差，返回后补谈")
    response = client.post("/talks/new", data=late)
    assert response.status_code == 302, response.get_data(as_text=True)
    talk = session.scalar(select(Talk).order_by(Talk.id.desc()))
    assert talk.late_reason == "组长出差，返回后补谈"
    page = client.get(f"/talks/{talk.id}").get_data(as_text=True)
    assert "Done late" in page and "组长出差，返回后补谈" in page
    item = next(i for i in due_items(DueFilters(dispatch_id=d.id)) if i.kind == "pre_talk")
    assert (item.state, item.talk_id) == ("done_late", talk.id)
    # Editing it later works, and the reason cannot be emptied while the talk is late.
    edit = {**late, "version": str(talk.version), "place": "线上"}
    assert client.post(f"/talks/{talk.id}/edit", data=edit).status_code == 302
    assert talk.place == "线上"
    response = client.post(f"/talks/{talk.id}/edit", data={**edit, "version": str(talk.version), "late_reason": ""})
    assert response.status_code == 400
    assert "Say why it was late." in errors_of(response.get_data(as_text=True), "late_reason")
    # In time, no reason is kept.
    assert client.post(f"/talks/{talk.id}/edit", data={
        **edit, "version": str(talk.version), "talk_date": d.departure_date.isoformat()}).status_code == 302
    assert talk.late_reason == ""


def test_a_talk_on_the_departure_day_and_on_the_return_day_is_accepted(client, scene):
    sign_in(client, scene["secretary"])
    d = scene["dispatch"]
    assert client.post("/talks/new", data=form_data(scene, talk_date=d.departure_date.isoformat())).status_code == 302
    post = form_data(scene, talk_type="post_dispatch", talk_date=d.return_date.isoformat())
    assert client.post("/talks/new", data=post).status_code == 302


@pytest.mark.parametrize("who, allowed", [
    ("leader", True),    # secretary of the branch serving the project
    ("deputy", True),    # its deputy secretary
    ("bureau", True),    # a person whose account has the secretary role
    ("member", False),   # an ordinary member
])
def test_who_may_conduct_a_talk(client, scene, who, allowed):
    sign_in(client, scene["secretary"])
    person_id = scene["secretary"].person_id if who == "bureau" else scene[who].id
    response = client.post("/talks/new", data=form_data(scene, conducted_by_id=person_id))
    assert (response.status_code == 302) is allowed


def test_a_secretary_who_left_the_branch_before_the_talk_may_not_conduct_it(client, scene, session):
    secretary = next(m for m in scene["branch"].memberships if m.role == "secretary")
    secretary.left_on = scene["dispatch"].departure_date - days(10)
    session.flush()
    sign_in(client, scene["secretary"])
    response = client.post("/talks/new", data=form_data(scene))
    assert "secretary or deputy secretary" in errors_of(response.get_data(as_text=True), "conducted_by_id")


def test_a_team_leader_records_talks_of_their_own_team_only(client, scene, make_project, make_dispatch, make_person):
    sign_in(client, scene["leader_user"])
    assert client.post("/talks/new", data=form_data(scene)).status_code == 302
    foreign = make_dispatch(make_person(), make_project())
    data = form_data(scene, dispatch_id=foreign.id, person_id=foreign.person_id)
    assert client.post("/talks/new", data=data).status_code == 403


def test_the_checklist_speaks_the_users_language(client, scene):
    sign_in(client, scene["secretary"])
    url = f"/talks/new?dispatch_id={scene['dispatch'].id}&talk_type=pre_dispatch"
    page = client.get(url).get_data(as_text=True)
    assert "No expenses paid or subsidised by the audited entity." in page
    assert re.search(r'<input class="form-check-input" type="checkbox" name="integrity_item_ids" id="item-\d+"', page)
    client.post("/language", data={"lang": "zh", "next": "/"})
    refresh()  # the tests share one app context, where Flask-Babel caches the locale
    page = client.get(url).get_data(as_text=True)
    assert "不准由被审计单位和个人报销或补贴住宿" in page


def test_an_old_talk_keeps_its_list_version(client, scene, session):
    sign_in(client, scene["secretary"])
    old_item = session.scalar(select(IntegrityItem).where(IntegrityItem.position == 1))
    assert client.post("/talks/new", data=form_data(scene, integrity_item_ids=[old_item.id])).status_code == 302
    old_talk = session.scalar(select(Talk).order_by(Talk.id.desc()))
    new = IntegrityListVersion(label="2026", effective_from=TODAY - days(1))
    new.items = [IntegrityItem(list_code="eight_prohibitions", position=1, text_zh="新的第一条", text_en="A new first rule")]
    session.add(new)
    session.flush()
    # a new talk dated after the new version uses it; the old talk still shows its own list
    later = form_data(scene, talk_type="post_dispatch", talk_date=TODAY.isoformat())
    page = client.get(f"/talks/new?dispatch_id={scene['dispatch'].id}&talk_type=pre_dispatch").get_data(as_text=True)
    assert "A new first rule" in page and "No expenses paid" not in page
    assert client.post("/talks/new", data=later).status_code == 302
    assert session.scalar(select(Talk).order_by(Talk.id.desc())).integrity_version_id == new.id
    detail = client.get(f"/talks/{old_talk.id}").get_data(as_text=True)
    assert "No expenses paid" in detail and "A new first rule" not in detail
    # and editing it offers the old list, not the new one
    edit = client.get(f"/talks/{old_talk.id}/edit").get_data(as_text=True)
    assert "No expenses paid" in edit and f'value="{old_item.id}" checked' in edit


def test_items_of_another_version_are_refused(client, scene, session):
    other = IntegrityListVersion(label="未来", effective_from=TODAY + days(300))
    other.items = [IntegrityItem(list_code="four_bans", position=1, text_zh="未来条款")]
    session.add(other)
    session.flush()
    sign_in(client, scene["secretary"])
    response = client.post("/talks/new", data=form_data(scene, integrity_item_ids=[other.items[0].id]))
    assert response.status_code == 400


def test_review_submit_approve_lock_reopen_return(client, scene, session, make_user):
    sign_in(client, scene["leader_user"])
    assert client.post("/talks/new", data=form_data(scene)).status_code == 302
    talk = session.scalar(select(Talk).order_by(Talk.id.desc()))
    assert client.post(f"/talks/{talk.id}/submit").status_code == 302
    assert talk.status == "submitted"
    assert client.get(f"/talks/{talk.id}/edit").status_code == 403  # locked in review

    reviewer = make_user("secretary")
    sign_in(client, reviewer)
    version = str(talk.version)
    response = client.post(f"/talks/{talk.id}/review", data={"version": version, "comment": "", "return": "Return"})
    assert response.status_code == 400  # returning needs a comment
    response = client.post(f"/talks/{talk.id}/review", data={"version": version, "comment": "", "approve": "Approve"})
    assert response.status_code == 302 and talk.status == "reviewed"
    assert client.get(f"/talks/{talk.id}/edit").status_code == 403

    response = client.post(f"/talks/{talk.id}/reopen", data={"version": str(talk.version), "comment": "日期有误"})
    assert response.status_code == 302 and talk.status == "returned"
    sign_in(client, scene["leader_user"])
    assert client.get(f"/talks/{talk.id}/edit").status_code == 200
    page = client.get(f"/talks/{talk.id}").get_data(as_text=True)
    assert "日期有误" in page
    actions = session.scalars(select(HistoryEntry.action).where(
        HistoryEntry.record_type == "talk", HistoryEntry.record_id == talk.id).order_by(HistoryEntry.id)).all()
    assert actions == ["create", "submit", "approve", "reopen"]


def test_editing_a_talk_checks_the_version(client, scene, make_talk, session):
    talk = make_talk(scene["member"], scene["leader"], dispatch=scene["dispatch"],
                     talk_date=scene["dispatch"].departure_date)
    sign_in(client, scene["secretary"])
    stale = form_data(scene, version=str(talk.version), key_points="第一次修改")
    assert client.post(f"/talks/{talk.id}/edit", data=stale).status_code == 302
    response = client.post(f"/talks/{talk.id}/edit", data={**stale, "key_points": "第二次修改"})
    assert response.status_code == 409
    assert session.get(Talk, talk.id).key_points == "第一次修改"


def test_the_dispatch_page_shows_states_and_the_record_buttons(client, scene, make_talk):
    sign_in(client, scene["secretary"])
    d = scene["dispatch"]
    page = client.get(f"/dispatches/{d.id}").get_data(as_text=True)
    assert "Record pre-dispatch talk" in page and "Record post-dispatch talk" in page
    assert 'class="due-row due-overdue"' in page and 'class="due-row due-due_soon"' in page
    make_talk(scene["member"], scene["leader"], dispatch=d, talk_date=d.departure_date)
    page = client.get(f"/dispatches/{d.id}").get_data(as_text=True)
    assert "Record pre-dispatch talk" not in page and "Record post-dispatch talk" in page
    assert "due-done" in page


def test_person_project_and_branch_pages_show_due_talks(client, scene):
    sign_in(client, scene["secretary"])
    for url in (f"/people/{scene['member'].id}", f"/projects/{scene['project'].id}",
                f"/branches/{scene['branch'].id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Pre-dispatch talk" in page and "due-overdue" in page, url
    project_page = client.get(f"/projects/{scene['project'].id}").get_data(as_text=True)
    assert "Mid-audit integrity check" in project_page and "due-not_yet_due" in project_page


def test_the_branch_page_lists_the_talks_still_to_hold(client, scene, make_talk):
    d = scene["dispatch"]
    make_talk(scene["member"], scene["leader"], dispatch=d, talk_date=d.departure_date)
    sign_in(client, scene["secretary"])
    page = client.get(f"/branches/{scene['branch'].id}").get_data(as_text=True)
    assert "due-row due-overdue" in page or "due-row due-due_soon" in page  # the post-dispatch talk
    assert "due-row due-done" not in page  # the pre-dispatch talk held: under "Talks held"
    assert "due-row due-done" in client.get(f"/dispatches/{d.id}").get_data(as_text=True)


def test_the_branch_page_shows_the_newest_talks_and_links_to_all(client, scene, make_talk):
    from tracker.due.panels import BRANCH_TALKS

    for n in range(BRANCH_TALKS + 1):
        make_talk(scene["member"], scene["leader"], talk_type="integrity_reminder", dispatch=scene["dispatch"],
                  talk_date=TODAY - days(n))
    sign_in(client, scene["secretary"])
    page = client.get(f"/branches/{scene['branch'].id}").get_data(as_text=True)
    held = page.split("Talks held", 1)[1]
    assert held.count('href="/talks/') - held.count('href="/talks/?') == BRANCH_TALKS
    assert f'href="/talks/?branch_id={scene["branch"].id}"' in held


def test_the_talk_list_filters(client, scene, make_talk):
    make_talk(scene["member"], scene["leader"], dispatch=scene["dispatch"],
              talk_date=scene["dispatch"].departure_date)
    make_talk(scene["outsider"], scene["leader"], talk_type="other", talk_date=TODAY)
    sign_in(client, scene["secretary"])
    page = client.get("/talks/?talk_type=pre_dispatch").get_data(as_text=True)
    assert "林芳" in page and "局外人" not in page
    page = client.get("/talks/?q=局外").get_data(as_text=True)
    assert "局外人" in page and "林芳" not in page


def test_the_talk_list_pages_the_newest_first(app, client, scene, make_talk, make_person, count_queries):
    """Each page holds its talks newest first (a day's by the latest recorded), named; a page
    past the end is empty and asks for no rows. A search finds a talk by its person's name or
    by what was said."""
    size = app.config["PAGE_SIZE"]
    conductor = make_person("谈话人甲")
    talks = [make_talk(scene["outsider"], conductor, talk_type="other", talk_date=TODAY - dt.timedelta(days=i // 2))
             for i in range(size + 3)]
    said = make_talk(scene["member"], conductor, talk_type="other", talk_date=TODAY - dt.timedelta(days=400),
                     key_points="提醒保密纪律")
    sign_in(client, scene["secretary"])
    expected = [t.id for t in sorted([*talks, said], key=lambda t: (t.talk_date, t.id), reverse=True)]

    def listed(url):
        return [int(i) for i in re.findall(r'href="/talks/(\d+)"', client.get(url).get_data(as_text=True))]

    assert listed("/talks/") == expected[:size]
    assert listed("/talks/?page=2") == expected[size:]
    first = client.get("/talks/").get_data(as_text=True)
    assert "局外人" in first and "谈话人甲" in first
    with count_queries() as counter:
        past = client.get("/talks/?page=9").get_data(as_text=True)
    assert "Nothing found." in past and not any("talked_with" in s for s in counter.statements)
    assert listed("/talks/?q=保密") == [said.id]
    assert listed("/talks/?q=局外") == expected[:size] and said.id not in listed("/talks/?q=局外&page=2")


def test_the_talk_list_filters_by_branch(client, scene, make_talk, make_person, make_project, make_branch,
                                         make_dispatch):
    """The dashboard links "talks waiting for review" of one branch to this filter."""
    other_project = make_project()
    other_branch = make_branch(projects=[other_project])
    stranger = make_person("别队的人")
    make_talk(scene["member"], scene["leader"], dispatch=scene["dispatch"], talk_date=scene["dispatch"].departure_date)
    theirs = make_dispatch(stranger, other_project)
    make_talk(stranger, scene["leader"], dispatch=theirs, talk_date=theirs.departure_date)
    make_talk(scene["outsider"], scene["leader"], talk_type="other", talk_date=TODAY)  # no dispatch, no branch
    sign_in(client, scene["secretary"])
    page = client.get(f"/talks/?branch_id={scene['branch'].id}").get_data(as_text=True)
    assert "林芳" in page and "别队的人" not in page and "局外人" not in page
    page = client.get(f"/talks/?branch_id={other_branch.id}").get_data(as_text=True)
    assert "别队的人" in page and "林芳" not in page


def test_a_new_list_version_is_added_from_the_command_line(app, session, tmp_path, client, signed_in):
    import json

    source = tmp_path / "lists.json"
    source.write_text(json.dumps({
        "label": "2027", "effective_from": "2026-06-01",
        "lists": {"eight_prohibitions": [{"zh": "不准甲", "en": "No A"}, {"zh": "不准乙"}],
                  "four_bans": [{"zh": "严禁丙", "en": "No C"}]},
    }), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["talks", "add-integrity-list", str(source)])
    assert result.exit_code == 0, result.output
    assert "added version 2027 with 3 items" in result.output
    signed_in("viewer")
    page = client.get("/talks/integrity-lists").get_data(as_text=True)
    assert "Version 2027" in page and "No A" in page and "不准乙" in page and "Version 2018" in page
    again = app.test_cli_runner().invoke(args=["talks", "add-integrity-list", str(source)])
    assert again.exit_code != 0 and "exists already" in again.output
