"""deploy/: the systemd units pass `systemd-analyze verify`; gunicorn serves with the shipped
configuration and answers /readyz."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("participate-*"))
INSTALL_DIR = "/srv/participate/app"


def test_every_timer_has_its_service():
    names = {unit.name for unit in UNITS}
    for timer in (u for u in UNITS if u.suffix == ".timer"):
        assert timer.with_suffix(".service").name in names
    assert {"participate-web.service", "participate-mail.service"} <= names


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)
def test_systemd_units_verify(tmp_path):
    # The units name the install directory; point them at this checkout so the commands exist.
    venv_bin = Path(sys.executable).parent
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        text = text.replace(f"{INSTALL_DIR}/.venv/bin", str(venv_bin))
        text = text.replace(INSTALL_DIR, str(ROOT))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    result = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "participate" not in result.stderr, result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorn_serves_with_the_shipped_configuration(database_url, app, tmp_path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "PARTICIPATE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "BASE_URL": "https://osallistu.example.fi",
        "TRUSTED_HOSTS": "osallistu.example.fi,127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "HOME": str(tmp_path),
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    body = r.read().decode()
                    request_id = r.headers["X-Request-ID"]
                break
            except OSError:
                time.sleep(0.1)
        assert '"status":"ok"' in body.replace(" ", "")
        assert request_id
        assert not list(tmp_path.glob(".gunicorn*")), "gunicorn opened a control socket"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
