"""A branch with a year's worth of records, as the ledger shows them (listed in conftest)."""
from __future__ import annotations

import datetime as dt
import io

import pytest


@pytest.fixture
def ledger_site(make_person, make_project, make_branch, make_dispatch, make_session, make_talk, make_user):
    """An active branch (approved 1 Feb 2026) of a project led by 王磊, with:

    - members 王磊 (secretary), 林芳, 郑浩;
    - a reviewed theme party day in June with 林芳 on sick leave (病假);
    - a submitted party lesson in May; a draft and a returned session (never in the ledger);
    - a session of 2025 (outside this year);
    - a reviewed pre-dispatch talk with 郑浩 and a draft talk;
    - an integrity reminder without a dispatch, with 林芳.
    """
    wang = make_person("王磊", post="审计组长")
    lin = make_person("林芳", post="审计员")
    zheng = make_person("郑浩", post="主审")
    project = make_project(code="SJ-2026-07", name="邻区财政预算执行交叉审计", team_leader=wang,
                           start_date=dt.date(2026, 2, 1), end_date=dt.date(2026, 8, 31))
    branch = make_branch(name="邻区财政预算执行交叉审计临时党支部", projects=[project],
                         members=[(wang, "secretary"), lin, zheng], approval_date=dt.date(2026, 2, 1))
    theme = make_session(branch, status="reviewed", held_on=dt.date(2026, 6, 5), topic="学习新修订的纪律处分条例",
                         host="王磊", recorder="郑浩", speaker="王磊", content="一、传达学习\n二、交流发言",
                         resolutions="每人撰写心得", guests="机关党委 张书记（指导）",
                         attendance=[(wang, "present", ""), (lin, "leave", "病假"), (zheng, "present", "")])
    lesson = make_session(branch, status="submitted", session_type="party_lesson", held_on=dt.date(2026, 5, 20),
                          topic="审计人员的初心使命", speaker="王磊")
    draft = make_session(branch, status="draft", held_on=dt.date(2026, 6, 12), topic="草稿中的会议")
    returned = make_session(branch, status="returned", held_on=dt.date(2026, 4, 12), topic="被退回的会议")
    old = make_session(branch, status="reviewed", held_on=dt.date(2025, 12, 5), topic="去年的会议")
    dispatch = make_dispatch(zheng, project)
    talk = make_talk(zheng, wang, dispatch=dispatch, status="reviewed", place="项目驻地",
                     key_points="讲清八不准和四严禁的要求", concerns="家中老人需要照顾", follow_up="协调轮休",
                     recorder=lin)
    draft_talk = make_talk(lin, wang, dispatch=make_dispatch(lin, project), key_points="草稿谈话")
    reminder = make_talk(lin, wang, talk_type="integrity_reminder", talk_date=dt.date(2026, 3, 3),
                         status="reviewed", key_points="节前廉政提醒")
    leader = make_user("team-leader", person=wang)
    return {
        "branch": branch, "project": project, "wang": wang, "lin": lin, "zheng": zheng,
        "theme": theme, "lesson": lesson, "draft": draft, "returned": returned, "old": old,
        "talk": talk, "draft_talk": draft_talk, "reminder": reminder, "leader": leader,
    }


def open_workbook(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def open_document(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


def document_text(document) -> str:
    """Every paragraph and table cell of a Word document, one per line."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)
