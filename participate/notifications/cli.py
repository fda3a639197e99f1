"""`flask notifications digest --daily|--weekly`: the digest job for the timer units."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from participate.extensions import db
from participate.notifications.models import Frequency
from participate.notifications.services import send_digests

cli = AppGroup("notifications", help="Notification digests.")


@cli.command("digest")
@click.option(
    "--weekly", "frequency", flag_value="weekly", help="Send the weekly digests (Mondays)."
)
@click.option(
    "--daily", "frequency", flag_value="daily", default=True, help="Send the daily digests."
)
def digest_command(frequency: str) -> None:
    """Queue one digest e-mail per person with waiting events, in their language."""
    sent = send_digests(Frequency(frequency))
    db.session.commit()
    click.echo(f"Queued {sent} {frequency} digests.")
