"""Access decisions for the study session endpoints.

Viewers, secretaries and admins read every session; a team leader reads and logs only the
sessions of the branches of projects they lead ("other_leader" is refused)."""
from __future__ import annotations

from tests.access_effects import deleted, status, undeleted
from tests.fixtures_study import png_bytes
from tracker import clock
from tracker.study.models import Attachment, StudySession
from tracker.study.storage import get_store

READERS = {"viewer", "leader", "secretary", "admin"}
OFFICE = {"secretary", "admin"}
OFFICE_AND_LEADER = {"secretary", "admin", "leader"}
ADMIN = {"admin"}

ROWS = {
    "study.index": ("GET", "/study/", {"viewer", "leader", "other_leader", "secretary", "admin"}),
    "study.create": ("GET", "/study/new?branch_id={branch}", OFFICE_AND_LEADER),
    "study.roster": ("GET", "/study/roster?branch_id={branch}&held_on=2026-06-01", OFFICE_AND_LEADER),
    # a member of the branch that day is sent on to their own page of it (tracker/members)
    "study.detail": ("GET", "/study/{study_draft}", READERS | {"member"}),
    "study.edit": ("GET", "/study/{study_draft}/edit", OFFICE_AND_LEADER),
    "study.submit": ("POST", "/study/{study_draft}/submit", OFFICE_AND_LEADER),
    "study.review": ("GET", "/study/{study_submitted}/review", OFFICE),
    "study.reopen": ("GET", "/study/{study_reviewed}/reopen", OFFICE),
    # only the author, here the team leader
    "study.withdraw": ("POST", "/study/{study_submitted}/withdraw", {"leader"}),
    "study.delete": ("POST", "/study/{study_draft}/delete", OFFICE_AND_LEADER),
    "study.undelete": ("POST", "/study/{study_deleted}/undelete", ADMIN),
    "study.download": ("GET", "/study/attachments/{attachment}", READERS),
    "study.thumbnail": ("GET", "/study/attachments/{attachment}/thumbnail", READERS),
    "study.remove_attachment": ("POST", "/study/attachments/{attachment}/remove", OFFICE_AND_LEADER),
}

EFFECTS = {
    "study.submit": status(StudySession, "study_draft", "draft", "submitted"),
    "study.withdraw": status(StudySession, "study_submitted", "submitted", "draft"),
    "study.delete": deleted(StudySession, "study_draft"),
    "study.undelete": undeleted(StudySession, "study_deleted"),
    # taken off the session (the file stays in the store, named in the history)
    "study.remove_attachment": deleted(Attachment, "attachment"),
}


def ids(world, getfixture) -> dict:
    make_session = getfixture("make_session")
    db_session = getfixture("session")
    branch = world["branch"]
    draft = make_session(branch)
    submitted = make_session(branch, status="submitted", author_id=world["users"]["leader"].id)
    reviewed = make_session(branch, status="reviewed")
    gone = make_session(branch, deleted_at=clock.now())
    store = get_store()
    attachment = Attachment(
        session_id=draft.id, key=store.save(png_bytes(), ".png"), thumbnail_key=store.save(png_bytes((40, 30)), ".jpg"),
        filename="photo.png", content_type="image/png", size=100, created_at=clock.now(),
    )
    db_session.add(attachment)
    db_session.flush()
    return {
        "study_draft": draft.id,
        "study_submitted": submitted.id,
        "study_reviewed": reviewed.id,
        "study_deleted": gone.id,
        "attachment": attachment.id,
    }
