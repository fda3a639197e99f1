"""Names and titles in the order a Finn or a Finland-Swede expects: Å, Ä, Ö after Z.

    Aalto, Mustonen, Müller, Myllys, Zetterberg, Ziegler, Åström, Äijälä, Öhman

Code-point order (SQLite's BINARY and NOCASE, PostgreSQL's "C" collation, Python's `sorted`)
puts Ä before Å and every capital before every small letter, and a language-neutral Unicode
order (CLDR root, `pyuca`) files Å and Ä under A. The Finnish and Swedish CLDR tailorings
(ICU) give the expected order: Å, Ä, Ö (and Æ, Ø) are letters of their own after Z, Ü sorts
as Y, case and accents only break ties.

One mechanism, used in three places:

- SQL, `collate(column)`: `column COLLATE "fi-FI-x-icu"` (or `"sv-FI-x-icu"` on Swedish
  pages). PostgreSQL built with ICU (Debian's is) has both collations in every database;
  SQLite gets collations of the same names on every connection (`register_sqlite`, called
  by participate.db's connect hook), backed by the same ICU tailoring through PyICU, so one
  query orders the same on both databases.
- Python, `sort_key(text)`: the ICU sort key (bytes) for in-memory sorts.
- `collation_name(lang)`: which of the two a language uses. Finnish and English pages use
  the Finnish order (the names are the city's Finnish and Swedish names; English CLDR order
  would file Åström under A), Swedish pages the Swedish one (both put Å, Ä, Ö after Z and Ü
  with Y; with ICU 72 they differ only where Þ goes).

The language is the current page's (Flask-Babel's locale: the URL prefix, or Accept-Language
for the API), Finnish outside a request. Sorting is presentation: break ties with a unique
column (an id) where the order must be total, since ICU ranks "ab" and "Ab" by case only.

Requires PyICU's `icu` module, from the `pyicu-wheels` package (ICU inside the wheel;
docs/decisions/0005-icu-from-a-wheel.md).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any, Final

import icu
import sqlalchemy as sa

FINNISH: Final = "fi-FI-x-icu"
SWEDISH: Final = "sv-FI-x-icu"
# The ICU locale behind each collation name (PostgreSQL's names, which SQLite reuses).
_ICU_LOCALES: Final = {FINNISH: "fi_FI", SWEDISH: "sv_FI"}
_BY_LANGUAGE: Final = {"fi": FINNISH, "sv": SWEDISH, "en": FINNISH}

# ICU collators are cheap to keep and not meant to be shared between threads: one per thread.
_local = threading.local()


def collation_name(lang: str | None = None) -> str:
    """The collation for a language code ("fi", "sv", "en"; None: the current page's).
    Unknown codes get the Finnish collation."""
    if lang is None:
        lang = _current_language()
    return _BY_LANGUAGE.get(lang, FINNISH)


def _current_language() -> str:
    from flask import has_app_context
    from flask_babel import get_locale

    if not has_app_context():
        return "fi"
    locale = get_locale()
    return locale.language if locale is not None else "fi"


def _collator(name: str) -> Any:
    collators: dict[str, Any] = _local.__dict__.setdefault("collators", {})
    collator = collators.get(name)
    if collator is None:
        collator = icu.Collator.createInstance(icu.Locale(_ICU_LOCALES[name]))
        collators[name] = collator
    return collator


def collate(column: sa.ColumnElement[Any], lang: str | None = None) -> sa.ColumnElement[Any]:
    """`column COLLATE "<fi-FI|sv-FI>-x-icu"` for ORDER BY (or comparisons) on either
    database; `lang` as in `collation_name`."""
    return sa.collate(column, collation_name(lang))


def sort_key(text: str | None, lang: str | None = None) -> bytes:
    """The ICU sort key of `text` (None sorts as the empty string): `sorted(names,
    key=sort_key)` orders as `ORDER BY collate(column)` does."""
    return bytes(_collator(collation_name(lang)).getSortKey(text or ""))


def _comparer(name: str) -> Callable[[str, str], int]:
    def compare(left: str, right: str) -> int:
        return int(_collator(name).compare(left, right))

    return compare


def register_sqlite(connection: sqlite3.Connection) -> None:
    """Register both collations on a new SQLite connection (same names as PostgreSQL's)."""
    for name in _ICU_LOCALES:
        connection.create_collation(name, _comparer(name))
