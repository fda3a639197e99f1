"""The shell of the site: front page, static pages, /healthz, errors, headers, navigation."""

from flask import Flask


def init_app(app: Flask) -> None:
    from participate.web import errors, navigation, security, vendor
    from participate.web.views import bp, root_bp

    app.register_blueprint(root_bp)
    app.register_blueprint(bp)
    app.register_blueprint(vendor.bp)
    errors.init_app(app)
    security.init_app(app)
    navigation.init_app(app)
