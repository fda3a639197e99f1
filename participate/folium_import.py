"""Folium, imported without pandas before any module of the app imports it.

Folium imports pandas whenever it is installed (here a test dependency, for reading CSV
exports as a spreadsheet user would) only to accept DataFrames as map data, which this app
never passes; pandas adds about 32 MB to every web worker. With pandas hidden while Folium
is first imported, `folium.utilities.pd` stays None and Folium works on lists, as with a
production install that has no pandas at all. pandas stays importable afterwards for whoever
needs it (tests). `participate/__init__.py` imports it before any module that uses Folium;
tests/test_worker_memory.py checks that a web worker has no pandas.
"""

from __future__ import annotations

import sys


def import_folium_without_pandas() -> None:
    """Import Folium with `import pandas` failing meanwhile; nothing if either is loaded."""
    if "folium" in sys.modules or "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # import pandas → ImportError
    try:
        import folium  # noqa: F401
    finally:
        del sys.modules["pandas"]


import_folium_without_pandas()
