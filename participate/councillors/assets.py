"""Leaflet, served by the app from the XStatic-Leaflet package: never a CDN, never a copy.

`url_for("leaflet.asset", filename="leaflet.js")` (or `leaflet_url("leaflet.js")`) works for
any feature that draws a map. The version in the query string lets browsers keep the files
for a year and still fetch new ones after an upgrade of the package.
"""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory, url_for
from xstatic.pkg import leaflet as xstatic_leaflet

LEAFLET_DIR = xstatic_leaflet.BASE_DIR
LEAFLET_VERSION = xstatic_leaflet.VERSION
ONE_YEAR = 365 * 24 * 3600

bp = Blueprint("leaflet", __name__)


@bp.route("/static/vendor/leaflet/<path:filename>")
def asset(filename: str) -> Response:
    # send_from_directory refuses paths that leave the directory (../).
    return send_from_directory(LEAFLET_DIR, filename, max_age=ONE_YEAR)


def leaflet_url(filename: str) -> str:
    return url_for("leaflet.asset", filename=filename, v=LEAFLET_VERSION)
