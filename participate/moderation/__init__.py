"""The development manager's desk: decisions on submissions, e-mails to authors, audit log.

Depends on the features (it calls their services); nothing imports this package.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from participate.moderation import audit  # noqa: F401  (append-only guard)
    from participate.moderation.views import bp

    app.register_blueprint(bp)
