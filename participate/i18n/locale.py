"""Which language a request or a recipient gets."""

from __future__ import annotations

from flask import g, has_request_context, request
from flask_login import current_user

LANGS: tuple[str, ...] = ("fi", "sv", "en")
DEFAULT_LANG = "fi"
LANG_COOKIE = "lang"
TIMEZONE = "Europe/Helsinki"
API_PREFIX = "/api/"

# The language names as their own speakers write them (for the switcher).
LANG_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
# Autonyms used where a language is named inside a sentence of the page's language.
LANG_AUTONYMS = {"fi": "suomi", "sv": "svenska", "en": "English"}


def is_supported(code: str | None) -> bool:
    return code in LANGS


def select_locale() -> str:
    """The language of the current request, in this order:

    1. the URL prefix (`/fi/`, `/sv/`, `/en/`), which is authoritative for pages;
    2. a language forced for this block (e-mails use `force_locale(recipient.language)`);
    3. for the JSON API under /api/: Accept-Language only (`api_language`), so the same
       request gets the same answer whoever sends it and whatever cookie it carries;
    4. the signed-in user's preferred language;
    5. the `lang` cookie set when a person last chose a language;
    6. the browser's Accept-Language header;
    7. Finnish.
    """
    lang = g.get("lang_code") if has_request_context() else None
    if lang and is_supported(lang):
        return str(lang)
    if not has_request_context():
        return DEFAULT_LANG
    if request.path.startswith(API_PREFIX):
        return api_language()
    if current_user and current_user.is_authenticated and is_supported(current_user.language):
        return str(current_user.language)
    return preferred_from_request()


def preferred_from_request() -> str:
    """The cookie, then Accept-Language, then Finnish (used by `/` and error pages)."""
    cookie = request.cookies.get(LANG_COOKIE)
    if is_supported(cookie):
        return str(cookie)
    return request.accept_languages.best_match(LANGS) or DEFAULT_LANG


def api_language() -> str:
    """The language of API messages: the best match of Accept-Language, else Finnish."""
    if not has_request_context():
        return DEFAULT_LANG
    return request.accept_languages.best_match(LANGS) or DEFAULT_LANG


def select_timezone() -> str:
    return TIMEZONE
