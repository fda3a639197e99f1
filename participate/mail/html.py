"""The HTML part of an e-mail, built from its plain text and the same template data.

Every e-mail template is written once, as plain text (`templates/emails/<feature>/<name>.txt`).
`to_html()` turns that text into an accessible HTML document: the subject as a real `<h1>`,
paragraphs for blank-line separated blocks, lists for lines starting with "- ", and a link for
each line that is exactly one of the URLs the caller passed in the template data (so text
written by residents never becomes a link). The document has `lang`, a `<title>`, no images
and no remote assets (no stylesheets, fonts or tracking pixels): it reads the same with images
off and in a screen reader. Inline styles only, as mail clients drop `<style>` blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import render_template

URL_PREFIXES = ("http://", "https://")


@dataclass
class Block:
    """A paragraph (lines joined by line breaks) or a bulleted list (one item a line)."""

    kind: Literal["p", "ul"]
    lines: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_link)


def context_urls(context: Mapping[str, Any]) -> set[str]:
    """Every absolute URL among the template data's string values (`link`, `activity_link`…),
    also inside lists and tuples (a digest's lines)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value.strip().startswith(URL_PREFIXES):
                found.add(value.strip())
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for value in context.values():
        walk(value)
    return found


def blocks(text: str, links: Iterable[str]) -> list[Block]:
    """Split plain text into paragraphs and lists; a line that is one of `links` is a link."""
    known = set(links)
    result: list[Block] = []
    current: Block | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            current = None
            continue
        kind: Literal["p", "ul"] = "ul" if line.startswith("- ") else "p"
        if kind == "ul":
            line = line[2:].strip()
        if current is None or current.kind != kind:
            current = Block(kind)
            result.append(current)
        current.lines.append((line, line in known))
    return result


def to_html(text: str, *, subject: str, lang: str, context: Mapping[str, Any]) -> str:
    """The HTML document for `text` (already rendered in `lang`); see the module docstring."""
    return render_template(
        "emails/_layout.html",
        subject=subject,
        lang=lang,
        blocks=blocks(text, context_urls(context)),
        unsubscribe_url=context.get("unsubscribe_url"),
    )
