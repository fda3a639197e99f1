"""Security headers, with a per-request nonce for the few inline scripts (Folium maps)."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from flask_cors import CORS

# Open data that a browser app on another site may read: anonymous GETs only. Nothing that
# needs a session matches (no credentials are ever allowed), so CORS cannot leak a person's
# data; the patterns are anchored so `participants.csv` and every form stay same-origin.
CORS_RESOURCES = {
    r"^/api/v1/.*": {},
    r"^/(fi|sv|en)/initiatives/feed\.atom$": {},
    r"^/(fi|sv|en)/activities/(\d+|calendar)\.ics$": {},
}


def init_cors(app: Flask) -> None:
    """`Access-Control-Allow-Origin: *` on the open data; preflights may send validators."""
    CORS(
        app,
        resources=CORS_RESOURCES,
        origins="*",
        send_wildcard=True,
        supports_credentials=False,
        methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Accept-Language", "If-None-Match", "If-Modified-Since"],
        expose_headers=["ETag", "Retry-After"],
        max_age=86_400,
        vary_header=False,
    )


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    tile = urlsplit(settings.tile_url)
    # Map tiles are the one thing a browser may load from elsewhere, and only as images.
    tile_origin = f"{tile.scheme}://{tile.netloc}" if tile.netloc else ""
    tile_origin = tile_origin.replace("{s}.", "*.")

    app.jinja_env.globals["csp_nonce"] = csp_nonce
    init_cors(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        nonce = g.get("csp_nonce")
        script = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        style = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        policy = [
            "default-src 'self'",
            f"script-src {script}",
            f"style-src {style}",
            f"img-src 'self' data: {tile_origin}".strip(),
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
        response.headers["Content-Security-Policy"] = "; ".join(policy)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self)"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.is_secure:
            # Only over HTTPS (RFC 6797 §7.2: ignored, and misleading, on plain HTTP). Behind
            # a TLS-terminating proxy, PROXY_FIX makes X-Forwarded-Proto count.
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-cache")
            response.vary.add("Cookie")
        return response
