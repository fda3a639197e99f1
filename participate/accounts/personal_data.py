"""What each feature holds about a person: "My data" (GDPR articles 15 and 20) and erasure
when the account is deleted (article 17).

Accounts imports no feature, so features register an exporter (and, for data that is only
about the person, an eraser) here in their `init_app`; the export and the deletion then reach
every section without knowing the features.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from participate.accounts.models import User

Exporter = Callable[[User], Any]
Eraser = Callable[[User], None]
EXTENSION_KEY = "participate.personal_data"
ERASERS_KEY = "participate.personal_data.erasers"


def register_exporter(app: Flask, section: str, exporter: Exporter) -> None:
    app.extensions.setdefault(EXTENSION_KEY, {})[section] = exporter


def export_sections(user: User) -> dict[str, Any]:
    exporters: dict[str, Exporter] = current_app.extensions.get(EXTENSION_KEY, {})
    return {section: exporter(user) for section, exporter in sorted(exporters.items())}


def register_eraser(app: Flask, section: str, eraser: Eraser) -> None:
    """`eraser(user)` deletes the section's rows that are only about the person (follows,
    settings, queued notifications) inside the caller's transaction; it does not commit."""
    app.extensions.setdefault(ERASERS_KEY, {})[section] = eraser


def erase_sections(user: User) -> None:
    erasers: dict[str, Eraser] = current_app.extensions.get(ERASERS_KEY, {})
    for _section, eraser in sorted(erasers.items()):
        eraser(user)
