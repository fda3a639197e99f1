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

The bodies of the polled feeds that `participate.caching.cached_body` keeps are compressed
once per coding: `CompressedBodies`, Flask-Compress's cache backend, stores them by the
body's ETag value, and only for a response that carries that ETag; nothing else is cached.

Negotiation: neither Flask-Compress nor WhiteNoise reads q=0 as "not acceptable" (RFC 9110
section 12.5.3): both sent gzip to `Accept-Encoding: gzip;q=0`. `AcceptedEncodings`, the
outermost WSGI layer, rewrites the header once to the codings we serve that the client
accepts, with their weights (werkzeug's parser), or removes it: both then see only what the
client takes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask, current_app, g
from flask_compress import Compress
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response

from participate.caching import CACHED_ETAG, CACHED_IN, FEED_CACHE_SIZE, Lru

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

compress = Compress()

# The codings we answer with, best first: Flask-Compress's for what the app renders, the
# static build's (.br, .gz beside each file) for WhiteNoise.
SERVED = ("br", "gzip")
# Flask-Compress's list, plus the open-data formats the app serves.
EXTRA_MIMETYPES = ("text/csv", "text/calendar", "application/geo+json")


class CompressedBodies:
    """Flask-Compress's cache backend for the bodies of `participate.caching.cached_body`
    (the polled feeds, the map's points): their compressed forms by
    "<coding>;<cache name>:<ETag value>", at most `size` per cache name (so the map's many
    viewports never push a feed's out), least recently used out first. Any other response
    has no such key (`_cache_key` gives "") and is compressed afresh: nothing else is
    stored."""

    def __init__(self, size: int = 2 * FEED_CACHE_SIZE) -> None:
        self._caches: dict[str, Lru[str, bytes]] = {}
        self._lock = threading.Lock()
        self.size = size

    @staticmethod
    def _cache_of(key: str) -> str:
        return key.partition(";")[2].partition(":")[0]

    def get(self, key: str) -> bytes | None:
        if key.endswith(";"):
            return None
        with self._lock:
            forms = self._caches.get(self._cache_of(key))
            return forms.get(key) if forms is not None else None

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";"):
            return
        with self._lock:
            name = self._cache_of(key)
            if name not in self._caches:
                self._caches[name] = Lru(self.size)
            self._caches[name].put(key, value)

    def clear(self) -> None:
        with self._lock:
            self._caches.clear()


def _cache_key(_request: object) -> str:
    """ "<cache name>:<ETag value>" of the cached body this request answers with (the
    ETag value is the SHA-256 of the uncompressed body), else ""."""
    etag = g.get(CACHED_ETAG)
    return f"{g.get(CACHED_IN, '')}:{etag}" if etag else ""


def init_app(app: Flask) -> None:
    """Register first, so the hook runs last (Flask runs after_request hooks in reverse)."""
    app.config.setdefault("COMPRESS_REGISTER", False)  # our hook decides, below
    app.config.setdefault("COMPRESS_ALGORITHM", list(SERVED))
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br"])
    # A cached feed body is compressed once per coding, not on every request.
    app.config.setdefault("COMPRESS_CACHE_BACKEND", CompressedBodies)
    app.config.setdefault("COMPRESS_CACHE_KEY", _cache_key)
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
    # A cached body's compressed forms answer only for that body: the response must carry
    # its ETag (as `participate.caching.conditional` sets it), else it is compressed afresh.
    cached_etag = g.get(CACHED_ETAG)
    if cached_etag is not None and response.get_etag()[0] != cached_etag:
        g.pop(CACHED_ETAG)
    return compress.after_request(response)


def accepted_encodings(header: str) -> str:
    """The codings of SERVED that an Accept-Encoding value accepts (weight above 0, `*`
    counts for those it does not name), best first, with their weights: "br, gzip",
    "gzip, br;q=0.5", or "" for none (the answer is then sent as it is)."""
    accept = parse_accept_header(header)
    weights = {coding: accept.quality(coding) for coding in SERVED}
    ranked = sorted((coding for coding in SERVED if weights[coding] > 0), key=lambda c: -weights[c])
    return ", ".join(c if weights[c] == 1 else f"{c};q={weights[c]:g}" for c in ranked)


class AcceptedEncodings:
    """WSGI middleware: the request's Accept-Encoding as `accepted_encodings` gives it, so
    what runs inside (WhiteNoise, Flask-Compress) never compresses for a client that refused
    it. `create_app` wraps the whole application with it last (outermost)."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        header = environ.pop("HTTP_ACCEPT_ENCODING", "")
        accepted = accepted_encodings(header) if header else ""
        if accepted:
            environ["HTTP_ACCEPT_ENCODING"] = accepted
        return self.app(environ, start_response)
