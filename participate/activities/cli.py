"""`flask activities purge-signups`: delete participants' personal data after the activity.

Meant for cron, e.g. every night:

    15 3 * * *  cd /srv/participate && .venv/bin/flask --app participate activities purge-signups
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from participate.activities import signups
from participate.extensions import db

cli = AppGroup("activities", help="Neighbourhood activities.")


@cli.command("purge-signups")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Days after an activity ends; default SIGNUP_RETENTION_DAYS.",
)
def purge_signups_command(days: int | None) -> None:
    """Delete the sign-ups of activities that ended long enough ago; keep only counts."""
    if days is None:
        days = current_app.config["SETTINGS"].signup_retention_days
    purged = signups.purge_signups(retention_days=days)
    db.session.commit()
    click.echo(f"Deleted the participants' personal data of {purged} activities ({days} days).")
