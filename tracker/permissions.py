"""Every permission decision, in one place. Views ask these; templates ask the same
ones (as `perm.…`) to decide which buttons to show.

Rules (issue 2): viewers read everything and change nothing; secretaries and admins
edit everything; team leaders edit the projects they lead and those projects'
branches, memberships and dispatches; account management is admin only.
"""
from __future__ import annotations


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def _has(user, *roles: str) -> bool:
    return _signed_in(user) and user.has_role(*roles)


def is_office(user) -> bool:
    """Admins and secretaries, who may edit every record."""
    return _has(user, "admin", "secretary")


def can_read(user) -> bool:
    return _signed_in(user)


def leads(user, project) -> bool:
    """The user is a team leader and this project's team leader."""
    return (
        _has(user, "team-leader")
        and user.person_id is not None
        and project is not None
        and project.team_leader_id == user.person_id
    )


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
    return is_office(user) or any(leads(user, p) for p in branch.projects)


def can_approve_branch(user, branch) -> bool:
    return is_office(user) and branch.status == "proposed"


def can_dissolve_branch(user, branch) -> bool:
    return can_edit_branch(user, branch) and branch.status == "active"


def can_delete_branch(user, branch) -> bool:
    return is_office(user)


# Dispatches --------------------------------------------------------------------------
def can_create_dispatch(user) -> bool:
    return _has(user, "admin", "secretary", "team-leader")


def can_dispatch_to(user, project) -> bool:
    return can_edit_project(user, project)


def can_edit_dispatch(user, dispatch) -> bool:
    return can_edit_project(user, dispatch.project)


# Deleted records and accounts --------------------------------------------------------
def can_restore(user) -> bool:
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


def can_withdraw_record(user, record) -> bool:
    """Take back one's own submitted record before anyone reviewed it."""
    return (record.deleted_at is None and record.status == "submitted"
            and getattr(user, "is_authenticated", False) and record.author_id == user.id)


def can_reopen_record(user, record) -> bool:
    """Reopen this reviewed, locked record."""
    return record.deleted_at is None and record.status == "reviewed" and can_review(user)


# Study sessions (issue 3) ------------------------------------------------------------
# Viewers, secretaries and admins read every session; a team leader reads and logs the
# sessions of the branches they may edit (those of projects they lead) and no others.
def sees_everything(user) -> bool:
    """Admins, secretaries and viewers see every branch's sessions, talks, due items,
    dashboard figures and ledgers; a team leader sees those of the projects they lead."""
    return _has(user, "admin", "secretary", "viewer")


def can_read_branch_sessions(user, branch) -> bool:
    return sees_everything(user) or (_signed_in(user) and can_edit_branch(user, branch))


def can_read_session(user, session) -> bool:
    return can_read_branch_sessions(user, session.branch)


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




# Talks and what is due (issue 4) -----------------------------------------------------
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


# Ledger (issue 5) --------------------------------------------------------------------
# The ledger prints and exports a branch's sessions and talks, so whoever may read the
# branch's sessions may export it: viewers, secretaries and admins every branch, a team
# leader the branches of the projects they lead.
def can_export_ledger(user, branch) -> bool:
    return branch.deleted_at is None and can_read_branch_sessions(user, branch)

# The review dashboard (issue 5) shows everything to those who `sees_everything`, else the
# user's own projects and the branches serving them.


# Health (the load balancer's probe) ----------------------------------------------------
def can_see_health(user) -> bool:
    # Anyone, signed in or not: a load balancer cannot sign in, and the answer says only
    # whether the database, its schema and Redis answer — no record, person or address.
    return True
