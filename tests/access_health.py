"""Access row of the load balancer's health probe: anyone, signed in or not."""
from __future__ import annotations

PUBLIC = "public"  # as in tests/test_access.py, which imports this module

ROWS = {
    "health.status": ("GET", "/health", PUBLIC),
}


def ids(world, getfixture) -> dict:
    return {}
