"""Static files for production: content-hashed, precompressed, served by WhiteNoise.

`flask static build` copies `static/` and the third-party files of participate/web/vendor.py
(Leaflet, from its installed pip package: nothing third-party is kept in the repository)
into STATIC_ROOT (default `instance/static-build`), adds a copy of every file with a content
hash in its name (`css/site.3f2a9c1b7e4d.css`), a `manifest.json` mapping the two, and gzip
and brotli versions of everything compressible (whitenoise.compress). When that manifest
exists at start-up:

- `url_for('static', filename='css/site.css')` and `url_for('vendor.leaflet', …)` write the
  hashed name, so templates and Folium's map HTML stay as they are;
- WhiteNoise answers /static/ before Flask, with the compressed file the browser accepts
  (`Content-Encoding`, `Vary: Accept-Encoding`), `Cache-Control: max-age=31536000, public,
  immutable` for hashed names (their content never changes) and one hour for the rest.

Without a build (development, tests) Flask serves static/ as before. Run the build again after
every upgrade (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from participate.config import ROOT
from participate.web.vendor import PACKAGES, Package

MANIFEST = "manifest.json"
HASHED = re.compile(r"\.[0-9a-f]{12}(?:\.[A-Za-z0-9]+)?$")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
cli = AppGroup("static", help="Static files for production.")


def default_root() -> Path:
    return ROOT / "instance" / "static-build"


def _files(source: Path, packages: Mapping[str, Package]) -> list[tuple[str, Path]]:
    """(name under /static/, file) for static/ and every vendor package's page files."""
    files = [
        (path.relative_to(source).as_posix(), path)
        for path in sorted(p for p in source.rglob("*") if p.is_file())
    ]
    for package_name, package in packages.items():
        files += [(f"vendor/{package_name}/{name}", path) for name, path in package.paths()]
    return files


def _hashed_name(name: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:12]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{digest}"


def rewrite_css_urls(
    css: str, name: str, manifest: Mapping[str, str], keep: Collection[str] = ()
) -> str:
    """Point relative `url(…)`s of the stylesheet `name` at the hashed copies in `manifest`.

    `url(images/layers.png)` in `vendor/leaflet/leaflet.css` becomes
    `url(images/layers.3f2a9c1b7e4d.png)`, so the images are immutable too. Absolute URLs,
    `data:`, fragments (`#default#VML`) and references to the names in `keep` stay as they
    are.
    """

    def replace(match: re.Match[str]) -> str:
        quote, ref = match.group(1), match.group(2)
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", ref, re.IGNORECASE):
            return match.group(0)
        path, _, rest = ref.partition("?")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
        if target not in manifest or target in keep:
            return match.group(0)
        hashed = posixpath.relpath(manifest[target], posixpath.dirname(name) or ".")
        return f"url({quote}{hashed}{'?' + rest if rest else ''}{quote})"

    return CSS_URL.sub(replace, css)


def build(source: Path, target: Path, packages: Mapping[str, Package] = PACKAGES) -> dict[str, str]:
    """Copy, hash and compress `source` and the vendor `packages` into `target`.

    Returns {name: hashed name}, names relative to /static/ (`vendor/leaflet/leaflet.js`).
    Stylesheets are hashed after their `url(…)`s point at hashed files (rewrite_css_urls).
    """
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    manifest: dict[str, str] = {}
    # Stylesheets last: the files they refer to must have their hashed names first.
    files = sorted(_files(source, packages), key=lambda item: item[0].endswith(".css"))
    keep = {
        f"vendor/{key}/{name}" for key, package in packages.items() for name in package.unhashed
    }
    for name, path in files:
        content = path.read_bytes()
        if name.endswith(".css"):
            content = rewrite_css_urls(content.decode("utf-8"), name, manifest, keep).encode()
        hashed = _hashed_name(name, content)
        for out in (name, hashed):
            (target / out).parent.mkdir(parents=True, exist_ok=True)
            (target / out).write_bytes(content)
        manifest[name] = hashed
    compressor = Compressor(quiet=True)
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        if compressor.should_compress(str(path)):
            for _ in compressor.compress(str(path)):
                pass
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


class _WhiteNoise(WhiteNoise):
    # A year, the longest lifetime RFC 9111 asks caches to honour (WhiteNoise: ten years).
    FOREVER = 365 * 24 * 3600


def _nosniff(headers: Any, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask, root: Path) -> None:
    app.cli.add_command(cli)
    manifest_file = root / MANIFEST
    if not manifest_file.is_file():
        return
    manifest: dict[str, str] = json.loads(manifest_file.read_text())

    @app.url_defaults
    def hashed_static(endpoint: str, values: dict[str, Any]) -> None:
        # `static` and every `vendor.<package>` endpoint: their URLs are /static/<name>.
        if endpoint == "static":
            prefix = ""
        elif endpoint.startswith("vendor.") and endpoint[7:] in PACKAGES:
            prefix = f"vendor/{endpoint[7:]}/"
        else:
            return
        hashed = manifest.get(f"{prefix}{values.get('filename')}")
        if hashed is not None:
            values["filename"] = hashed.removeprefix(prefix)

    app.wsgi_app = _WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(root),
        prefix=app.static_url_path,
        max_age=3600,
        allow_all_origins=False,
        immutable_file_test=lambda path, url: bool(HASHED.search(url)),
        add_headers_function=_nosniff,
    )


@cli.command("build")
def build_command() -> None:
    """Hash and compress static/ into STATIC_ROOT for WhiteNoise (run after each upgrade)."""
    from flask import current_app

    target = Path(current_app.config["SETTINGS"].static_root or default_root())
    manifest = build(ROOT / "static", target)
    click.echo(f"Built {len(manifest)} files into {target}.")
