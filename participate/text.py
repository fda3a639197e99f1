"""The text helpers every feature and template shares (one definition each, registered for
templates in `init_app`):

- `paragraphs` (`format_body`): resident- or city-written plain text to HTML, escaped first,
  then links and paragraphs, then sanitised. It escapes everything, turns http(s) URLs into
  links marked rel="nofollow ugc noopener", keeps paragraphs (blank lines) and line breaks,
  and finally passes the result through nh3 with an allow-list of three tags, a second line
  of defence should the first ever be wrong. Every long text (initiatives, answers,
  activities, cancellation notes) goes through it, so links work the same everywhere.
- `excerpt`: the first words of a text, for lists, feeds and page descriptions.
- `language_name`: a language's name in the reader's language (also in e-mails, under
  `force_locale`): "Finnish", "suomi", "finska"; any ISO 639 code.
- `fallback_note`: "Only available in Finnish", beside a text shown in another language
  than the page's (a fallback is always shown, never silent).
"""

from __future__ import annotations

import re

import nh3
from babel import Locale
from flask import Flask
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from participate.i18n.catalog import locale
from participate.i18n.formatting import LANGUAGE_NAMES

LINK_REL = "nofollow ugc noopener"
URL_RE = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n+")
# Punctuation that usually ends the sentence rather than the address.
TRAILING = ".,;:!?)]}'\""


def _trim(url: str) -> str:
    while url and url[-1] in TRAILING:
        # Keep a ")" that closes a "(" inside the address (Wikipedia-style links).
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def linkify(line: str) -> Markup:
    parts: list[str] = []
    position = 0
    for match in URL_RE.finditer(line):
        url = _trim(match.group(0))
        if len(url) <= len("https://"):
            continue
        parts.append(escape(line[position : match.start()]))
        parts.append(Markup('<a href="{0}" rel="{1}">{0}</a>').format(url, LINK_REL))
        position = match.start() + len(url)
    parts.append(escape(line[position:]))
    return Markup("").join(parts)


def format_body(text: str) -> Markup:
    """Plain text to safe HTML paragraphs with clickable links."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return Markup("")
    paragraphs = []
    for block in PARAGRAPH_BREAK_RE.split(text):
        lines = [linkify(line) for line in block.strip("\n").split("\n")]
        paragraphs.append(Markup("<p>{}</p>").format(Markup("<br>\n").join(lines)))
    html = "\n".join(paragraphs)
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )
    return Markup(cleaned)  # noqa: S704 (escaped above and sanitised by nh3)


def excerpt(text: str, length: int = 240) -> str:
    """The first words of a text, for lists and feeds (plain text, escaped by the template)."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[:length].rsplit(" ", 1)[0]
    return f"{cut}…"


# Finnish Sign Language has no name in CLDR; other codes beyond the site's languages come from
# Babel in the reader's language.
OWN_LANGUAGE_NAMES = {"fse": _l("Finnish Sign Language")}

FALLBACK_NOTES = {
    "fi": _l("Only available in Finnish"),
    "sv": _l("Only available in Swedish"),
    "en": _l("Only available in English"),
}


def language_name(code: str) -> str:
    """The name of the language `code` in the current locale; the code itself if unknown."""
    if code in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[code])
    if code in OWN_LANGUAGE_NAMES:
        return str(OWN_LANGUAGE_NAMES[code])
    chosen = locale() or Locale.parse("fi")
    return str(chosen.languages.get(code, code))


def fallback_note(lang: str) -> str:
    """The note beside a text shown in `lang` because the page's language has none."""
    note = FALLBACK_NOTES.get(lang)
    return str(note) if note is not None else ""


def paragraphs(text: str | None) -> Markup:
    """`format_body` for templates, where a missing text is None."""
    return format_body(text or "")


def init_app(app: Flask) -> None:
    """The helpers as Jinja filters: `{{ text|paragraphs }}`, `{{ text|excerpt(200) }}`,
    `{{ code|language_name }}`, `{{ lang|fallback_note }}`."""
    app.jinja_env.filters.update(
        paragraphs=paragraphs,
        excerpt=lambda text, length=240: excerpt(text or "", length),
        language_name=language_name,
        fallback_note=fallback_note,
    )
