"""Major districts (suuralueet) and postal codes: reference data every feature shares."""

from flask import Flask


def init_app(app: Flask) -> None:
    from participate.districts.cli import cli

    app.cli.add_command(cli)
