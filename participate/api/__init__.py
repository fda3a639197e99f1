"""The JSON API under /api/v1: one blueprint that every feature adds its routes to.

A feature puts its routes in `participate/<feature>/api.py` on this `bp` and imports that
module from its own `init_app`. `init_app` here registers the blueprint, so `create_app`
calls it after every feature (Flask refuses routes added to a registered blueprint).
JSON errors for /api/ paths come from participate.web.errors.
"""

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
