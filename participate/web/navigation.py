"""The main navigation: each feature appears once its blueprint is registered."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (endpoint, label, the URL prefix that marks the item as current)
MAIN_NAV = [
    ("initiatives.index", _l("Initiatives"), "initiatives"),
    ("councillors.index", _l("Councillors"), "councillors"),
    ("activities.index", _l("Activities"), "activities"),
]
MODERATOR_NAV = [
    ("moderation.index", _l("Moderation"), "moderation"),
]


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation() -> dict[str, Any]:
        if not has_request_context():  # e-mails rendered by CLI commands and the outbox
            return {"main_nav": [], "moderator_nav": []}
        section = request.path.strip("/").split("/")[1:2]
        items = [
            {"endpoint": endpoint, "label": label, "current": section == [prefix]}
            for endpoint, label, prefix in MAIN_NAV
            if endpoint in app.view_functions
        ]
        moderator_items = []
        if current_user.is_authenticated and current_user.is_moderator:
            # A feature may register a count for its item (a function, called only when the
            # menu is drawn): app.extensions["nav_badges"][endpoint] = count_function.
            badges = app.extensions.get("nav_badges", {})
            moderator_items = [
                {
                    "endpoint": endpoint,
                    "label": label,
                    "current": section == [prefix],
                    "badge": badges.get(endpoint),
                }
                for endpoint, label, prefix in MODERATOR_NAV
                if endpoint in app.view_functions
            ]
        return {"main_nav": items, "moderator_nav": moderator_items}
