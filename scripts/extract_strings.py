"""Extract every translatable string into a .pot file: `make translations-extract` and the tests.

The one place that says which folders and which gettext keywords count. Babel skips folders
whose names start with `_` by default (`templates/_macros/` was never extracted), so only
dot-folders (`.venv`, `.git`) are skipped here; babel.cfg decides which files are read.

    python scripts/extract_strings.py [OUTPUT]   # default: translations/messages.pot
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parents[1]
POT = ROOT / "translations" / "messages.pot"

# Every gettext function the code and the templates use, with Babel's argument spec
# (`1c` = the first argument is the context). Babel's defaults (_, gettext, ngettext,
# pgettext, npgettext, …) are kept; these add Flask-Babel's lazy functions and our aliases.
KEYWORDS = (
    "_l",
    "lazy_gettext",
    "lazy_ngettext:1,2",
    "lazy_pgettext:1c,2",
    "lazy_npgettext:1c,2,3",
)


def extract(output: Path = POT) -> None:
    """Write the catalog template to `output`; raises SystemExit on Babel errors."""
    argv = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg")]
    for keyword in KEYWORDS:
        argv += ["-k", keyword]
    argv += [
        "--ignore-dirs=.*",
        "--add-comments=Translators:",
        "--no-wrap",
        "--sort-by-file",
        "--project=Participate",
        "--copyright-holder=City of Espoo",
        "-o",
        str(output),
        ".",
    ]
    CommandLineInterface().run(argv)
    # No creation date: the file changes only when the strings do.
    text = output.read_text(encoding="utf-8")
    output.write_text(re.sub(r'^"POT-Creation-Date:.*\n', "", text, flags=re.M), encoding="utf-8")


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    extract(Path(sys.argv[1]) if len(sys.argv) > 1 else POT)
