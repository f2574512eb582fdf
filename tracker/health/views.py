"""GET /health: 200 while this server can serve (ok or degraded), 503 when it cannot.
No sign-in (the load balancer has none) and no session cookie set."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from tracker import permissions as perm
from tracker.extensions import limiter
from tracker.health.checks import DOWN, check
from tracker.web import require

bp = Blueprint("health", __name__)


@bp.get("/health")
@limiter.exempt
def status():
    require(perm.can_see_health(current_user))
    health = check()
    response = jsonify(health.as_json())
    response.status_code = 503 if health.status == DOWN else 200
    response.headers["Cache-Control"] = "no-store"  # every probe asks afresh
    return response
