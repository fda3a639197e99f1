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

from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, request


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
