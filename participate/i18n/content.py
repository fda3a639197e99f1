"""City-authored text stored per language, with a visible fallback.

Models keep `name_fi`, `name_sv`, `name_en` (or `title_*`, `body_*`); `pick()` returns the text
in the page's language or, failing that, the first language that has it, and says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from participate.i18n.catalog import locale
from participate.i18n.locale import LANGS

# The order to fall back in: Finnish and Swedish are the city's official languages.
FALLBACK_ORDER = ("fi", "sv", "en")


@dataclass(frozen=True)
class Localized:
    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        # Jinja escapes str(); this keeps `{{ value }}` safe and short in templates.
        from markupsafe import escape

        return str(escape(self.text))


def current_lang() -> str:
    chosen = locale()
    return chosen.language if chosen and chosen.language in LANGS else "fi"


def pick(obj: Any, field: str, lang: str | None = None) -> Localized:
    """The `field` of `obj` in `lang` (default: the page's language) or a fallback."""
    lang = lang or current_lang()
    wanted = getattr(obj, f"{field}_{lang}", None)
    if wanted:
        return Localized(wanted, lang, False)
    for other in FALLBACK_ORDER:
        text = getattr(obj, f"{field}_{other}", None)
        if text:
            return Localized(text, other, True)
    return Localized("", lang, False)
