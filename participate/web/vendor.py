"""Third-party browser assets served from their pip packages, never from a CDN.

Leaflet comes from XStatic-Leaflet: `url_for("vendor.leaflet", filename="leaflet.js")`
(also `leaflet.css` and `images/…`, which the CSS finds relative to itself).
"""

from __future__ import annotations

import xstatic.pkg.leaflet
from flask import Blueprint, Response, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/static/vendor")

ONE_WEEK = 7 * 24 * 3600


@bp.route("/leaflet/<path:filename>")
def leaflet(filename: str) -> Response:
    # send_from_directory refuses paths that leave the directory (`../`).
    return send_from_directory(xstatic.pkg.leaflet.BASE_DIR, filename, max_age=ONE_WEEK)
