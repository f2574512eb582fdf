from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker import clock
from tracker import permissions as perm
from tracker.branches.models import Branch
from tracker.extensions import db
from tracker.ledger import excel, paper, pdf, queries, services, sheets, word
from tracker.ledger.forms import LedgerForm
from tracker.ledger.pdffonts import FontMissing
from tracker.security.guards import MAX_ID
from tracker.study import queries as study_queries
from tracker.web import get_or_404, require

bp = Blueprint("ledger", __name__, url_prefix="/ledger")
#: the largest id an INTEGER column holds

FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "pdf": ("application/pdf", "PDF"),
}


def _choice():
    """The form from the query string (GET) or the export form (POST), and the branch chosen
    (None for all). A branch the user may not read is refused before anything else."""
    values = request.values
    branch = None
    if branch_id := values.get("branch_id", type=int):
        if not 0 < branch_id <= MAX_ID:  # no record has it, and the database cannot compare it
            abort(404)
        branch = get_or_404(Branch, branch_id)
        require(perm.can_export_ledger(current_user, branch))
    form = LedgerForm(formdata=values)
    form.branch_id.choices = [("", _("All branches"))] + [
        (row.id, row.name) for row in db.session.execute(study_queries.branch_choices(current_user, for_logging=False))
    ]
    if branch is not None and branch.id not in {value for value, _label in form.branch_id.choices}:
        form.branch_id.choices.append((branch.id, branch.name))
    return form, branch


class TooBig(Exception):
    """An "all branches" ledger with more records than one request should build."""


def _ledgers(form: LedgerForm, branch):
    span = form.span()
    if branch is not None:
        ids = [branch.id]
    else:
        ids = queries.branches_for(current_user, span)
        limit = current_app.config["LEDGER_MAX_RECORDS"]
        if queries.record_count(ids, span, form.statuses()) > limit:
            raise TooBig(limit)
    return span, queries.load(ids, span, form.statuses(), reader=current_user)


@bp.errorhandler(TooBig)
def _too_big(exc):
    form, branch = _choice()
    form.validate()
    form.branch_id.errors.append(_(
        "All branches together hold more than %(n)s sessions and talks in this period, too many for "
        "one file. Choose one branch or a shorter period.", n=exc.args[0]))
    return render_template("ledger/index.html", form=form, branch=branch, valid=False), 400


def _title(branch, period: str) -> str:
    return paper.title(branch.name if branch else _("All branches"), period)


def _invalid(form):
    return render_template("ledger/index.html", form=form, branch=None, valid=False), 400


@bp.get("/")
@login_required
def index():
    require(perm.can_read(current_user))
    form, branch = _choice()
    if not form.validate():
        return _invalid(form)
    span = form.span()
    return render_template("ledger/index.html", form=form, branch=branch, valid=True, span=span,
                           args=form.query_args(), title=_title(branch, span.label()))


@bp.get("/print")
@login_required
def print_view():
    require(perm.can_read(current_user))
    form, branch = _choice()
    if not form.validate():
        return _invalid(form)
    span, ledgers = _ledgers(form, branch)
    return render_template("ledger/print.html", ledgers=ledgers, for_pdf=False, photo_src=_photo_url,
                           **_print_context(form, branch, span, ledgers))


def _photo_url(attachment) -> str:
    return url_for("study.download", attachment_id=attachment.id)


def _print_context(form, branch, span, ledgers) -> dict:
    """What the print view and the PDF show besides the ledgers themselves."""
    return dict(form=form, span=span, paper=paper, sheets=sheets, contents=sheets.contents(ledgers),
                title=_title(branch, span.label()), exported=format_datetime(clock.now(), "medium"))


def _filename(branch, span) -> tuple[str, str]:
    """(file name in the user's language, ASCII fallback), without the extension."""
    name = _("%(branch)s_%(period)s_ledger", branch=branch.name if branch else _("All branches"),
             period=span.label())
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .") or "ledger"
    scope = f"branch-{branch.id}" if branch else "all-branches"
    fallback = f"ledger_{scope}_{span.code()}"
    return name, fallback


def _download(data: bytes, fmt: str, branch, span) -> Response:
    name, fallback = _filename(branch, span)
    response = Response(data, mimetype=FORMATS[fmt][0])
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}.{fmt}\"; filename*=UTF-8''{quote(name + '.' + fmt, safe='')}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _too_many_for_pdf(form, branch, ledgers):
    """The form again, with a message by the period, when the PDF would hold more records
    than one request can lay out; None when it may be made."""
    limit = current_app.config["LEDGER_PDF_MAX_RECORDS"]
    records = sum(len(book.sessions) + len(book.talks) for book in ledgers)
    if records <= limit:
        return None
    form.period.errors = [*form.period.errors, _(
        "This ledger holds %(n)s sessions and talks; a PDF is made of at most %(max)s at a time. "
        "Choose a shorter period, or print the print view to PDF from the browser.", n=records, max=limit)]
    return render_template("ledger/index.html", form=form, branch=branch, valid=False), 400


def _export(fmt: str):
    require(perm.can_read(current_user))
    form, branch = _choice()
    if not form.validate():
        return _invalid(form)
    span, ledgers = _ledgers(form, branch)
    if fmt == "xlsx":
        data = excel.workbook(ledgers)
    elif fmt == "pdf":
        if (too_many := _too_many_for_pdf(form, branch, ledgers)) is not None:
            return too_many
        try:
            data = pdf.document(ledgers, **_print_context(form, branch, span, ledgers))
        except FontMissing:
            current_app.logger.exception("ledger PDF: no CJK font (Debian: apt-get install fonts-noto-cjk)")
            form.period.errors = [*form.period.errors, _(
                "This server lacks the Chinese fonts a PDF needs; tell its administrator "
                "(fonts-noto-cjk). Meanwhile, print the print view to PDF from the browser.")]
            return render_template("ledger/index.html", form=form, branch=branch, valid=False), 503
    else:
        data = word.document(ledgers, title=_title(branch, span.label()), period=span.label(),
                             exported=format_datetime(clock.now(), "medium"), author=current_user.name)
    services.record_export(FORMATS[fmt][1], span, form.statuses(), branch=branch,
                           user=current_user._get_current_object(), branch_count=len(ledgers))
    db.session.commit()
    return _download(data, fmt, branch, span)


@bp.post("/excel")
@login_required
def excel_export():
    return _export("xlsx")


@bp.post("/word")
@login_required
def word_export():
    return _export("docx")


@bp.post("/pdf")
@login_required
def pdf_export():
    return _export("pdf")
