"""The JSON API under /api/v1: one blueprint that every feature adds its routes to.

A feature puts its routes in `participate/<feature>/api.py` on this `bp` and imports that
module from its own `init_app`. `init_app` here registers the blueprint, so `create_app`
calls it after every feature (Flask refuses routes added to a registered blueprint).
Every /api/ error has the one shape of `participate.api.errors` (participate.web.errors calls
it); lists use `participate.api.paging`; shared shapes are in `participate.api.shapes`; the
OpenAPI description is `participate.api.openapi`. The convention is docs/api.md.
"""

from flask import Blueprint, Flask, Response, request

from participate.caching import LIST_MAX_AGE, conditional

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def cache_and_vary(response: Response) -> Response:
    """Every answer varies with Accept-Language (messages, page links); a successful GET
    gets an ETag, a short public max-age and 304 on revalidation, unless the view chose
    its own (participate.caching)."""
    response.vary.add("Accept-Language")
    if request.method in {"GET", "HEAD"} and "ETag" not in response.headers:
        return conditional(response, max_age=LIST_MAX_AGE)
    return response


def init_app(app: Flask) -> None:
    from participate.api import openapi  # noqa: F401  (GET /api/v1/openapi.json)

    app.register_blueprint(bp)
