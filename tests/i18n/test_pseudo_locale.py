"""No untranslated interface text reaches a page: the pseudo-locale crawl.

At test time every entry of the catalog is rewritten as `⟦<English>⟧` and compiled as the
Finnish catalog. The demo content is loaded, then every page of tests/routes.txt and the
error states of the forms and query parameters are rendered in `/fi/`, anonymously and as
an administrator. Any visible text (text nodes, `<title>`, labels in `aria-label`, `title`,
`alt`, `placeholder`, button values, and the JSON strings handed to scripts) that is
neither inside the markers nor content data (a value stored in the database, a setting, a
CLDR date word) fails the test: it would be English on a Finnish or Swedish page.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment, Doctype
from flask import Flask
from flask.testing import FlaskClient

from participate.accounts.models import Role
from participate.extensions import babel, db
from participate.i18n.formatting import DATETIME_JOINERS
from participate.i18n.locale import LANG_AUTONYMS
from tests.pages import page_urls, sign_in

ROOT = Path(__file__).resolve().parents[2]
OPEN, CLOSE = "⟦", "⟧"
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
LETTER = re.compile(r"[^\W\d_]")
# Proper names and symbols that are the same in every language.
ALLOWED = {"Suomeksi", "På svenska", "In English", "SDG", "OpenStreetMap", "Leaflet", "\u00d7"}
ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "aria-description")
# Templates join content with punctuation ("Title \u2013 district", "Name <e-mail>").
SEPARATORS = re.compile(r"\s*[\u00b7\u2013\u2014:;()<>,|/]\s*|\s-\s")


def pseudo_catalog(target: Path) -> None:
    """Compile `translations/fi` with every string wrapped in the markers into `target`."""
    with (ROOT / "translations" / "fi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        source = read_po(handle, locale="fi")
    pseudo = Catalog(locale="fi", domain="messages")
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string: Any = tuple(f"{OPEN}{part}{CLOSE}" for part in message.id)
        else:
            string = f"{OPEN}{message.id}{CLOSE}"
        pseudo.add(message.id, string, context=message.context, flags=message.flags)
    out = target / "fi" / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "messages.mo").open("wb") as handle:
        write_mo(handle, pseudo)


@pytest.fixture
def pseudo_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The session app with the pseudo catalog in place of Finnish, and the demo content."""
    pseudo_catalog(tmp_path)
    config = app.extensions["babel"]
    real = config.translation_directories
    config.translation_directories = [str(tmp_path)]
    with app.app_context():
        domain = babel.domain_instance  # one translations cache for every app of the process
    domain.cache.clear()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    try:
        yield app
    finally:
        config.translation_directories = real
        domain.cache.clear()


def content_strings(app: Flask) -> str:
    """Every text value stored in the database and every text setting, one per line."""
    values: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            values.append(" ".join(value.split()))
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                texts = [v for v in row if isinstance(v, str) and v.strip()]
                for value in row:
                    collect(value)
                # Names shown as two columns joined: "Aino Koivurinne", "02920 Niipperi".
                collect([f"{a} {b}" for a in texts for b in texts if a is not b])
        for value in vars(app.config["SETTINGS"]).values():
            collect(value)
    return "\n".join(values)


def cldr_words(lang: str = "fi") -> set[str]:
    """Month and day names and the like that Babel's formatting writes (not our catalog)."""
    locale = Locale.parse(lang)
    words: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, str):
            words.update(re.findall(r"[^\W\d_]+", value.lower()))
        elif hasattr(value, "values"):
            for item in value.values():
                collect(item)

    for names in (locale.months, locale.days, locale.quarters, locale.eras, locale.day_periods):
        collect(names)
    collect(locale.languages)  # "suomi, ruotsi": language names are CLDR's
    collect(locale._data["unit_patterns"])  # "3 päivää" from format_timedelta
    collect(DATETIME_JOINERS[lang])
    collect(LANG_AUTONYMS)  # a language offered in its own name ("English")
    return words


def visible_strings(html: str) -> list[str]:
    """Chunks of text a person sees or hears, plus the strings a page gives its scripts."""
    soup = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    for script in soup.find_all("script"):
        if script.get("type") == "application/json" and script.get("data-i18n") is not None:
            found.extend(str(v) for v in json.loads(script.string or "{}").values())
        script.decompose()
    # Code samples (URLs, commands) are the same in every language.
    for tag in soup(["style", "template", "code", "pre", "kbd", "samp"]):
        tag.decompose()
    for tag in soup.find_all(True):
        for attribute in ATTRIBUTES:
            if tag.get(attribute):
                found.append(tag[attribute])
        if tag.name == "input" and tag.get("type") in {"submit", "button"} and tag.get("value"):
            found.append(tag["value"])
    texts = [
        str(t)
        for t in soup.find_all(string=True)
        if not isinstance(t, Comment | Doctype) and str(t).strip()
    ]
    found.append("\n".join(texts))
    return found


def untranslated(html: str, content: str, words: set[str]) -> list[str]:
    """The chunks of visible text that are neither marked nor content data."""
    problems = []
    for chunk in visible_strings(html):
        text = chunk
        while True:  # innermost first: translated strings can nest inside others
            stripped = MARKED.sub("\n", text)
            if stripped == text:
                break
            text = stripped
        for line in text.split("\n"):
            line = " ".join(line.replace("\u00a0", " ").replace("\u202f", " ").split())
            if LETTER.search(line) and not is_data(line, content, words):
                problems.append(line)
    return problems


def leaflet_untranslated(html: str) -> list[str]:
    """Leaflet's English defaults stay unless map-controls.js runs right after leaflet.js."""
    sources = [tag.get("src", "") for tag in BeautifulSoup(html, "html.parser")("script")]
    for index, src in enumerate(sources):
        if src.endswith("/leaflet.js") and sources[index + 1 :][:1] != [
            "/static/js/map-controls.js"
        ]:
            return ["leaflet.js without static/js/map-controls.js right after it"]
    return []


def is_data(line: str, content: str, words: set[str]) -> bool:
    """Whether a line of text is content, a date or a name rather than interface text."""
    if line in ALLOWED or in_content(line.rstrip("…").strip(), content):
        return True
    for segment in SEPARATORS.split(line):
        segment = segment.strip(" .…")
        if not LETTER.search(segment) or segment in ALLOWED or in_content(segment, content):
            continue
        if all(token in words for token in re.findall(r"[^\W\d_]+", segment.lower())):
            continue
        return False
    return True


@functools.cache
def in_content(text: str, content: str) -> bool:
    """Whether `text` occurs in the content as whole words (cached: pages repeat names)."""
    start = content.find(text)
    while start >= 0:
        end = start + len(text)
        before = content[start - 1] if start else " "
        after = content[end] if end < len(content) else " "
        if not (before.isalnum() or after.isalnum()):
            return True
        start = content.find(text, start + 1)
    return False


def test_every_page_and_error_state_is_translated(pseudo_app: Flask) -> None:
    content = content_strings(pseudo_app)
    words = cldr_words("fi")
    failures: dict[str, list[str]] = {}
    seen = 0
    urls = page_urls(pseudo_app, "fi")
    for who in ("anonymous", "resident", "admin"):
        client = pseudo_app.test_client()
        if who != "anonymous":
            sign_in(client, pseudo_app, Role(who))
        seen += crawl(client, urls, content, words, failures)
    assert seen > 100, f"only {seen} pages rendered: the crawl is not reaching the site"
    assert not failures, "interface text outside the catalog:\n" + "\n".join(
        f"{where}: {problems}" for where, problems in failures.items()
    )


def crawl(
    client: FlaskClient,
    urls: list[tuple[str, str]],
    content: str,
    words: set[str],
    failures: dict[str, list[str]],
) -> int:
    """Render each URL; record its untranslated text in `failures`; return the page count."""
    seen = 0
    for method, url in urls:
        if method == "POST" and url.endswith(("/logout", "/delete")):
            continue
        response = client.open(url, method=method, data={})
        if response.status_code in {301, 302, 303} or "text/html" not in response.content_type:
            continue
        seen += 1
        html = response.get_data(as_text=True)
        problems = untranslated(html, content, words) + leaflet_untranslated(html)
        if problems:
            failures[f"{method} {url} ({response.status_code})"] = sorted(set(problems))[:6]
    return seen


def test_the_check_itself_finds_unmarked_text() -> None:
    html = (
        "<html><head><title>⟦Title⟧</title></head><body><h1>⟦Hello ⟦nested⟧ %(x)s⟧</h1>"
        "<p>Untranslated words</p><button aria-label='Close'>\u00d7</button>"
        "<p>Content from the database</p><p>1.12.2026 joulukuuta</p></body></html>"
    )
    assert untranslated(html, "Content from the database", cldr_words("fi")) == [
        "Close",
        "Untranslated words",
    ]
