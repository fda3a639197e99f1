"""Notifications: what a person wants to hear about and how often, digests and unsubscribing.

A shared layer like `mail`: features call `notifications.services.deliver()` for events that
are not transactional (something the person follows changed); it sends the e-mail at once,
queues it for the daily or weekly digest, or drops it, per the person's settings.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from typing import cast

    from participate.accounts.personal_data import register_eraser, register_exporter
    from participate.notifications import personal_data
    from participate.notifications.cli import cli
    from participate.notifications.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    register_exporter(app, "notifications", personal_data.export)
    register_eraser(app, "notifications", personal_data.erase)
    sections = cast(list[str], app.jinja_env.globals.setdefault("profile_sections", []))
    sections.append("notifications/_profile_section.html")
