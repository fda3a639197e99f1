"""Third-party browser assets served from their pip packages, never from a CDN or the repository.

`PACKAGES` names each package's folder under /static/vendor/ and the files of it a page may
load. Leaflet comes from XStatic-Leaflet: `url_for("vendor.leaflet", filename="leaflet.js")`
(also `leaflet.css` and `images/…`, which the CSS finds relative to itself).

Without a static build Flask serves these files here, revalidated on every use like
`static/`. `flask static build` (participate/web/assets.py) copies the same files from the
installed package into STATIC_ROOT under `vendor/<name>/`, hashed and compressed, and
WhiteNoise then answers these URLs before Flask with immutable caching: an upgraded package
gets new hashed names at the next build, so no version query string is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import xstatic.pkg.leaflet
from flask import Blueprint, Response, abort, send_from_directory

URL_PREFIX = "/static/vendor"


@dataclass(frozen=True)
class Package:
    """A folder of an installed package; `files` are glob patterns relative to it.

    `unhashed` are files whose URL the package's own script derives from its stylesheet:
    the build leaves the stylesheet's references to them as they are (assets.py).
    """

    directory: Path
    files: tuple[str, ...]
    unhashed: tuple[str, ...] = ()

    def allows(self, filename: str) -> bool:
        return any(fnmatch(filename, pattern) for pattern in self.files)

    def paths(self) -> Iterator[tuple[str, Path]]:
        """(name relative to the package folder, file) for every file a page may load."""
        for path in sorted(p for p in self.directory.rglob("*") if p.is_file()):
            name = path.relative_to(self.directory).as_posix()
            if self.allows(name):
                yield name, path


# The endpoint `vendor.<name>` serves /static/vendor/<name>/<filename>.
PACKAGES: dict[str, Package] = {
    "leaflet": Package(
        Path(xstatic.pkg.leaflet.BASE_DIR),
        # The source map: leaflet.js names it, so browsers' developer tools find it.
        ("leaflet.js", "leaflet.js.map", "leaflet.css", "images/*.png"),
        # L.Icon.Default finds its images' folder by cutting `marker-icon.png` off the URL
        # in leaflet.css (then loads marker-icon-2x.png and marker-shadow.png from there).
        unhashed=("images/marker-icon.png",),
    ),
}

bp = Blueprint("vendor", __name__, url_prefix=URL_PREFIX)


def _serve(name: str, filename: str) -> Response:
    package = PACKAGES[name]
    if not package.allows(filename):
        abort(404)
    # send_from_directory refuses paths that leave the directory (`../`).
    return send_from_directory(package.directory, filename)


@bp.route("/leaflet/<path:filename>")
def leaflet(filename: str) -> Response:
    return _serve("leaflet", filename)
