"""`flask councillors import FILE` (also `flask import-councillors FILE`) and
`flask councillors load-parties [FILE]`. Commands parse arguments, call a loader, commit once."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from participate.cli import LoadError, run_loader
from participate.councillors import loaders
from participate.extensions import db

cli = AppGroup("councillors", help="Import councillors and load parties.")

path_type = click.Path(exists=True, dir_okay=False, path_type=Path)


def _import(path: Path) -> None:
    try:
        result = loaders.import_councillors(path)
    except loaders.ImportFailed as failed:
        db.session.rollback()
        click.echo(f"Nothing was imported: {len(failed.errors)} problem(s) in {path}.", err=True)
        for error in failed.errors:
            click.echo(f"  {path.name}: {error}", err=True)
        raise click.exceptions.Exit(1) from failed
    except LoadError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(
        f"Councillors: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


@cli.command("import")
@click.argument("path", type=path_type)
def import_command(path: Path) -> None:
    """Import councillors from a CSV file (all rows or none; matched by e-mail)."""
    _import(path)


@click.command("import-councillors")
@click.argument("path", type=path_type)
@with_appcontext
def import_councillors_command(path: Path) -> None:
    """Import councillors from a CSV file (same as `flask councillors import`)."""
    _import(path)


@cli.command("load-parties")
@click.argument("path", type=path_type, default=loaders.COMPOSITION_FILE)
def load_parties_command(path: Path) -> None:
    """Load or update the parties from the council composition JSON file."""
    run_loader(
        loaders.load_parties,
        path,
        report=lambda result: (
            f"Parties: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        ),
    )
