"""The one CSV writer for every export (initiatives, participants, audit log, council report).

- **UTF-8 with a byte-order mark**: Excel reads ä, ö and å right only with it.
- **`;` as the delimiter**: Finnish and Swedish Excel use the semicolon as the list separator
  (the comma is the decimal separator), so a semicolon file opens in columns on a double
  click; a comma file opens as one column.
- **CRLF line ends** (RFC 4180), and the csv module quotes cells with `;`, quotes or newlines.
- **Formula guard** (CSV injection, OWASP "CSV Injection"): a text cell that starts with
  `=`, `+`, `-` or `@`, also after leading whitespace (spaces, tab, CR, LF, which
  spreadsheets skip), or that starts with a tab or CR, gets a leading `'` so a spreadsheet
  shows it as text instead of running it. Numbers (int, float) are written as numbers.
- **Phone columns keep what was typed**: in a column named in `phone_columns`, a value made
  only of a leading `+`, digits, spaces, hyphens, slashes and parentheses is written as is
  (`+358 40 123 4567`); it cannot call a function. Anything else there is guarded as usual.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

BOM = "\ufeff"
DELIMITER = ";"
LINE_END = "\r\n"
FORMULA_START = ("=", "+", "-", "@")
CONTROL_START = ("\t", "\r")
PHONE = re.compile(r"\+?[0-9][0-9 ()/\-]{2,30}")


def guard(value: Any) -> Any:
    """The cell as a spreadsheet may safely read it (numbers and None pass; None → "")."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(CONTROL_START) or value.lstrip().startswith(FORMULA_START):
        return "'" + value
    return value


def is_phone_number(value: Any) -> bool:
    return isinstance(value, str) and PHONE.fullmatch(value.strip()) is not None


def write_csv(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    phone_columns: Collection[str] = (),
) -> str:
    """The whole file as text, starting with the BOM; encode it as UTF-8.

    `header` names the columns (written as they are: they are ours, translated);
    `phone_columns` are header names whose phone-number values are kept as typed.
    Raises ValueError if a row has another number of cells than the header.
    """
    phones = {index for index, name in enumerate(header) if name in phone_columns}
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator=LINE_END)
    writer.writerow([str(name) for name in header])
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row of {len(row)} cells for {len(header)} columns")
        writer.writerow(
            [
                value if index in phones and is_phone_number(value) else guard(value)
                for index, value in enumerate(row)
            ]
        )
    return out.getvalue()
