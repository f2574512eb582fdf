"""Points follow the reviewed records: hypothesis drives sequences of create, edit, submit,
approve, return, reopen, delete and restore of sessions and talks through the real services,
and after every step the card and the bureau table must equal a plain model's count."""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

import pytest
from flask_login import login_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import records
from tracker.points import cards, derive, ranking
from tracker.points import scheme as schemes
from tracker.review import services as review
from tracker.study import services as study
from tracker.study.forms import AttendanceRow
from tracker.talks.models import Talk

DEFAULT = json.loads(schemes.DEFAULT_FILE.read_text(encoding="utf-8"))
FIRST_DAY = dt.date(2026, 5, 20)


def expected_points(model: dict, person: int) -> int:
    """The card total computed from the model with the default scheme, independently of derive."""
    items = [i for c in DEFAULT["categories"] for i in c["items"]]

    def item_for(source, kind):
        for i in items:
            if i["source"] == source and (not i.get("record_types") or kind in i["record_types"]):
                return i
        return None

    counts: dict[str, int] = {}
    for s in model["sessions"].values():
        if s["status"] != "reviewed" or s["deleted"]:
            continue
        status = s["attendance"].get(person)
        source = {"present": "session_present", "absent": "session_absent"}.get(status)
        if source and (i := item_for(source, s["type"])):
            counts[i["code"]] = counts.get(i["code"], 0) + 1
        if s["speaker"] == person and person in s["attendance"] and (i := item_for("lesson_speaker", s["type"])):
            counts[i["code"]] = counts.get(i["code"], 0) + 1
    for t in model["talks"].values():
        if t["status"] != "reviewed" or t["deleted"]:
            continue
        for source, who in (("talk_held", t["by"]), ("talk_attended", t["with"])):
            if who == person and (i := item_for(source, t["type"])):
                counts[i["code"]] = counts.get(i["code"], 0) + 1
    total = DEFAULT["base_score"]
    for code, n in counts.items():
        i = next(x for x in items if x["code"] == code)
        raw = i["points"] * n
        cap = i.get("yearly_cap")
        total += max(-cap, min(cap, raw)) if cap else raw
    return total


SESSION_TYPES = st.sampled_from(["theme_party_day", "party_lesson", "micro_party_lesson", "branch_meeting",
                                 "group_study"])
ATTENDANCE = st.sampled_from(["present", "leave", "absent"])
STEPS = st.sampled_from(["submit", "approve", "return", "reopen", "delete", "restore", "edit"])
operation = st.one_of(
    st.tuples(st.just("session"), SESSION_TYPES, st.integers(0, 2), ATTENDANCE, ATTENDANCE, st.integers(0, 20)),
    st.tuples(st.just("talk"), st.sampled_from(["pre_dispatch", "integrity_reminder", "other"]), st.booleans()),
    st.tuples(st.just("step"), st.booleans(), st.integers(0, 5), STEPS, ATTENDANCE, SESSION_TYPES),
)


@pytest.fixture
def team(app, make_person, make_branch, make_user):
    a, b = make_person("甲党员"), make_person("乙党员")
    branch = make_branch(members=[a, b])
    return a, b, branch, make_user("secretary")


@contextmanager
def acting_as(app, user):
    with app.test_request_context():
        login_user(user)
        yield


def _rows(people, statuses):
    return [AttendanceRow(p.id, p.name, s, "" if s == "present" else "事假") for p, s in zip(people, statuses, strict=True)]


def _apply(op, objs, model, people, branch):
    a, b = people
    if op[0] == "session":
        _, kind, speaker, s_a, s_b, day = op
        speaker_id = (None, a.id, b.id)[speaker]
        data = {"session_type": kind, "held_on": FIRST_DAY + dt.timedelta(days=day),
                "start_time": dt.time(9), "end_time": dt.time(10), "place": "会议室", "topic": "学习",
                "speaker": {None: "", a.id: a.name, b.id: b.name}[speaker_id]}
        s = study.create_session(branch, data, _rows(people, (s_a, s_b)))
        objs.append(s)
        model["sessions"][s.id] = {"status": "draft", "deleted": False, "type": kind, "speaker": speaker_id,
                                   "attendance": {a.id: s_a, b.id: s_b}}
    elif op[0] == "talk":
        _, kind, a_talks = op
        by, with_ = (a, b) if a_talks else (b, a)
        t = records.create(Talk, {"talk_type": kind, "person_id": with_.id, "conducted_by_id": by.id,
                                  "talk_date": FIRST_DAY, "key_points": "要点"})
        objs.append(t)
        model["talks"][t.id] = {"status": "draft", "deleted": False, "type": kind, "by": by.id, "with": with_.id}
    elif objs:
        _, _, n, step, status, kind = op
        obj = objs[n % len(objs)]
        entry = model["sessions" if not isinstance(obj, Talk) else "talks"][obj.id]
        try:
            if step == "delete":
                records.soft_delete(obj)
                entry["deleted"] = True
            elif step == "restore":
                records.restore(obj)
                entry["deleted"] = False
            elif step == "edit":
                if isinstance(obj, Talk) or obj.deleted_at is not None:
                    return
                data = {"session_type": kind, "held_on": obj.held_on, "start_time": obj.start_time,
                        "end_time": obj.end_time, "place": obj.place, "topic": obj.topic, "speaker": obj.speaker}
                study.update_session(obj, data, _rows(people, (status, status)), obj.version)
                entry["type"], entry["attendance"] = kind, {a.id: status, b.id: status}
            else:
                {"submit": review.submit, "approve": review.approve,
                 "return": lambda o: review.return_to_author(o, "请补充"),
                 "reopen": lambda o: review.reopen(o, "发现错误")}[step](obj)
                entry["status"] = {"submit": "submitted", "approve": "reviewed", "return": "returned",
                                   "reopen": "returned"}[step]
        except records.Invalid:
            pass  # a step not allowed from this state changes nothing, in the app and the model


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_the_card_follows_the_reviewed_records(app, session, team, ops):
    a, b, branch, secretary = team
    nested = session.begin_nested()
    try:
        with acting_as(app, secretary):
            objs, model = [], {"sessions": {}, "talks": {}}
            valuer = derive.Valuer(schemes.governing(2026))
            for op in ops:
                _apply(op, objs, model, (a, b), branch)
                session.flush()
                for person in (a, b):
                    card = cards.build(person, 2026, valuer)
                    assert card.total == expected_points(model, person.id), (op, model)
                rows = {r.person_id: r.total for r in ranking.table(secretary, 2026, valuer)}
                assert rows[a.id] == cards.build(a, 2026, valuer).total
                assert rows[b.id] == cards.build(b, 2026, valuer).total
    finally:
        nested.rollback()
        session.expire_all()
