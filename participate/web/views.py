"""Front page, accessibility statement, privacy notice, `/`, `/healthz` and `/readyz`."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, url_for
from werkzeug.wrappers import Response

from participate.extensions import db
from participate.i18n.locale import LANGS, preferred_from_request
from participate.urls import external_url
from participate.web.readiness import readiness

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


@root_bp.route("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness for the load balancer: 503 naming the failed dependency (readiness.py)."""
    body, status = readiness()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status


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
    return render_template(
        "web/open_data.html",
        openapi_url=external_url("api.openapi"),
        api_base=external_url("api.openapi").removesuffix("/openapi.json"),
        feeds={lang: external_url("initiatives.feed", lang_code=lang) for lang in LANGS},
        export_url=external_url("initiatives.export_csv"),
        calendar_url=external_url("activities.calendar_feed"),
    )
