"""The hello-world Flask app `scripts/bench.py` measures beside Participate, in the same run
and under the same gunicorn settings: its req/s is what this machine gives any Flask app at
that moment, so a page's ratio to it is comparable between runs on a busy machine."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
