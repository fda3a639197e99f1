"""`flask districts load` and `flask districts load-postal-codes`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from participate.cli import run_loader
from participate.districts import loaders

cli = AppGroup("districts", help="Load the major districts and postal codes.")

path_type = click.Path(exists=True, dir_okay=False, path_type=Path)


@cli.command("load")
@click.argument("path", type=path_type, default=loaders.DISTRICTS_FILE)
def load_command(path: Path) -> None:
    """Load or update the major districts from a GeoJSON file."""
    run_loader(
        loaders.load_districts,
        path,
        report=lambda result: f"Districts: {result.created} created, {result.updated} updated.",
    )


@cli.command("load-postal-codes")
@click.argument("path", type=path_type, default=loaders.POSTAL_CODES_FILE)
def load_postal_codes_command(path: Path) -> None:
    """Load or update the postal-code table from a CSV file."""
    run_loader(
        loaders.load_postal_codes,
        path,
        report=lambda result: f"Postal codes: {result.created} created, {result.updated} updated.",
    )
