"""Operations: request ids, JSON request logs without personal data, metrics behind a token,
HSTS only over HTTPS."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest

from participate.observability import configure_logging

TOKEN = "metrics-token-0123456789abcdef"


def test_request_id_is_taken_or_made_and_echoed(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123.x_y"})
    assert given.headers["X-Request-ID"] == "abc-123.x_y"
    made = client.get("/healthz")
    assert len(made.headers["X-Request-ID"]) == 32
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>" + "x" * 300})
    assert len(forged.headers["X-Request-ID"]) == 32


@pytest.fixture
def json_logs(capsys):
    """Configure JSON logs inside the test (capsys swaps stderr per phase); restore after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)

    def read() -> list[dict]:
        err = capsys.readouterr().err
        return [json.loads(line) for line in err.splitlines() if line.startswith("{")]

    yield read
    root.handlers = saved[0]
    root.setLevel(saved[1])


def test_one_json_line_per_request_without_personal_data(client, json_logs):
    configure_logging("json")
    client.get("/fi/initiatives/?q=Aino+Virtanen", headers={"X-Request-ID": "req-1"})
    client.get("/fi/account/reset-password/c2VjcmV0LXRva2Vu")
    lines = [line for line in json_logs() if line["message"] == "request"]
    assert lines[0] == {
        "time": lines[0]["time"],
        "level": "INFO",
        "logger": "participate.requests",
        "message": "request",
        "request_id": "req-1",
        "method": "GET",
        "path": "/fi/initiatives/",
        "status": 200,
        "duration_ms": lines[0]["duration_ms"],
    }
    assert lines[1]["path"] == "/fi/account/reset-password/[token]"
    assert "Aino" not in json.dumps(lines)
    assert "c2VjcmV0" not in json.dumps(lines)


@pytest.fixture
def metrics_token(app):
    saved = app.config["SETTINGS"]
    app.config["SETTINGS"] = replace(saved, metrics_token=TOKEN)
    yield TOKEN
    app.config["SETTINGS"] = saved


def test_metrics_do_not_exist_without_a_token(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.usefixtures("metrics_token")
def test_metrics_need_the_token_and_count_requests_and_refusals(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    client.get("/fi/")
    for _ in range(30):
        client.post("/fi/account/login", data={"email": "a@example.fi", "password": "x"})
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'participate_request_duration_seconds_count{endpoint="web.index",method="GET"}' in body
    refused = [
        line
        for line in body.splitlines()
        if line.startswith('participate_rate_limited_total{endpoint="accounts.login"}')
    ]
    assert refused
    assert float(refused[0].split()[-1]) >= 1
    assert "participate_outbox_pending 0.0" in body


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/fi/").headers
    secure = client.get("/fi/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize(("proxies", "hsts"), [(0, False), (1, True)])
def test_hsts_behind_a_proxy_only_when_its_https_is_trusted(settings, proxies, hsts):
    """X-Forwarded-Proto counts only with PROXY_FIX: a client cannot turn HSTS on over HTTP,
    and behind the city's TLS proxy it is on."""
    from participate import create_app
    from participate.extensions import db, limiter

    saved = dict(limiter.__dict__)
    app = create_app(replace(settings, proxy_fix=proxies))
    try:
        client = app.test_client()
        forwarded = client.get("/fi/", headers={"X-Forwarded-Proto": "https"})
        assert ("Strict-Transport-Security" in forwarded.headers) is hsts
        assert "Strict-Transport-Security" not in client.get("/fi/").headers
        secure = client.get("/fi/", base_url="https://localhost")
        assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        with app.app_context():
            db.engine.dispose()
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)
