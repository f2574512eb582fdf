"""The pages every record shares: show a form, save it or answer with the
form again (400 for bad input, 409 for a conflict), and POST-only delete and undelete."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from tracker import records
from tracker.extensions import db
from tracker.forms import DeleteForm, EmptyForm
from tracker.history.services import jsonable


def form_page(form, template: str, save: Callable, success_url: Callable, *, obj=None, **ctx):
    """GET: the form (filled from `obj`). POST: validate, `save(form)`, commit once, redirect.

    A failed save keeps everything the user typed: the form comes back with the messages
    next to the fields, and nothing is written.
    """
    conflict = None
    if form.validate_on_submit():
        try:
            result = save(form)
            db.session.flush()
        except records.Conflict as exc:
            db.session.rollback()
            conflict = _conflicting_values(form, exc.current)
            form.version.data = str(exc.current.version)
        except StaleDataError:
            # Another save passed the version check at the same moment and committed
            # first; the database's own version check stopped this one.
            db.session.rollback()
            if obj is None:
                raise
            conflict = _conflicting_values(form, obj)  # obj reloads: the winner's values
            form.version.data = str(obj.version)
        except records.Invalid as exc:
            db.session.rollback()
            target = form[exc.field].errors if exc.field else form.form_errors
            target.append(exc.message)
        else:
            db.session.commit()
            if not _flashed():  # one message per action: a step that said more says it all
                flash(_("Saved."), "success")
            return redirect(success_url(result))
    elif obj is not None and not form.is_submitted():
        form.version.data = str(obj.version)
    if conflict is not None:
        status = 409
    else:
        status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, conflict=conflict, obj=obj, **ctx), status


def _conflicting_values(form, current) -> list[tuple[str, str, str]]:
    """(label, value now saved, value the user typed) for each field that differs."""
    rows = []
    for name in form.model_fields:
        saved = getattr(current, name, None)
        typed = form[name].data
        if jsonable(saved) != jsonable(typed):
            rows.append((form[name].label.text, _display(form[name], saved), _display(form[name], typed)))
    return rows


def _display(field, value) -> str:
    choices = getattr(field, "choices", None)
    if choices:
        for code, text in choices:
            if code == value:
                return str(text)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def delete_page(obj, success_url: str):
    """POST only. A record that submitted or reviewed records depend on is deleted only with
    a reason: the first POST (the Delete button) answers with a page that lists them and
    asks for it; the reason and what was withdrawn go to history, and the ledger lists it."""
    form = DeleteForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors or "reason" not in request.form:
            abort(400)
        return _withdraw_page(obj, form, success_url, records.approved_dependents(obj), 400)
    dependents = records.approved_dependents(obj)
    reason = (form.reason.data or "").strip()
    if dependents and not reason:
        if "reason" in request.form:
            form.reason.errors = [_("Give the reason for withdrawing these records.")]
        return _withdraw_page(obj, form, success_url, dependents, 400 if "reason" in request.form else 200)
    records.soft_delete(obj, reason=reason, withdrawn=dependents)
    db.session.commit()
    flash(_("Deleted. An admin can restore it."), "info")
    return redirect(success_url)


def _withdraw_page(obj, form, back: str, dependents, status: int):
    return render_template("withdraw.html", obj=obj, form=form, back=back, dependents=dependents), status


def confirmed_delete_page(obj, success_url: str, cancel_url: str, what: str):
    """Delete only once the person confirmed: the first POST answers with a page that asks
    (so it works without JavaScript); the script's dialog sends the confirmation at once."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if request.form.get("confirmed") != "yes":
        return render_template("confirm_delete.html", what=what, action=request.path,
                               cancel_url=cancel_url)
    return delete_page(obj, success_url)


def _flashed() -> bool:
    from flask import session

    return bool(session.get("_flashes"))


def undelete_page(obj, success_url: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    records.undelete(obj)
    db.session.commit()
    flash(_("Restored."), "success")
    return redirect(success_url)
