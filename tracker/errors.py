"""Error pages in the user's language."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (_l("Not found"), _l("The page or record you asked for does not exist.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Changed meanwhile"), _l("Someone else changed this record at the same moment. Nothing of yours was saved; please open it again.")),
    413: (_l("Too large"), _l("What was sent is larger than the server accepts. Nothing was "
                               "saved; go back and send fewer or smaller files, or shorter text.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("The server could not complete the request. Nothing was saved; please try again.")),
}


def _render(code: int):
    title, text = MESSAGES.get(code, MESSAGES[500])
    # no to-do count on an error page: the request may have failed in the database
    return render_template("error.html", code=code, title=title, text=text, todo_off=True), code


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: _render(code))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _render(400)
