"""Strong identification over SAML 2.0 (Suomi.fi e-Identification) with pysaml2."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from participate.identification.views import bp

    app.register_blueprint(bp)
