"""The author takes a submitted record back before review; one message per action."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in
from tests.test_history_display import history_text
from tests.test_study import form_data, site  # noqa: F401
from tracker.history.models import HistoryEntry
from tracker.study.models import StudySession


def flashes(client) -> list[str]:
    with client.session_transaction() as s:
        return [text for _, text in s.get("_flashes", [])]


def test_the_author_withdraws_a_submitted_session(client, site, session, make_user):  # noqa: F811
    response = client.post("/study/new", data=form_data(site, submit_review="Submit for review"))
    assert response.status_code == 302
    assert flashes(client) == ["Submitted for review."]  # not "Saved." as well
    study = session.scalar(select(StudySession))
    page = client.get(f"/study/{study.id}").get_data(as_text=True)
    assert f'action="/study/{study.id}/withdraw"' in page

    assert client.post(f"/study/{study.id}/withdraw").status_code == 302
    assert study.status == "draft"
    step = session.scalar(select(HistoryEntry).where(HistoryEntry.record_id == study.id,
                                                     HistoryEntry.action == "withdraw"))
    assert step.changes == {"status": ["submitted", "draft"]}
    page = client.get(f"/study/{study.id}").get_data(as_text=True)
    assert "Withdrawn. The record is a draft again" in page
    assert "withdrawn by the author" in page and "Status: Submitted → Draft" in history_text(page)
    assert client.post(f"/study/{study.id}/withdraw").status_code == 403  # a draft: nothing to take back

    # Someone else (the secretary) cannot withdraw it; once reviewed, neither can the author.
    client.post(f"/study/{study.id}/submit")
    secretary = site["secretary"]
    sign_in(client, secretary)
    page = client.get(f"/study/{study.id}").get_data(as_text=True)
    assert "/withdraw" not in page
    assert client.post(f"/study/{study.id}/withdraw").status_code == 403
    client.post(f"/study/{study.id}/review", data={"approve": "Approve", "version": str(study.version)})
    sign_in(client, site["leader"])
    assert client.post(f"/study/{study.id}/withdraw").status_code == 403
    assert study.status == "reviewed"
