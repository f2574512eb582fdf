from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from tracker.auth import signins
from tracker.extensions import login_manager


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(token: str):
        # The cookie holds "id:epoch" and the sign-in's token; a changed password or a
        # disabled account bumps the epoch, which ends every sign-in made before; signing
        # out ends this one (tracker.auth.signins).
        user_id, _, epoch = token.partition(":")
        if not user_id.isdigit() or not epoch.isdigit():
            return None
        return signins.load(int(user_id), int(epoch))
