"""Access decisions for the ledger.

Whoever may read a branch's sessions may print and export its ledger: viewers, secretaries
and admins every branch, a team leader the branches of projects they lead ("other_leader"
is refused). Everyone may open the ledger page and the "all branches" ledger, which holds
only the branches they may read."""
from __future__ import annotations

from tests.access_effects import download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

READERS = {"viewer", "leader", "secretary", "admin"}
EVERYONE = {"viewer", "leader", "other_leader", "secretary", "admin"}

ROWS = {
    "ledger.index": ("GET", "/ledger/?branch_id={branch}", READERS),
    "ledger.print_view": ("GET", "/ledger/print?branch_id={branch}", READERS),
    "ledger.excel_export": ("POST", "/ledger/excel?branch_id={branch}", READERS),
    "ledger.word_export": ("POST", "/ledger/word?branch_id={branch}", READERS),
    "ledger.pdf_export": ("POST", "/ledger/pdf?branch_id={branch}", READERS),
}

#: the file itself, at once (Office files are zip archives, "PK")
EFFECTS = {
    "ledger.excel_export": download(XLSX, b"PK"),
    "ledger.word_export": download(DOCX, b"PK"),
    "ledger.pdf_export": download("application/pdf", b"%PDF"),
}


def ids(world, getfixture) -> dict:
    return {}
