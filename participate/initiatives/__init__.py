"""Resident initiatives: write, submit, moderate (through the desk), publish, support, answer.

The lifecycle is `lifecycle.py`; the open data (Atom, JSON, CSV) is `opendata.py` and
`api.py`. docs/initiatives.md describes the whole feature.
"""

from __future__ import annotations

from flask import Flask

from participate.accounts.personal_data import register_eraser, register_exporter
from participate.initiatives import personal_data

PROFILE_SECTION = "initiatives/_profile_section.html"


def init_app(app: Flask) -> None:
    from participate.initiatives import api  # noqa: F401  (routes on the shared /api/v1 blueprint)
    from participate.initiatives.cli import cli
    from participate.initiatives.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    register_exporter(app, "initiatives", personal_data.export)
    register_eraser(app, "initiatives", personal_data.erase)
    # accounts/profile.html includes every template in this list (accounts imports no feature).
    sections: list[str] = app.jinja_env.globals.setdefault("profile_sections", [])  # type: ignore[assignment]
    if PROFILE_SECTION not in sections:
        sections.append(PROFILE_SECTION)
