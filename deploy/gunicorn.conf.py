"""gunicorn settings for Participate: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment (systemd's EnvironmentFile), so the file
itself stays as shipped. See docs/operations.md.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Where the reverse proxy connects. A Unix socket ("unix:/run/participate/web.sock") also works.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes × threads: requests are mostly waiting for PostgreSQL, so a few threads each.
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
# A request running longer than this is killed (and logged); the proxy should wait longer.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (systemctl stop/restart), requests in progress get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# No runtime control socket (gunicorn ≥ 27 opens one in $HOME by default).
control_socket_disable = True
# The app's ProxyFix (PROXY_FIX) reads X-Forwarded-*; gunicorn itself trusts nobody's.
forwarded_allow_ips = ""
# Logs go to stderr (journald). The app writes one JSON line per request with its request
# id; set GUNICORN_ACCESSLOG=- for gunicorn's own access log too, in this JSON shape.
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = (
    '{"logger": "gunicorn.access", "time": "%(t)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "duration_ms": %(M)s, "bytes": %(B)s, '
    '"request_id": "%({x-request-id}o)s"}'
)

# Prometheus: every worker writes its numbers to files in this directory and /metrics adds
# them up (prometheus_client multiprocess mode). Emptied at start, cleaned per dead worker.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / "participate-metrics")
)


def on_starting(server: Any) -> None:
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
