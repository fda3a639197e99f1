"""Outgoing e-mail: an outbox table written in the caller's transaction, and a sender."""

from flask import Flask


def init_app(app: Flask) -> None:
    from participate.mail.cli import cli

    app.cli.add_command(cli)
