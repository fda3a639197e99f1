"""Folium maps inside our own pages: Leaflet's tags, deferred, from our own URLs only.

Every page script is loaded with `defer` so nothing blocks rendering. Folium's own map
script is inline and needs Leaflet first, so pages put it in `<script type="module"
nonce=…>`: module scripts, inline ones included, run after the document is parsed, in
document order with the deferred scripts (HTML, "prepare the script element"), so after
leaflet.js and map-controls.js and before a page script placed after it. A module runs in
strict mode with its own scope: Folium's `var map_…` names are not globals, so a page script
gets the Leaflet objects only through what the map hands over explicitly
(`window.participateMap`).
"""

from __future__ import annotations

import re

from branca.element import Figure
from folium.elements import CssLink, JavascriptLink
from markupsafe import escape

EXTERNAL_ASSET_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def asset_tags(root: Figure) -> str:
    """`<link rel="stylesheet">` and `<script defer src>` for the assets of a rendered map.

    `root` is the map's root after `root.render()`. Raises RuntimeError if an asset is on
    another host (Folium's CDN defaults): the map must load only the app's own copies.
    """
    tags = []
    for child in root.header._children.values():
        if not isinstance(child, JavascriptLink | CssLink):
            continue
        if EXTERNAL_ASSET_RE.search(child.url):
            raise RuntimeError(f"the map would load an asset from another host: {child.url}")
        if isinstance(child, CssLink):
            tags.append(f'<link rel="stylesheet" href="{escape(child.url)}">')
        else:
            tags.append(f'<script defer src="{escape(child.url)}"></script>')
    return "\n".join(tags)
