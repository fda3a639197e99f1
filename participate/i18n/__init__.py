"""Languages: the URL prefix, locale selection, formatting and per-language content."""

from flask import Flask

from participate.i18n import formatting, script_strings, urls
from participate.i18n.locale import LANGS, select_locale, select_timezone

__all__ = ["LANGS", "init_app", "select_locale", "select_timezone"]


def init_app(app: Flask) -> None:
    urls.init_app(app)
    formatting.init_app(app)
    script_strings.init_app(app)
