"""`flask accounts create-user`: make an account with a role (the first admin, say)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participate.accounts import services
from participate.accounts.models import Role
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.locale import LANGS

cli = AppGroup("accounts", help="Manage accounts.")


@cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.RESIDENT.value)
@click.option("--language", type=click.Choice(LANGS), default="fi")
@click.password_option(help="Prompted for when not given.")
def create_user_command(
    email: str, display_name: str, role: str, language: str, password: str
) -> None:
    """Create a verified account with the given role."""
    registration = services.Registration(
        display_name=display_name, email=email, password=password, language=language
    )
    try:
        user = services.create_user(registration, role=Role(role), verified=True)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")
