"""Resident-written text to HTML: escaped first, then links and paragraphs, then sanitised.

Residents write plain text. `format_body` escapes everything, turns http(s) URLs into links
marked rel="nofollow ugc noopener", keeps paragraphs (blank lines) and line breaks, and
finally passes the result through nh3 with an allow-list of three tags, a second line of
defence should the first ever be wrong.
"""

from __future__ import annotations

import re

import nh3
from markupsafe import Markup, escape

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
