"""The fixed value lists of GLOSSARY.md: code value -> translatable label."""
from __future__ import annotations

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from tracker import i18n

PROJECT_TYPES = {
    "cross_audit": _l("Cross audit"),
    "field_audit": _l("Field audit"),
    "inspection_tour": _l("Inspection tour"),
    "key_task": _l("Key task"),
    "other": _l("Other"),
}
PROJECT_STATUSES = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "closed": _l("Closed"),
}
BRANCH_STATUSES = {
    "proposed": _l("Proposed"),
    "active": _l("Active"),
    "dissolved": _l("Dissolved"),
}
PARTY_STATUSES = {
    "full": _l("Full member"),
    "probationary": _l("Probationary member"),
    "none": _l("Not a party member"),
}
GENDERS = {
    "male": _l("Male"),
    "female": _l("Female"),
}
SOURCES = {
    "in_house": _l("In-house"),
    "borrowed": _l("Borrowed"),
    "external_hire": _l("External hire"),
    "other_bureau": _l("Other bureau"),
}
BRANCH_ROLES = {
    "secretary": _l("Secretary"),
    "deputy_secretary": _l("Deputy secretary"),
    "organising_member": _l("Organising member"),
    "publicity_member": _l("Publicity member"),
    "discipline_member": _l("Discipline member"),
    "member": _l("Member"),
}
ROLES = {
    "admin": _l("Admin"),
    # its own message context: the branch role "Secretary" reads 书记, the account role 支部书记
    "secretary": lazy_pgettext("account role", "Secretary"),
    "team-leader": _l("Team leader"),
    "viewer": _l("Viewer"),
    #: a party member's own account, tied to their person (tracker.access SELF)
    "member": _l("Member"),
}
#: integrity checkpoints of a project, in the order they fall due (INTEGRITY.md)
CHECKPOINT_KINDS = {
    "disclosure": _l("Disclosure posted on arrival"),
    "pledges": _l("Integrity pledges signed"),
    "mid_check": _l("Mid-audit integrity check"),
    "closing_report": _l("Closing integrity report"),
    "revisit": _l("Post-audit revisit"),
}


# Talks and what is due ------------------------------------------------------
TALK_TYPES = {
    "pre_dispatch": _l("Pre-dispatch talk"),
    "post_dispatch": _l("Post-dispatch talk"),
    "heart_to_heart": _l("Heart-to-heart talk"),
    "integrity_talk": _l("Integrity talk"),
    "integrity_reminder": _l("Integrity reminder"),
    "other": _l("Other"),
}
#: talk types that belong to a dispatch and make it "done"; only these are ever due
DISPATCH_TALK_TYPES = ("pre_dispatch", "post_dispatch")
TALK_FORMS = {
    "in_person": _l("In person"),
    "by_phone": _l("By phone"),
}
DUE_STATES = {
    "not_yet_due": _l("Not yet due"),
    "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"),
    "done": _l("Done"),
    "done_late": _l("Done late"),
}
#: the two audit discipline lists of INTEGRITY.md
INTEGRITY_LISTS = {
    "eight_prohibitions": _l("Eight prohibitions (八不准)"),
    "four_bans": _l("Four strict bans (四严禁)"),
}


def choices(values: dict, blank: str | None = None) -> list[tuple[str, str]]:
    """WTForms choices from a value list, optionally led by a blank entry."""
    pairs = list(values.items())
    return ([("", blank)] if blank is not None else []) + pairs


#: {(language, id of a value list): (the list, {code: label})}. The lists and the compiled
#: catalogues are fixed while a process runs, so each list is translated once per language
#: and process, not once per request.
_TRANSLATED: dict[tuple[str, int], tuple[dict, dict]] = {}


def _translated(values: dict, language: str) -> dict:
    known = _TRANSLATED.get((language, id(values)))
    if known is None or known[0] is not values:  # an id is reused only by another list
        known = _TRANSLATED[(language, id(values))] = (values, {code: str(text) for code, text in values.items()})
    return known[1]


def label(values: dict, code: str | None) -> str:
    """The label of a code value in the request's language, or the code itself if it is not
    in the list. Each list is translated once per language and process (_translated)."""
    return labeller(values)(code)


def labeller(values: dict):
    """`label` of this list for many codes, the list looked up once: what rows made in Python
    call for each row."""
    if not has_request_context():
        return lambda code: str(values.get(code, code or ""))
    table = _translated(values, i18n.request_language())
    return lambda code: table.get(code, code or "")

# Study sessions -------------------------------------------------------------
SESSION_TYPES = {
    "theme_party_day": _l("Theme party day"),
    "party_lesson": _l("Party lesson"),
    "micro_party_lesson": _l("Micro party lesson"),
    "group_study": _l("Group study"),
    "warning_education": _l("Warning education"),
    "branch_meeting": _l("Branch meeting"),
    "committee_meeting": _l("Committee meeting"),
    "party_group_meeting": _l("Party group meeting"),
    "other": _l("Other"),
}
ATTENDANCE = {
    "present": _l("Present"),
    "leave": _l("On leave"),
    "absent": _l("Absent"),
}
#: the answer of the person talked with to the record of their talk
CONFIRMATIONS = {
    "confirmed": _l("Confirmed"),
    "disagreed": _l("Disagreed"),
}
