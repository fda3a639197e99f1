"""Neighbourhood activities: publish and propose, browse with a map, sign up with a waiting
list, cancel through a private link, the organiser's participant list, the calendar file,
the JSON API, and deleting participants' data after the activity."""

from typing import cast

from flask import Flask

from participate.accounts.personal_data import register_exporter
from participate.activities import personal_data


def init_app(app: Flask) -> None:
    from participate.activities import api  # noqa: F401  (routes on the shared /api/v1 blueprint)
    from participate.activities.cli import cli
    from participate.activities.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    register_exporter(app, "activities", personal_data.export)
    sections = cast(list[str], app.jinja_env.globals.setdefault("profile_sections", []))
    sections.append("activities/_profile_section.html")
