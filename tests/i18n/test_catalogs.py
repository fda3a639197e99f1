"""The catalogs: template current, fi and sv complete, placeholders and tags intact.

Fails the suite when someone adds a string without running `make translations-update`
or leaves a Finnish or Swedish entry empty or fuzzy.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "translations" / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def as_text(value: str | tuple[str, ...] | list[str]) -> str:
    return value if isinstance(value, str) else " ".join(value)


@pytest.fixture(scope="module")
def fresh_pot(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, str(ROOT / "scripts" / "extract_strings.py"), str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return read(out)


def test_extraction_covers_every_template_folder_and_keyword(fresh_pot: Catalog) -> None:
    """Strings in `templates/_macros/` and in `lazy_ngettext` calls reach the catalog."""
    locations = {path for message in fresh_pot for path, _line in message.locations}
    folders = {
        p.parent.relative_to(ROOT).as_posix()
        for p in (ROOT / "templates").rglob("*")
        if p.suffix in {".html", ".txt"} and "{{" in p.read_text(encoding="utf-8")
    }
    extracted = {Path(loc).parent.as_posix() for loc in locations}
    assert folders <= extracted, f"template folders never extracted: {sorted(folders - extracted)}"
    ids = {message.id for message in fresh_pot}
    assert "Check the following and try again" in ids
    assert (
        "%(num)s person already has a place. Enter at least that many places.",
        "%(num)s people already have a place. Enter at least that many places.",
    ) in ids


def test_pot_is_current(fresh_pot: Catalog) -> None:
    committed = keys(read(POT))
    current = keys(fresh_pot)
    missing = sorted(current - committed, key=str)
    stale = sorted(committed - current, key=str)
    hint = "translations/messages.pot is out of date: run `make translations-update`."
    assert not missing, f"{hint}\nnew strings: {missing[:10]}"
    assert not stale, f"{hint}\nremoved strings: {stale[:10]}"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_catalog_is_complete(lang: str) -> None:
    catalog = read(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po")
    template = keys(read(POT))
    assert keys(catalog) == template, (
        "catalog does not match messages.pot: run make translations-update"
    )
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        elif not all(s.strip() for s in strings):
            problems.append(("empty", message.id))
    assert not catalog.obsolete, f"obsolete entries in {lang}: {list(catalog.obsolete)[:5]}"
    assert not problems, f"{len(problems)} {lang} entries to translate, e.g. {problems[:5]}"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_placeholders_and_tags_match(lang: str) -> None:
    catalog = read(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = as_text(message.id)
        for translated in [message.string] if isinstance(message.string, str) else message.string:
            if not translated:
                continue
            wanted, found = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(translated))
            # A singular form may leave out the count ("yksi"); other entries keep them all.
            if wanted != found and not (isinstance(message.id, tuple) and found <= wanted):
                problems.append(("placeholders", source))
            # Each plural form has the tags of one source form (the singular's).
            tagged = message.id[0] if isinstance(message.id, tuple) else source
            if sorted(TAG.findall(tagged)) != sorted(TAG.findall(translated)):
                problems.append(("tags", source))
    assert not problems, problems[:10]


# Text allowed outside gettext in templates: punctuation, numbers, proper names.
ALLOWED_TEXT = re.compile(r"^[\s\W\d]*$|^(Suomeksi|På svenska|In English|SDG)$")
JINJA = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}|{#.*?#}|{%.*?%}|{{.*?}}", re.DOTALL)


def visible_text_outside_gettext(source: str) -> list[str]:
    from bs4 import BeautifulSoup, Doctype

    stripped = JINJA.sub(" ", source)
    soup = BeautifulSoup(stripped, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    found = [
        t.strip() for t in soup.find_all(string=True) if t.strip() and not isinstance(t, Doctype)
    ]
    for tag in soup.find_all(True):
        for attribute in ("aria-label", "title", "alt", "placeholder"):
            value = (tag.get(attribute) or "").strip()
            if value:
                found.append(value)
    return [t for t in found if not ALLOWED_TEXT.match(t)]


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.html"))
)
def test_templates_have_no_untranslated_text(template: str) -> None:
    leftovers = visible_text_outside_gettext((ROOT / template).read_text(encoding="utf-8"))
    assert not leftovers, f"text outside {{% trans %}} or _(): {leftovers[:5]}"


def test_finnish_venue_accessibility_is_esteettomyys() -> None:
    """Glossary: a place's physical accessibility is *esteettömyys*; *saavutettavuus* is for
    digital services (the accessibility statement) only."""
    catalog = read(ROOT / "translations" / "fi" / "LC_MESSAGES" / "messages.po")
    wrong = []
    for message in catalog:
        paths = {path for path, _line in message.locations}
        about_places = any("activities" in path or "moderation" in path for path in paths)
        digital = any("web/" in path for path in paths)
        text = as_text(message.string) if message.string else ""
        if about_places and not digital and "saavutettav" in text.lower():
            wrong.append(as_text(message.id))
    assert not wrong, wrong
