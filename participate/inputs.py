"""Where untrusted input enters: URL converters, query numbers, text without control characters.

Hostile input must not reach the database as a kind of value it cannot store (a 500): NUL bytes
make PostgreSQL raise ("A string literal cannot contain NUL"), and integers past the column's
range raise on SQLite (OverflowError) and PostgreSQL ("integer out of range"). So:

- every ``<int:...>`` in a route is `BoundedIntConverter`: digits only, 1 .. 2**31-1 (the
  PostgreSQL ``integer`` range of our primary keys); anything else does not match → 404;
- ``<name>`` / ``<string:name>`` and ``<path:name>`` refuse control characters → 404;
- query-string and form values arrive with C0/C1 control characters removed (tab, line feed
  and carriage return stay: text areas need them) by `CleanRequest`, for every view at once;
- numbers in the query string go through `parse_whole` / `page_number`, never ``type=int``
  (Python's int() accepts 10**100, "1_000", " 7" and Arabic-Indic digits);
- dates typed as text go through `parse_date` (``1.12.2026`` or ``2026-12-01``).

JSON request bodies are not cleaned here (the API is read-only); a view that accepts JSON text
must pass it through `clean_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask import Flask, abort
from flask.wrappers import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, Map, PathConverter, UnicodeConverter

# PostgreSQL `integer` (SQLAlchemy Integer primary keys): the largest id a row can have.
DB_INT_MAX = 2**31 - 1
# Pages of an HTML list a person may ask for; further pages are empty, not an error.
MAX_PAGE = 100_000

# C0 controls except TAB, LF, CR; DEL; C1 controls. NUL is the one PostgreSQL refuses.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WHOLE = re.compile(r"[0-9]{1,10}")
_FINNISH_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def parse_date(raw: str) -> date | None:
    """A calendar date typed as text: ``d.m.yyyy`` as written in Finland in Finnish and
    Swedish (``1.12.2026``, ``01.12.2026``) or ISO 8601 ``yyyy-mm-dd`` (links and the API).

    Surrounding spaces are ignored; only ASCII digits count. Returns None for anything
    else, including dates that do not exist (``31.2.2026``) and years before 1000.
    """
    text = raw.strip()
    if found := _FINNISH_DATE.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
    elif found := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        return None
    if year < 1000:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clean_text(value: str) -> str:
    """`value` without control characters (see CONTROL_CHARS); other text unchanged."""
    return CONTROL_CHARS.sub("", value)


def parse_whole(raw: str, *, low: int, high: int) -> int | None:
    """An integer written with ASCII digits only, in [low, high]; None for anything else.

    No sign, no spaces, no underscores, no non-ASCII digits, at most 10 digits.
    """
    if not _WHOLE.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The page number of an HTML list from the query string: 1 when absent.

    Aborts with 400 when present but not a whole number from 1 to MAX_PAGE; a page past the
    last one is the caller's empty page (paginate with ``error_out=False``).
    """
    raw = args.get(name)
    if raw is None or raw == "":
        return 1
    number = parse_whole(raw, low=1, high=MAX_PAGE)
    if number is None:
        abort(400)
    return number


class BoundedIntConverter(IntegerConverter):
    """``<int:id>``: 1 .. DB_INT_MAX unless the rule says otherwise; out of range → 404."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = 1,
        max: int | None = DB_INT_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """``<name>``: one path segment without control characters."""

    def __init__(
        self,
        map: Map,
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/", r"[^/\x00-\x1f\x7f-\x9f", 1)


class TextPathConverter(PathConverter):
    """``<path:name>``: segments without control characters."""

    regex = r"[^/\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*?"


def _cleaned(pairs: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [
        (
            clean_text(key) if isinstance(key, str) else key,
            clean_text(value) if isinstance(value, str) else value,
        )
        for key, value in pairs
    ]


class CleanMultiDict(ImmutableMultiDict[str, Any]):
    """Query-string and form parameters with control characters removed from keys and values."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
        elif isinstance(mapping, Mapping):
            items = mapping.items(multi=True) if hasattr(mapping, "getlist") else mapping.items()
            super().__init__(_cleaned(items))
        else:
            super().__init__(_cleaned(mapping))


class CleanRequest(Request):
    """Flask's request whose `args` and `form` are `CleanMultiDict`s."""

    parameter_storage_class = CleanMultiDict


def init_app(app: Flask) -> None:
    """Register the converters (before any blueprint adds its rules) and the request class."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.url_map.converters["path"] = TextPathConverter
    app.request_class = CleanRequest
