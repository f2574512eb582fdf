"""Access decisions for the points cards, tables and manual points items."""
from __future__ import annotations

from tests.access_effects import deleted, status, undeleted
from tracker import clock
from tracker.points.models import PointsEntry

EVERYONE = {"viewer", "leader", "other_leader", "secretary", "admin"}
#: cards of the world's member: everyone who sees every card, the member's team leader, and
#: the member themselves (their own card and the manual items on it)
CARD_READERS = {"viewer", "leader", "secretary", "admin", "member"}
MEMBER = {"member"}
OFFICE = {"secretary", "admin"}
OFFICE_AND_LEADER = {"secretary", "admin", "leader"}
ADMIN = {"admin"}

ROWS = {
    "points.scheme": ("GET", "/points/scheme", EVERYONE),
    "points.table": ("GET", "/points/?year=2026", EVERYONE),
    "points.export": ("GET", "/points/export.xlsx?year=2026", EVERYONE),
    "points.card": ("GET", "/points/people/{person}?year=2026", CARD_READERS),
    "points.create": ("GET", "/points/entries/new?person_id={person}", OFFICE_AND_LEADER),
    "points.detail": ("GET", "/points/entries/{points_entry}", CARD_READERS),
    "points.evidence": ("GET", "/points/entries/{points_entry}/evidence", CARD_READERS),
    "points.edit": ("GET", "/points/entries/{points_entry}/edit", OFFICE_AND_LEADER),
    "points.delete": ("POST", "/points/entries/{points_entry}/delete", OFFICE_AND_LEADER),
    "points.undelete": ("POST", "/points/entries/{deleted_points_entry}/undelete", ADMIN),
    "points.submit": ("POST", "/points/entries/{points_entry}/submit", OFFICE_AND_LEADER),
    "points.review": ("GET", "/points/entries/{submitted_points_entry}/review", OFFICE),
    "points.reopen": ("GET", "/points/entries/{reviewed_points_entry}/reopen", OFFICE),
    # a member's own points and claims (tests/test_points_claims.py reads their contents)
    "points.mine": ("GET", "/points/mine", MEMBER),
    "points.claim_new": ("GET", "/points/mine/claim", MEMBER),
    "points.claim_edit": ("GET", "/points/mine/claims/{member_claim}/edit", MEMBER),
}

EFFECTS = {
    "points.delete": deleted(PointsEntry, "points_entry"),
    "points.undelete": undeleted(PointsEntry, "deleted_points_entry"),
    "points.submit": status(PointsEntry, "points_entry", "draft", "submitted"),
}


def ids(world, getfixture) -> dict:
    make = getfixture("make_points_entry")
    member = world["member"]
    return {
        "points_entry": make(member).id,
        "submitted_points_entry": make(member, status="submitted").id,
        "reviewed_points_entry": make(member, status="reviewed").id,
        "member_claim": make(member, status="returned", author_id=world["users"]["member"].id).id,
        "deleted_points_entry": make(member, deleted_at=clock.now()).id,
    }
