"""Interface text that scripts show (Leaflet's controls, our own map scripts), translated here.

Every page carries the strings as JSON in `<script type="application/json" id="ui-strings"
data-i18n>`; static/js/map-controls.js reads them before any map is made and sets Leaflet's
defaults (the zoom buttons' names, the popup close button's name). Scripts never hold
interface text of their own, so the catalogs are the one source of every visible string.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _


def script_strings() -> dict[str, str]:
    """{key: text in the request's language}; keys are what the scripts look up."""
    return {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "closePopup": _("Close popup"),
        "marker": _("Map marker"),
        # The name of a map that its page has not named otherwise (a landmark region).
        "map": _("Map"),
    }


def init_app(app: Flask) -> None:
    app.jinja_env.globals["script_strings"] = script_strings
