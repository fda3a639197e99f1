"""Responses compressed when the client accepts it (Flask-Compress: brotli, else gzip).

Static files are compressed ahead of time by `flask static build` and served by WhiteNoise
(participate/web/assets.py); this compresses what the app renders: pages, JSON, feeds, CSV,
calendars. Every response says `Vary: Accept-Encoding`.

BREACH: a compressed HTTPS response leaks, through its length, a secret that sits beside
text the attacker can put into the page (a search term, a query parameter). The secret worth
stealing here is the CSRF token, and Flask-WTF does not mask it per response: the signed
token it writes carries the same session value in every page. So a response in which a CSRF
token was generated (`g.csrf_token`: every form that posts, and every page of a signed-in
person, whose header has the sign-out form) is sent uncompressed. Pages with no token
(anonymous lists, detail pages, the API, feeds) are compressed; they hold nothing secret.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_compress import Compress
from werkzeug.wrappers import Response

compress = Compress()

# Flask-Compress's list, plus the open-data formats the app serves.
EXTRA_MIMETYPES = ("text/csv", "text/calendar", "application/geo+json")


def init_app(app: Flask) -> None:
    """Register first, so the hook runs last (Flask runs after_request hooks in reverse)."""
    app.config.setdefault("COMPRESS_REGISTER", False)  # our hook decides, below
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br"])
    compress.init_app(app)
    compress.compress_mimetypes_set.update(EXTRA_MIMETYPES)
    app.after_request(compress_response)


def compress_response(response: Response) -> Response:
    # Files (send_file: static/ without a build, vendor files, theme images) pass through
    # as they are: the build compresses them ahead of time, and reading one here would
    # leave its file handle open.
    if (
        response.direct_passthrough
        or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
    ):
        response.vary.add("Accept-Encoding")
        return response
    return compress.after_request(response)
