"""`flask initiatives themes|save-theme`: the moderators' list of themes."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participate.errors import DomainError
from participate.extensions import db
from participate.initiatives import queries, services

cli = AppGroup("initiatives", help="Initiatives: themes.")


@cli.command("themes")
def themes_command() -> None:
    """List the themes (inactive ones marked)."""
    for theme in queries.list_themes(active_only=False):
        mark = "" if theme.is_active else "  (inactive)"
        click.echo(f"{theme.slug}: {theme.name_fi} / {theme.name_sv} / {theme.name_en}{mark}")


@cli.command("save-theme")
@click.argument("slug")
@click.option("--fi", "name_fi", required=True, help="Name in Finnish.")
@click.option("--sv", "name_sv", default="", help="Name in Swedish.")
@click.option("--en", "name_en", default="", help="Name in English.")
@click.option("--position", type=int, default=None, help="Place in the list (smaller first).")
@click.option("--inactive", is_flag=True, help="Hide it from the form (existing ones keep it).")
def save_theme_command(
    slug: str, name_fi: str, name_sv: str, name_en: str, position: int | None, inactive: bool
) -> None:
    """Add the theme SLUG, or rename it if it exists."""
    try:
        theme = services.save_theme(
            slug=slug,
            name_fi=name_fi,
            name_sv=name_sv,
            name_en=name_en,
            position=position,
            is_active=not inactive,
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Saved theme {theme.slug}.")
