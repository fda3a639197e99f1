"""Participate: the application factory."""

from __future__ import annotations

from flask import Flask
from jinja2 import StrictUndefined
from werkzeug.middleware.proxy_fix import ProxyFix

from participate import (
    caching,
    folium_import,  # noqa: F401  (before any map module: Folium without pandas)
    inputs,
    observability,
)
from participate.config import ROOT, Settings
from participate.urls import url_per_id
from participate.web import compression


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    settings.validate()
    app = Flask(
        "participate",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_mapping(settings.flask_config())
    init_proxy(app, settings.proxy_fix)
    inputs.init_app(app)  # converters first: every blueprint's rules use them
    # The first after_request hook runs last: it compresses the finished response.
    compression.init_app(app)
    # Before the extensions' hooks, so a request the limiter refuses is timed and counted.
    observability.init_app(app, settings)
    init_templates(app, strict=not settings.is_production)
    init_extensions(app)
    caching.init_app(app)  # the per-process cache of rendered feeds

    from participate import (
        accounts,
        activities,
        api,
        councillors,
        districts,
        i18n,
        identification,
        initiatives,
        mail,
        moderation,
        notifications,
        seeding,
        text,
        web,
    )

    for feature in (
        i18n,
        text,
        web,
        districts,
        mail,
        accounts,
        identification,
        notifications,
        initiatives,
        moderation,
        seeding,
        councillors,
        activities,
        api,
    ):
        feature.init_app(app)
    # Outermost, around WhiteNoise too: every layer sees only the codings the client accepts.
    app.wsgi_app = compression.AcceptedEncodings(app.wsgi_app)  # type: ignore[method-assign]
    return app


def init_proxy(app: Flask, proxies: int) -> None:
    """Trust `X-Forwarded-For/-Proto/-Host/-Prefix` from `proxies` reverse proxies (PROXY_FIX).

    Then the rate limiter counts real clients, not the proxy, and `request.is_secure` knows
    about TLS ended at the proxy. The Host is still checked against TRUSTED_HOSTS, and
    absolute URLs still come only from BASE_URL (participate/urls.py).
    """
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )


def init_templates(app: Flask, *, strict: bool) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Long lists build each row's link from one url_for (`{% set link = url_per_id(…) %}`).
    app.jinja_env.globals["url_per_id"] = url_per_id
    if strict:
        app.jinja_env.undefined = StrictUndefined


def init_extensions(app: Flask) -> None:
    from participate import models  # noqa: F401  (every table known to Alembic)
    from participate.extensions import babel, csrf, db, limiter, login_manager, migrate
    from participate.i18n import catalog, select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    catalog.install(app, babel)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
