"""The operator's identity: the city's name, logo, colours, favicon and web manifest.

A theme is a folder holding `theme.toml` and the files it names (THEME setting: its path;
default `themes/default`, a neutral look). `themes/example/` shows every key:

    [city]                       # the operator, as a name and as an organisation, per language
    name = { fi = "Espoo", sv = "Esbo", en = "Espoo" }
    name_in = { fi = "Espoossa", sv = "i Esbo", en = "in Espoo" }  # "in <city>", inflected
    organisation = { fi = "Espoon kaupunki", sv = "Esbo stad", en = "City of Espoo" }

    [colours]                    # "#rrggbb"; become CSS custom properties (/theme.css)
    brand = "#1f4e9c"            # header, buttons, links: white text on it, it on white
    brand-dark = "#163a75"       # main menu, hover: white text on it
    brand-light = "#e8f0fb"      # panels and badges: text and brand-dark on it
    focus = "#ffd23f"            # the focus ring, drawn on white and on brand

    [files]                      # file names inside the theme folder (optional)
    logo = "logo.svg"            # shown in the header beside the service name
    favicon = "favicon.svg"      # also the web manifest's icon

Interface sentences never inflect a city's name themselves: they take the name as it stands
(`%(city)s`, nominative: "Esbo har …"), the phrase "in <city>" (`%(in_city)s`: Finnish
inessive "Espoossa", "Järvenrannassa"; "i Esbo"; "in Espoo") or the organisation as a subject
or in parentheses (`%(organisation)s`), or say "the city". Other cases (genitive, illative)
are avoided by wording, so a theme needs only these forms.

Colours are checked when the app starts (`ThemeError` names the pair): text pairs need a
WCAG 2.2 contrast ratio of at least 4.5:1 (SC 1.4.3), the focus ring 3:1 against what it is
drawn on (SC 1.4.11). The ratio is the WCAG 2.x definition: (L1 + 0.05) / (L2 + 0.05) with
sRGB relative luminance L.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from flask import Flask, current_app

LANGS: Final = ("fi", "sv", "en")
THEME_EXTENSION = "participate.theme"
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
WHITE: Final = "#ffffff"
TEXT: Final = "#1b1b1b"  # static/css/site.css --text

COLOUR_KEYS: Final = ("brand", "brand-dark", "brand-light", "focus")
# (foreground, background, minimum ratio, what it is): every pair the stylesheet draws.
CONTRAST_PAIRS: Final = (
    (WHITE, "brand", 4.5, "white text on the header and buttons"),
    ("brand", WHITE, 4.5, "links and secondary buttons on white"),
    (WHITE, "brand-dark", 4.5, "white text on the main menu"),
    ("brand-dark", "brand-light", 4.5, "badges and status labels"),
    (TEXT, "brand-light", 4.5, "body text on panels and notices"),
    ("brand", "brand-light", 4.5, "links on panels"),
    ("focus", "brand", 3.0, "the focus ring on the header"),
    ("focus", "brand-dark", 3.0, "the focus ring on the main menu"),
)
ALLOWED_SUFFIXES: Final = {".svg": "image/svg+xml", ".png": "image/png"}


class ThemeError(ValueError):
    """theme.toml is missing, malformed, or its colours fail the contrast checks."""


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of "#rrggbb" (0.0 black … 1.0 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio of two "#rrggbb" colours, 1.0 … 21.0 (order does not matter)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class Theme:
    folder: Path
    name: dict[str, str]
    name_in: dict[str, str]  # "in <city>": fi inessive ("Espoossa"), sv "i Esbo"
    organisation: dict[str, str]
    colours: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)

    def city_name(self, lang: str | None = None) -> str:
        """The city's name in `lang` (None: the current language), e.g. "Esbo"."""
        return self.name[lang or _language()]

    def in_city(self, lang: str | None = None) -> str:
        """ "In the city" as a sentence says it in `lang`: "Espoossa", "i Esbo", "in Espoo"."""
        return self.name_in[lang or _language()]

    def organisation_name(self, lang: str | None = None) -> str:
        """The operator as an organisation in `lang`, e.g. "Espoon kaupunki"."""
        return self.organisation[lang or _language()]

    def css(self) -> str:
        """The :root custom properties that override static/css/site.css's defaults."""
        lines = [f"  --{key}: {value};" for key, value in self.colours.items()]
        return ":root {\n" + "\n".join(lines) + "\n}\n"

    def file_path(self, name: str) -> Path | None:
        """The theme file a public name refers to (only files theme.toml names), or None."""
        if name not in self.files.values():
            return None
        return self.folder / name

    def contrast_failures(self) -> list[str]:
        """Every colour pair below its WCAG minimum, as readable sentences (empty: all pass)."""
        failures = []
        for fore, back, minimum, what in CONTRAST_PAIRS:
            ratio = contrast_ratio(self.colours.get(fore, fore), self.colours.get(back, back))
            if ratio < minimum:
                failures.append(f"{what}: {fore} on {back} is {ratio:.2f}:1, needs {minimum}:1")
        return failures


def _language() -> str:
    """The page's language (Finnish outside a request). Imported here: the settings load
    the theme before the app, and i18n needs Flask-Babel."""
    from participate.i18n.content import current_lang

    return current_lang()


def _per_language(table: dict[str, Any], key: str) -> dict[str, str]:
    value = table.get(key)
    if not isinstance(value, dict) or set(value) != set(LANGS):
        raise ThemeError(f"[city] {key} needs fi, sv and en")
    if not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise ThemeError(f"[city] {key}: every language needs a text")
    return {lang: value[lang].strip() for lang in LANGS}


def load_theme(folder: Path) -> Theme:
    """Read and check `folder/theme.toml`. Raises ThemeError."""
    try:
        data = tomllib.loads((folder / "theme.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThemeError(f"{folder / 'theme.toml'}: {exc}") from exc
    city = data.get("city", {})
    colours = data.get("colours", {})
    if set(colours) != set(COLOUR_KEYS) or not all(
        isinstance(v, str) and _HEX.fullmatch(v) for v in colours.values()
    ):
        raise ThemeError(f"[colours] needs {', '.join(COLOUR_KEYS)} as #rrggbb")
    files = data.get("files", {})
    for key, name in files.items():
        if key not in {"logo", "favicon"}:
            raise ThemeError(f"[files] {key}: unknown key (logo, favicon)")
        path = folder / str(name)
        if "/" in str(name) or path.suffix not in ALLOWED_SUFFIXES or not path.is_file():
            raise ThemeError(f"[files] {key}: {name} is not an .svg or .png file in {folder}")
    theme = Theme(
        folder=folder,
        name=_per_language(city, "name"),
        name_in=_per_language(city, "name_in"),
        organisation=_per_language(city, "organisation"),
        colours={key: colours[key].lower() for key in COLOUR_KEYS},
        files={key: str(name) for key, name in files.items()},
    )
    if failures := theme.contrast_failures():
        raise ThemeError(f"{folder}: contrast below WCAG 2.2 AA: " + "; ".join(failures))
    return theme


def init_app(app: Flask, folder: Path) -> None:
    app.extensions[THEME_EXTENSION] = load_theme(folder)


def current_theme() -> Theme:
    theme: Theme = current_app.extensions[THEME_EXTENSION]
    return theme
