"""`flask mail send [--loop]`: the outbox sender."""

from __future__ import annotations

import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from participate.extensions import db
from participate.mail.sender import purge_delivered, send_due

cli = AppGroup("mail", help="Deliver queued e-mail.")


@cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running and send new messages as they come.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between rounds.")
def send_command(loop: bool, interval: float) -> None:
    """Send every message that is due, retrying failed ones later."""
    settings = current_app.config["SETTINGS"]
    while True:
        sent, failed = send_due(settings)
        if sent or failed or not loop:
            click.echo(f"Sent {sent}, failed {failed}.")
        if not loop:
            return
        time.sleep(interval)


@cli.command("purge")
@click.option("--days", default=30, show_default=True, help="Keep messages younger than this.")
def purge_command(days: int) -> None:
    """Delete delivered and failed messages older than --days (meant for cron)."""
    removed = purge_delivered(timedelta(days=days))
    db.session.commit()
    click.echo(f"Removed {removed} messages.")
