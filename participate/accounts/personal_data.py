"""What each feature holds about a person, for "My data" (GDPR articles 15 and 20).

Accounts imports no feature, so features register an exporter here in their `init_app`;
the export then gathers every section without knowing the features.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from participate.accounts.models import User

Exporter = Callable[[User], Any]
EXTENSION_KEY = "participate.personal_data"


def register_exporter(app: Flask, section: str, exporter: Exporter) -> None:
    app.extensions.setdefault(EXTENSION_KEY, {})[section] = exporter


def export_sections(user: User) -> dict[str, Any]:
    exporters: dict[str, Exporter] = current_app.extensions.get(EXTENSION_KEY, {})
    return {section: exporter(user) for section, exporter in sorted(exporters.items())}
