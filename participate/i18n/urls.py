"""The `/<lang>/` URL prefix: value processors, the language switcher and hreflang links.

Pattern: Flask's "URL processors" documentation. Every HTML blueprint is registered under
`/<any(fi,sv,en):lang_code>`; `g.lang_code` carries the language to `url_for`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request, url_for
from werkzeug.routing import BuildError

from participate.i18n.locale import DEFAULT_LANG, LANG_COOKIE, LANG_NAMES, LANGS, is_supported
from participate.urls import external_path

# Every HTML blueprint's url_prefix starts with this (`any(...)`: a plain `/<lang_code>` would
# also swallow /favicon.ico and /robots.txt); tests/test_architecture.py keeps it the only one.
LANG_PREFIX = f"/<any({','.join(LANGS)}):lang_code>"
ONE_YEAR = 365 * 24 * 3600


def lang_from_path(path: str) -> str | None:
    """The language of a path that may not match any route (error pages need it)."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if is_supported(first) else None


def switch_language_url(lang: str) -> str:
    """The current page in another language, with its query arguments."""
    if request.endpoint and request.url_rule and "lang_code" in request.url_rule.arguments:
        args: dict[str, Any] = dict(request.view_args or {})
        args["lang_code"] = lang
        args.update(request.args.to_dict(flat=False))
        try:
            return url_for(request.endpoint, **args)
        except BuildError:
            pass
    current = lang_from_path(request.path)
    if current:
        rest = request.full_path[len(current) + 1 :].rstrip("?")
        return f"/{lang}{rest}"
    return f"/{lang}/"


def alternates() -> list[tuple[str, str]]:
    """(lang, absolute url) for the hreflang links of the current page."""
    if request.url_rule is None or "lang_code" not in request.url_rule.arguments:
        return []
    return [(lang, external_path(switch_language_url(lang))) for lang in LANGS]


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def pull_lang_code(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "lang_code" in values:
            g.lang_code = values.pop("lang_code")

    @app.url_defaults
    def add_lang_code(endpoint: str, values: dict[str, Any]) -> None:
        if "lang_code" in values or not g.get("lang_code"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            values["lang_code"] = g.lang_code

    @app.after_request
    def remember_language(response: Response) -> Response:
        # The language of the last page read is the person's choice: `/` goes back to it.
        # Only a page that differs from what `/` would choose anyway sets the cookie, so an
        # anonymous visitor reading in their browser's language gets no cookie and shared
        # caches can keep the page; feeds and calendar files never set it.
        lang = g.get("lang_code")
        current = request.cookies.get(LANG_COOKIE) or (
            request.accept_languages.best_match(LANGS) or DEFAULT_LANG
        )
        if (
            lang
            and lang != current
            and response.status_code < 400
            and response.mimetype == "text/html"
        ):
            response.set_cookie(
                LANG_COOKIE,
                lang,
                max_age=ONE_YEAR,
                samesite="Lax",
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
            )
        return response

    @app.context_processor
    def language_helpers() -> dict[str, Any]:
        from participate.i18n.content import current_lang

        return {
            "current_lang": current_lang(),
            "LANGS": LANGS,
            "LANG_NAMES": LANG_NAMES,
            "switch_language_url": switch_language_url,
            "hreflang_alternates": alternates,
        }
