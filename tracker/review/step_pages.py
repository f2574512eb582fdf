"""The review steps as pages (submit, withdraw, decide, reopen), so each reviewable feature needs only thin views."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from tracker import permissions as perm
from tracker import records
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.review import services
from tracker.review.forms import ReopenForm, ReviewForm


def _step_page(step, obj, success_url: str, done: str):
    """POST only: one review step the record's own author takes (submit, withdraw)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        step(obj)
    except records.Invalid as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(success_url)
    db.session.commit()
    flash(done, "success")
    return redirect(success_url)


def submit_page(obj, success_url: str):
    """POST only: send a draft or returned record for review."""
    return _step_page(services.submit, obj, success_url, _("Submitted for review."))


def withdraw_page(obj, success_url: str):
    """POST only: the author takes a submitted record back as a draft, before review."""
    return _step_page(services.withdraw, obj, success_url,
                      _("Withdrawn. The record is a draft again; change it and submit it when ready."))


def decide_page(obj, template: str, success_url: str, **ctx):
    """GET: the record with Approve / Return. POST: apply the decision."""
    form = ReviewForm()
    may_approve = perm.can_approve_record(current_user, obj)
    if form.validate_on_submit():
        if form.approve.data and not may_approve:
            abort(403)
        try:
            if form.approve.data:
                services.approve(obj, (form.comment.data or "").strip(), form.opened_version())
                message = _("Approved. The record is now locked.")
            else:
                services.return_to_author(obj, form.comment.data or "", form.opened_version())
                message = _("Returned to the author with your comment.")
        except records.Conflict:
            db.session.rollback()
            form.form_errors.append(_("The record changed while you were reviewing it. Look again, then decide."))
            form.version.data = str(obj.version)
            return render_template(template, form=form, obj=obj, may_approve=may_approve, **ctx), 409
        except records.Invalid as exc:
            db.session.rollback()
            (form[exc.field].errors if exc.field else form.form_errors).append(exc.message)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(success_url)
    elif not form.is_submitted():
        form.version.data = str(obj.version)
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, obj=obj, may_approve=may_approve, **ctx), status


def reopen_page(obj, template: str, success_url: str, **ctx):
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            services.reopen(obj, form.comment.data or "", form.opened_version())
        except (records.Invalid, records.Conflict) as exc:
            db.session.rollback()
            message = getattr(exc, "message", _("The record changed meanwhile; please try again."))
            form.comment.errors.append(message)
            form.version.data = str(obj.version)
        else:
            db.session.commit()
            flash(_("Reopened. The author can change the record again."), "success")
            return redirect(success_url)
    elif not form.is_submitted():
        form.version.data = str(obj.version)
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, obj=obj, **ctx), status
