"""WSGI entry point: `gunicorn wsgi:app`."""

from participate import create_app

app = create_app()
