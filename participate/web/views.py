"""Front page, accessibility statement, privacy notice, `/` and `/healthz`."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, url_for
from werkzeug.wrappers import Response

from participate.extensions import db
from participate.i18n.locale import preferred_from_request

bp = Blueprint("web", __name__, url_prefix="/<any(fi,sv,en):lang_code>")
root_bp = Blueprint("root", __name__)


@root_bp.route("/")
def root() -> Response:
    return redirect(url_for("web.index", lang_code=preferred_from_request()))


@root_bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@root_bp.route("/favicon.ico")
def favicon() -> Response:
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


@bp.route("/")
def index() -> str:
    return render_template("web/index.html")


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("web/accessibility.html")


@bp.route("/privacy")
def privacy() -> str:
    return render_template("web/privacy.html")


@bp.route("/open-data")
def open_data() -> str:
    """How to use the API, the feeds, the calendars and the downloads (docs/api.md)."""
    return render_template("web/open_data.html")
