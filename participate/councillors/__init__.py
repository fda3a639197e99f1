"""Councillors per major district: the map, the lists, find my district, import and admin."""

from flask import Flask


def init_app(app: Flask) -> None:
    from participate.councillors import admin, api, maps  # noqa: F401  (routes)
    from participate.councillors.cli import cli, import_councillors_command
    from participate.councillors.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    app.cli.add_command(import_councillors_command)
    maps.init_app(app)
