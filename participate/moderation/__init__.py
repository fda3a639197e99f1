"""The development manager's desk: one queue of everything waiting, decisions with standard
reasons, residents' reports, corrections, statistics, the council report; and the
administrators' audit log and accounts. docs/moderation.md describes it.

Depends on the features (it calls their services); nothing imports this package. The menu's
count of waiting items reaches the site shell through `app.extensions["nav_badges"]`.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from participate.moderation import audit  # noqa: F401  (append-only guard)
    from participate.moderation.admin import bp as admin_bp
    from participate.moderation.queries import count_waiting_for_menu, public_hiding_reason
    from participate.moderation.report_views import bp as report_bp
    from participate.moderation.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(report_bp)
    # web/navigation.py shows the number next to the menu item with this endpoint.
    app.extensions.setdefault("nav_badges", {})["moderation.index"] = count_waiting_for_menu
    # The 410 page of a hidden item says why (participate/gone.py reads it).
    app.extensions["public_hiding_reason"] = public_hiding_reason
