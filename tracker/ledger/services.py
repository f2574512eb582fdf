"""Writes of the ledger: only the history entry each export leaves."""
from __future__ import annotations

from tracker.history import services as history
from tracker.periods import Period


def record_export(fmt: str, span: Period, statuses: tuple[str, ...], *, branch=None, user=None,
                  branch_count: int = 0) -> None:
    """"X exported the ledger": against the branch, or for all branches against the account."""
    changes = {
        "ledger": (None, fmt),
        "period": (None, f"{span.first.isoformat()} – {span.last.isoformat()}"),
        "records": (None, "+".join(statuses)),
    }
    if branch is not None:
        history.record(branch, "export", changes)
    else:
        changes["branches"] = (None, f"all ({branch_count})")
        history.record(user, "export", changes)
