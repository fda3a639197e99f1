"""Request ids, structured logs and Prometheus metrics.

- Every request has an id: the `X-Request-ID` the proxy sent (if it looks like one: 1-128
  characters of ``A-Za-z0-9._-``), otherwise a new random one. It is in `g.request_id`, in
  every log record made during the request, and in the response's `X-Request-ID` header.
- Logs are one JSON object per line on stderr (python-json-logger) when LOG_FORMAT=json (the
  production default). After each request one line: method, path, status, duration_ms,
  request_id. No personal data: no query string, no IP address, no user id, and path
  segments that are secrets (e-mail link tokens) are replaced with ``[token]``.
- `/metrics` (Prometheus text format, prometheus_client): request latency histograms per
  endpoint, 429 refusals per endpoint, the outbox backlog. Served only with
  ``Authorization: Bearer <METRICS_TOKEN>``; without METRICS_TOKEN it does not exist (404).
  Under gunicorn set PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py does) so every worker's
  numbers are added up.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import sys
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from pythonjsonlogger.json import JsonFormatter

from participate.extensions import db
from participate.mail.models import OutboxMessage, OutboxStatus

REQUEST_ID_HEADER = "X-Request-ID"
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
# View arguments whose values are secrets and never reach a log line.
SECRET_ARGS = frozenset({"token"})

log = logging.getLogger("participate.requests")

REQUEST_SECONDS = Histogram(
    "participate_request_duration_seconds",
    "Time to answer a request, by endpoint and method.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RATE_LIMITED = Counter(
    "participate_rate_limited_total",
    "Requests refused by the rate limiter (429), by endpoint.",
    ["endpoint"],
)

bp = Blueprint("observability", __name__)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record made inside a request (None outside)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """One handler on the root logger, JSON or plain text, with request ids."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)


def _loggable_path() -> str:
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_ARGS and isinstance(value, str) and value:
            path = path.replace(value, "[token]")
    return path


def _endpoint_label() -> str:
    return request.url_rule.endpoint if request.url_rule else "<unmatched>"


def _start_request() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _GOOD_REQUEST_ID.fullmatch(given) else secrets.token_hex(16)
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    if started is None:
        return response
    seconds = time.perf_counter() - started
    endpoint = _endpoint_label()
    REQUEST_SECONDS.labels(endpoint=endpoint, method=request.method).observe(seconds)
    if response.status_code == 429:
        RATE_LIMITED.labels(endpoint=endpoint).inc()
    log.info(
        "request",
        extra={
            "method": request.method,
            "path": _loggable_path(),
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
    return response


class OutboxCollector:
    """The outbox backlog, read from the database when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            counts = dict(
                db.session.execute(
                    sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
                ).all()
            )
        except sa.exc.SQLAlchemyError:  # /readyz reports the database; metrics stay up
            db.session.rollback()
            return
        for status, help_text in [
            (OutboxStatus.PENDING, "E-mails waiting to be sent."),
            (OutboxStatus.FAILED, "E-mails given up after every attempt."),
        ]:
            yield GaugeMetricFamily(
                f"participate_outbox_{status.value}", help_text, value=counts.get(status, 0)
            )


def _authorised() -> bool:
    token = current_app.config["SETTINGS"].metrics_token
    if not token:
        return False
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@bp.route("/metrics")
def metrics() -> Response:
    """Prometheus metrics for a scraper holding METRICS_TOKEN; 404 for everyone else."""
    if not _authorised():
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    outbox = CollectorRegistry()
    outbox.register(OutboxCollector())  # type: ignore[arg-type]
    body += generate_latest(outbox)
    response = Response(body, content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask, settings: Any) -> None:
    if not app.testing:
        configure_logging(settings.effective_log_format)
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_blueprint(bp)
