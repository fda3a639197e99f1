"""Static files for production: content-hashed, precompressed, served by WhiteNoise.

`flask static build` copies `static/` into STATIC_ROOT (default `instance/static-build`),
adds a copy of every file with a content hash in its name (`css/site.3f2a9c1b7e4d.css`), a
`manifest.json` mapping the two, and gzip and brotli versions of everything compressible
(whitenoise.compress). When that manifest exists at start-up:

- `url_for('static', filename='css/site.css')` writes the hashed name, so templates stay as
  they are;
- WhiteNoise answers /static/ before Flask, with the compressed file the browser accepts
  (`Content-Encoding`, `Vary: Accept-Encoding`), `Cache-Control: max-age=315360000, public,
  immutable` for hashed names (their content never changes) and one hour for the rest.

Without a build (development, tests) Flask serves static/ as before. Run the build again after
every upgrade (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from participate.config import ROOT

MANIFEST = "manifest.json"
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
cli = AppGroup("static", help="Static files for production.")


def default_root() -> Path:
    return ROOT / "instance" / "static-build"


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy, hash and compress `source` into `target`; returns {name: hashed name}."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    manifest: dict[str, str] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        hashed = f"{name[: -len(path.suffix)] if path.suffix else name}.{digest}{path.suffix}"
        for out in (name, hashed):
            (target / out).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / out)
        manifest[name] = hashed
    compressor = Compressor(quiet=True)
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        if compressor.should_compress(str(path)):
            for _ in compressor.compress(str(path)):
                pass
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


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
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
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
