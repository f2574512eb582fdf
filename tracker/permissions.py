"""Every permission decision, in one place. Views ask these; templates ask the same
ones (as `perm.…`) to decide which buttons to show.

Rules: viewers read everything and change nothing; secretaries and admins
edit everything; team leaders edit the projects they lead and those projects'
branches, memberships and dispatches; account management is admin only.
"""
from __future__ import annotations

from tracker import records

# Who may READ what (predicates and query filters, the team rule) lives in tracker.access;
# re-exported here so views and templates ask one module.
from tracker.access import (  # noqa: F401
    can_read,
    can_read_branch,
    can_read_branch_sessions,
    can_read_dispatch,
    can_read_ledger,
    can_read_person,
    can_read_points_card,
    can_read_project,
    can_read_session,
    can_read_session_files,
    can_read_talk,
    can_read_talk_contents,
    is_member_only,
    is_office,
    leads,
    leads_branch,
    points_people,
    sees_everything,
)


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def _has(user, *roles: str) -> bool:
    return _signed_in(user) and user.has_role(*roles)


# People ------------------------------------------------------------------------------
def can_create_person(user) -> bool:
    # Team leaders register borrowed and externally hired team members themselves.
    return _has(user, "admin", "secretary", "team-leader")


def can_edit_person(user, person) -> bool:
    return is_office(user)


# Projects ----------------------------------------------------------------------------
def can_create_project(user) -> bool:
    return is_office(user)


def can_edit_project(user, project) -> bool:
    return is_office(user) or leads(user, project)


def can_delete_project(user, project) -> bool:
    return is_office(user)


# Branches ----------------------------------------------------------------------------
def can_create_branch(user) -> bool:
    return _has(user, "admin", "secretary", "team-leader")


def can_edit_branch(user, branch) -> bool:
    return is_office(user) or leads_branch(user, branch)


def can_approve_branch(user, branch) -> bool:
    return is_office(user) and branch.status == "proposed"


def can_dissolve_branch(user, branch) -> bool:
    return can_edit_branch(user, branch) and branch.status == "active"


def can_delete_branch(user, branch) -> bool:
    return is_office(user)


# Deleting what approved records depend on ---------------------------------------------
def may_withdraw(user, obj) -> bool:
    """A record that submitted or reviewed records depend on (tracker.records) is deleted
    by the office only, with a reason; a team leader may delete it only when nothing does."""
    return is_office(user) or not records.approved_dependents(obj)


def can_delete_member(user, membership) -> bool:
    return can_edit_branch(user, membership.branch) and may_withdraw(user, membership)


def deletable_members(user, branch, ids) -> frozenset[int]:
    """Which of `ids` (memberships of `branch`) `can_delete_member` allows, for a page that
    lists them as rows: for a team leader, those without approved dependents, asked of all
    of them in one query (records.with_approved_dependents), not one per member."""
    if not can_edit_branch(user, branch):
        return frozenset()
    if is_office(user):
        return frozenset(ids)
    return frozenset(ids) - records.with_approved_dependents("membership", ids)


# Dispatches --------------------------------------------------------------------------
def can_create_dispatch(user) -> bool:
    return _has(user, "admin", "secretary", "team-leader")


def can_dispatch_to(user, project) -> bool:
    return can_edit_project(user, project)


def can_edit_dispatch(user, dispatch) -> bool:
    return can_edit_project(user, dispatch.project)


def can_delete_dispatch(user, dispatch) -> bool:
    return can_edit_dispatch(user, dispatch) and may_withdraw(user, dispatch)


# Deleted records and accounts --------------------------------------------------------
def can_undelete(user) -> bool:
    return _has(user, "admin")


def can_manage_accounts(user) -> bool:
    return _has(user, "admin")


# Review (study sessions, talks, …) ---------------------------------------------------
def can_review(user) -> bool:
    """Approve or return submitted records, and reopen reviewed ones."""
    return is_office(user)


def can_review_record(user, record) -> bool:
    """Decide on this reviewable record (study session, talk, …): it waits for review."""
    return record.deleted_at is None and record.status == "submitted" and can_review(user)


def is_party_to(user, record) -> bool:
    """The user wrote the record, or (through their person) conducted it, recorded it or is
    its subject: four eyes say someone else approves it."""
    if record.author_id is not None and record.author_id == user.id:
        return True
    person_id = getattr(user, "person_id", None)
    return person_id is not None and any(
        getattr(record, column) == person_id for column in record.party_person_columns
    )


def self_approval_allowed() -> bool:
    """A bureau with a single secretary may let them approve their own records."""
    from flask import current_app

    return bool(current_app.config.get("REVIEW_ALLOW_SELF_APPROVAL"))


def can_approve_record(user, record) -> bool:
    """Approve (not only return) this record: never one's own, unless the setting allows it."""
    return can_review_record(user, record) and (not is_party_to(user, record) or self_approval_allowed())


def can_withdraw_record(user, record) -> bool:
    """Take back one's own submitted record before anyone reviewed it."""
    return (record.deleted_at is None and record.status == "submitted"
            and getattr(user, "is_authenticated", False) and record.author_id == user.id)


def can_reopen_record(user, record) -> bool:
    """Reopen this reviewed, locked record."""
    return record.deleted_at is None and record.status == "reviewed" and can_review(user)


# Study sessions ----------------------------------------------------------------------
def can_log_session(user, branch) -> bool:
    """Log a new session for this branch (it must be approved to hold one)."""
    return (
        branch.deleted_at is None
        and branch.status != "proposed"
        and can_edit_branch(user, branch)
    )


def can_log_any_session(user) -> bool:
    return _has(user, "admin", "secretary", "team-leader")


def can_edit_session(user, session) -> bool:
    """Change, submit or delete: only while a draft or returned (reviewed ones need reopening)."""
    return (
        session.deleted_at is None
        and not session.is_locked
        and can_edit_branch(user, session.branch)
    )




# Talks and what is due -----------------------------------------------------
def can_record_talk(user, dispatch=None) -> bool:
    """Secretaries and admins record any talk; a team leader those of the team they lead."""
    if dispatch is None:
        return _has(user, "admin", "secretary", "team-leader")
    return is_office(user) or leads(user, dispatch.project)


def can_edit_talk(user, talk) -> bool:
    """While a draft or returned; reviewed and submitted talks are locked."""
    if talk.is_locked:
        return False
    if is_office(user):
        return True
    if talk.dispatch is not None:
        return leads(user, talk.dispatch.project)
    return _has(user, "team-leader") and talk.author_id == user.id


def can_submit_talk(user, talk) -> bool:
    return can_edit_talk(user, talk)


# Ledger --------------------------------------------------------------------
# The ledger prints and exports a branch's sessions and talks, so whoever may read the
# branch's sessions may export it: viewers, secretaries and admins every branch, a team
# leader the branches of the projects they lead.
def can_export_ledger(user, branch) -> bool:
    return can_read_ledger(user, branch)

# The review dashboard shows everything to those who `sees_everything`, else the
# user's own projects and the branches serving them.


# Points cards: who may read them is tracker.access (points_people, can_read_points_card).
def can_enter_points(user, person=None) -> bool:
    """Record a manual points item (for this person): office, or a team leader for their people."""
    if is_office(user):
        return True
    if not _has(user, "team-leader"):
        return False
    return person is None or can_read_points_card(user, person)


def can_edit_points_entry(user, entry) -> bool:
    """Change, submit or delete while a draft or returned."""
    return entry.deleted_at is None and not entry.is_locked and can_enter_points(user, entry.person)


def can_claim_points(user) -> bool:
    """A member claims a manual item for themselves (reviewed like a leader's entry)."""
    return is_member_only(user)


def can_edit_claim(user, entry) -> bool:
    """Their own claim, while a draft or returned: change it and send it again."""
    return (can_claim_points(user) and entry.deleted_at is None and not entry.is_locked
            and entry.author_id == user.id and entry.person_id == user.person_id)


# Member accounts -----------------------------------------------------------------------
def can_issue_member_accounts(user, branch) -> bool:
    """Accounts with activation codes for a whole branch: the office."""
    return is_office(user) and branch.deleted_at is None


#: a record is answered once it is written down for review (tracker.talks.confirmation)
ANSWERABLE = ("submitted", "reviewed")


def can_answer_talk(user, talk) -> bool:
    """Confirm the record of a talk, or disagree with it: the person talked with, once."""
    return (
        bool(user and user.is_authenticated) and user.person_id is not None
        and talk.deleted_at is None and talk.person_id == user.person_id
        and talk.status in ANSWERABLE and talk.confirmation is None
    )


# Signing in to a session with its code (tracker/selfsign) --------------------------------
def can_show_sign_in_code(user, session) -> bool:
    """Show the session's sign-in code and watch who signed in: whoever may edit the session."""
    return can_edit_session(user, session)


def can_sign_in_with_code(user) -> bool:
    """Open a scanned code: an account tied to a person (tracker.selfsign.services says
    whether that person may sign in to that session, with the reason when not)."""
    return _signed_in(user) and user.person_id is not None


# Health (the load balancer's probe) ----------------------------------------------------
def can_see_health(user) -> bool:
    # Anyone, signed in or not: a load balancer cannot sign in, and the answer says only
    # whether the database, its schema and Redis answer — no record, person or address.
    return True
