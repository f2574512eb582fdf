"""Panels: what a feature's page shows of the features above it.

A feature imports only the features below it (tests/test_layers.py), so the person page may
not ask tracker.study for the person's attendance. Instead each feature above registers its
panels at app start-up (`create_app` calls each `<feature>.panels.register`): a panel is a
function of the page's record returning template variables, and the page renders
`for_page(page, record)` with its own.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

Panel = Callable[[object], dict]


def register(app: Flask, page: str, panel: Panel) -> None:
    app.extensions.setdefault("tracker.panels", {}).setdefault(page, []).append(panel)


def for_page(page: str, record) -> dict:
    """The template variables of every panel registered for this page, for this record."""
    variables: dict = {}
    for panel in current_app.extensions.get("tracker.panels", {}).get(page, ()):
        variables.update(panel(record))
    return variables
