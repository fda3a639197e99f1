"""Front page, accessibility statement, privacy notice, `/`, `/healthz` and `/readyz`."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from participate.activities import queries as activity_queries
from participate.extensions import db
from participate.i18n.locale import LANGS, preferred_from_request
from participate.i18n.urls import LANG_PREFIX
from participate.theme import ALLOWED_SUFFIXES, current_theme
from participate.urls import external_url
from participate.web.readiness import readiness

bp = Blueprint("web", __name__, url_prefix=LANG_PREFIX)
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
    if "favicon" in current_theme().files:
        return redirect(url_for("root.theme_file", name=current_theme().files["favicon"]), code=301)
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


def _theme_version(endpoint: str, values: dict[str, Any]) -> str | None:
    """A digest of what a theme URL serves: pages link `/theme.css?v=<digest>`, and a
    request that names the current digest may be cached for good (the theme is read at
    start-up, so a new theme means new URLs). None for a file the theme does not name."""
    theme = current_theme()
    if endpoint == "root.theme_css":
        content = theme.css().encode()
    else:
        path = theme.file_path(str(values.get("name", "")))
        if path is None:
            return None
        return _file_digest(path)
    return hashlib.sha256(content).hexdigest()[:12]


@lru_cache(maxsize=32)
def _file_digest(path: Path) -> str:
    # Read once per process: pages link the logo and the favicon on every request.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@root_bp.app_url_defaults
def _versioned_theme_urls(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint in ("root.theme_css", "root.theme_file") and "v" not in values:
        version = _theme_version(endpoint, values)
        if version:
            values["v"] = version


def _theme_caching(response: Response, endpoint: str, values: dict[str, Any]) -> Response:
    current = request.args.get("v") == _theme_version(endpoint, values)
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if current else "public, max-age=3600"
    )
    return response


@root_bp.route("/theme.css")
def theme_css() -> Response:
    """The theme's colours as CSS custom properties, loaded after static/css/site.css."""
    response = Response(current_theme().css(), mimetype="text/css")
    return _theme_caching(response, "root.theme_css", {})


@root_bp.route("/theme/<name>")
def theme_file(name: str) -> Response:
    """A file theme.toml names (logo, favicon); anything else 404."""
    path = current_theme().file_path(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=ALLOWED_SUFFIXES[path.suffix])
    return _theme_caching(response, "root.theme_file", {"name": name})


@bp.route("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest in the page's language (W3C Web Application Manifest)."""
    theme = current_theme()
    lang_code = str(g.lang_code)
    service = _("Participate")
    body: dict[str, object] = {
        "name": f"{service} – {theme.organisation_name(lang_code)}",  # noqa: RUF001
        "short_name": service,
        "lang": lang_code,
        "dir": "ltr",
        "start_url": url_for("web.index", lang_code=lang_code),
        "scope": "/",
        "display": "browser",
        "theme_color": theme.colours["brand"],
        "background_color": "#ffffff",
        "icons": [
            {
                "src": url_for("root.theme_file", name=name),
                "type": ALLOWED_SUFFIXES[Path(name).suffix],
                "sizes": "any",
            }
            for key, name in theme.files.items()
            if key == "favicon"
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


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
        calendar_days=activity_queries.CALENDAR_DAYS,
    )
