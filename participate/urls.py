"""The one canonical origin: every absolute URL the app writes comes from `BASE_URL`.

E-mail links, Atom ids and links, `.ics` UIDs, Message-ID domains, API `url` fields,
canonical, hreflang and Open Graph links and the sitemap all go through `external_url()`
(an endpoint) or `external_path()` (a path already built with `url_for`). The request's
`Host` header is never used: a forged `Host: evil.example` must not end up in a reset link
sent to a real person (password-reset poisoning, OWASP "Host header injection").

`url_for(..., _external=True)` is therefore not used anywhere else; a test in
tests/test_architecture.py enforces it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, request, url_for


def base_url() -> str:
    """`BASE_URL` without a trailing slash, e.g. ``"https://osallistu.espoo.fi"``."""
    return str(current_app.config["SETTINGS"].base_url).rstrip("/")


def origin_host() -> str:
    """The host name of `BASE_URL` (no port), for `.ics` UIDs and Message-ID domains."""
    return urlsplit(base_url()).hostname or "localhost"


def external_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` as an absolute URL under `BASE_URL`.

    Works inside a request (the language prefix and other URL defaults are added as
    `url_for` does, and ``".name"`` means the current blueprint) and outside one (CLI, the
    mail sender). `_anchor` is supported; `_external`, `_scheme` and `_method` are not.
    Raises werkzeug's `BuildError` for an unknown endpoint or missing values, as `url_for`.
    """
    app = current_app
    if endpoint.startswith(".") and has_request_context() and request.blueprint:
        endpoint = f"{request.blueprint}{endpoint}"
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    base = urlsplit(base_url())
    adapter = app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    url = adapter.build(endpoint, values, force_external=True)
    if anchor is not None:
        url += "#" + quote(str(anchor), safe="!#$&'()*+,/:;=?@~")
    return url


def external_path(path: str) -> str:
    """An absolute URL for a path built in this app (``"/fi/initiatives/?page=2"``).

    The path must start with ``/``; it is put under the origin of `BASE_URL` (a `BASE_URL`
    with a path prefix expects the path to carry it, as `url_for` paths do behind
    `PROXY_FIX` with `X-Forwarded-Prefix`). Raises `ValueError` for anything else.
    """
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not an absolute path: {path!r}")
    base = urlsplit(base_url())
    return f"{base.scheme}://{base.netloc}{path}"


# An id no real row has, written once into a URL and then replaced by each row's id.
_SENTINEL_ID = 987_654_321


def url_per_id(
    endpoint: str, key: str, *, external: bool = False, **values: Any
) -> Callable[[int], str]:
    """A function id → the URL of `endpoint` with `key=id`, built once (`url_for`, or
    `external_url` with `external=True`) for lists that link every row (the API, the feeds,
    the map's points), where building a URL per row cost more than the row itself.

    `key` must be an `<int:…>` part of the route (written as plain digits). Raises werkzeug's
    `BuildError` as `url_for`, and ValueError if the built URL does not hold the id once."""
    build = external_url if external else url_for
    url = build(endpoint, **{key: _SENTINEL_ID}, **values)
    head, found, tail = url.partition(str(_SENTINEL_ID))
    if not found or str(_SENTINEL_ID) in tail:
        raise ValueError(f"{endpoint}: {key} is not written once in {url!r}")
    return lambda row_id: f"{head}{int(row_id)}{tail}"
