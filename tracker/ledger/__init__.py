"""The ledger (台账): a branch's records for a period, the way inspectors ask to see them.

One read (`queries.load`) gathers, for one branch or all the user may see, and for a year,
quarter, month or custom dates: the roster, the study sessions with their attendance, the
talks, and the compliance summary. Four outputs render the same content:

- a print view (templates/ledger/print.html, static/ledger.css: A4, one record a page);
- a PDF (`pdf.py`): the print view's sections and layout, drawn on the server (`pdflayout.py`);
- an Excel workbook (`excel.py`: roster, sessions, attendance, talks, compliance);
- a Word document (`word.py`) whose meeting and talk records are bordered tables with label
  cells, as the bureau's Word templates lay out the paper forms (DESIGN.md, "Paper forms
  the ledger mirrors"). `paper.py` decides what each form says, for print and Word alike.

Which records: those the branch stands behind, i.e. submitted for review or reviewed — the
same ones the study rules count (tracker.study.rules.COUNTED). A submitted record still
waiting for review is shown and marked "Submitted, not yet reviewed", so an inspector sees
it is not signed off yet; "Reviewed records only" leaves them out. Drafts and returned
records never appear: they are unfinished notes or were sent back as not acceptable.
The compliance summary is not recomputed here: every session type of the rules table comes from
tracker.study.rules (which counts submitted sessions whatever the option above), talk and
integrity checkpoint states from tracker.due (where a talk counts once it took place, its
record status shown next to it).

Which talks belong to a branch: those of a dispatch to a project the branch serves, and
talks without a dispatch (integrity reminders, others) with someone who was a member of the
branch on the day of the talk.

Print view, Word and PDF give each meeting record its sign-in sheet and photos and open with
a contents page (`sheets.py`); their pages are numbered. The PDF is refused above
LEDGER_PDF_MAX_RECORDS records (1000 by default, four times the busiest branch-year of the
benchmark), so that no request outlasts a worker.

"All branches" means the branches the user may read whose active period (approval to
dissolution) overlaps the chosen period; proposed branches owe nothing and have no records.

Every file export (Excel, Word, PDF) is recorded in history as "export": against the branch, or,
for all branches, against the account that exported. Opening the print view is reading and
is not recorded; exports are POSTs (they write history), the print view a GET.
"""
