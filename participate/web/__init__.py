"""The shell of the site: front page, static pages, /healthz, errors, headers, navigation."""

from pathlib import Path

from flask import Flask


def init_app(app: Flask) -> None:
    from participate import theme
    from participate.config import ROOT
    from participate.web import assets, discovery, errors, navigation, security, vendor
    from participate.web.views import bp, root_bp

    settings = app.config["SETTINGS"]
    app.register_blueprint(root_bp)
    app.register_blueprint(discovery.bp)
    app.register_blueprint(bp)
    app.register_blueprint(vendor.bp)
    errors.init_app(app)
    security.init_app(app)
    navigation.init_app(app)
    theme.init_app(app, ROOT / (settings.theme or "themes/default"))  # relative: to the repo
    app.context_processor(lambda: {"theme": theme.current_theme()})
    static_root = settings.static_root
    assets.init_app(app, Path(static_root) if static_root else assets.default_root())
