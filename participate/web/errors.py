"""Error pages in the language of the URL (or the person's choice when there is none).

Under /api/ every error, whatever its status, is JSON in the one shape of
`participate.api.errors` (docs/api.md).
"""

from __future__ import annotations

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from participate.api.errors import error_response
from participate.extensions import db
from participate.i18n.locale import API_PREFIX, preferred_from_request
from participate.i18n.urls import lang_from_path

PAGES = {400, 403, 404, 405, 413, 429, 500}


def _set_language() -> None:
    if not g.get("lang_code"):
        g.lang_code = lang_from_path(request.path) or preferred_from_request()


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        code = error.code or 500
        if request.path.startswith(API_PREFIX):
            return error_response(error)  # type: ignore[return-value]
        if isinstance(error, SecurityError):
            # A Host outside TRUSTED_HOSTS: no URL adapter exists, so no page can be built
            # (its links would need one). A short text answer, in no particular language.
            return "400 Bad Request: unknown host", 400
        if code not in PAGES:
            return error
        _set_language()
        template = f"errors/{code if code in {400, 403, 404, 429, 500} else 400}.html"
        return render_template(template, error=error), code

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        # Roll back first: the failed transaction must not leak into the error page.
        db.session.rollback()
        if app.testing and not app.config.get("RENDER_500_IN_TESTS"):
            raise error
        app.logger.exception("unhandled error on %s", request.path)
        if request.path.startswith(API_PREFIX):
            return error_response(None, 500)  # type: ignore[return-value]
        _set_language()
        return render_template("errors/500.html", error=InternalServerError()), 500
