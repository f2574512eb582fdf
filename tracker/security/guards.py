"""Guards every route gets without asking: ids that fit the database's integer, no NUL
characters in input, a lost update race answered with 409 rather than 500."""
from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask.wrappers import Request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import IntegerConverter

from tracker.errors import _render
from tracker.extensions import db

#: the largest id a 32-bit signed INTEGER column holds (PostgreSQL's `integer`)
MAX_ID = 2**31 - 1


class BoundedInt(IntegerConverter):
    """`<int:…>` that only matches ids the database can hold; bigger ones are a 404,
    not an overflow inside the database driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class BoundedRequest(Request):
    """Every body is bounded before anything reads it. Werkzeug parses a url-encoded body
    whole, whatever its size, so only a multipart body (files) may use the large upload
    limit (MAX_CONTENT_LENGTH); any other is held to MAX_FORM_BYTES, answered 413."""

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self.mimetype == "multipart/form-data":
            return limit
        text_limit = current_app.config["MAX_FORM_BYTES"]
        return text_limit if limit is None else min(limit, text_limit)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values)


def _id_out_of_range(args) -> bool:
    """A `…_id` filter (dispatches?project_id=…) that is a number no record can have."""
    for name, value in args.items(multi=True):
        if name == "id" or name.endswith("_id"):
            try:
                number = int(value)
            except ValueError:
                continue  # not a number: the views ignore it
            if not 0 <= number <= MAX_ID:
                return True
    return False


def init_app(app: Flask) -> None:
    # Must happen before any blueprint adds its rules.
    app.url_map.converters["int"] = BoundedInt
    app.request_class = BoundedRequest

    if proxies := app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.before_request
    def refuse_nul_characters():
        # No text the tracker keeps can contain NUL, and PostgreSQL refuses it in text
        # columns; answer 400 here instead of failing deep in the driver.
        if _has_nul(request.args.values()) or _has_nul(request.form.values()):
            abort(400)
        if any("\x00" in k for k in [*request.args.keys(), *request.form.keys()]):
            abort(400)
        # The database cannot compare an integer column with a bigger number (PostgreSQL
        # raises "integer out of range"); such an id filter is a bad request.
        if _id_out_of_range(request.args):
            abort(400)

    @app.errorhandler(StaleDataError)
    def lost_race(_exc):
        # Two saves of one record passed the form's version check at the same moment;
        # the database's version check stopped the second. Nothing of it was written.
        db.session.rollback()
        return _render(409)
