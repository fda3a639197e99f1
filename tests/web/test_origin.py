"""One canonical origin: a forged Host header never reaches a link, a feed, a UID or an e-mail.

The test settings set BASE_URL=http://participate.test and no TRUSTED_HOSTS, so the app
accepts `Host: evil.example` here: what is checked is that nothing it writes uses it.
A second group checks that TRUSTED_HOSTS refuses the foreign host outright.
"""

from __future__ import annotations

import pytest
from flask import Flask, request

from participate import create_app
from participate.accounts.models import Role
from participate.config import ConfigError, Settings
from participate.extensions import db
from participate.mail.sender import build_message
from participate.urls import external_path, external_url
from participate.workflow.states import Status
from tests import factories

EVIL = "evil.example"
ORIGIN = "http://participate.test"


def _sign_in_on_evil_host(app, client, role: Role) -> None:
    """The session cookie for evil.example: an attacker forging Host with their own account."""
    with app.app_context():
        user = factories.create_user(role=role)
    with client.session_transaction(base_url=f"http://{EVIL}") as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def _get(client, url: str):
    return client.get(url, headers={"Host": EVIL, "X-Forwarded-Host": EVIL})


def _assert_clean(response) -> None:
    body = response.get_data(as_text=True)
    assert EVIL not in body
    assert EVIL not in response.headers.get("Location", "")


def _simple_get_routes(app: Flask) -> list[str]:
    """Every GET page without path parameters other than the language, in Finnish."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if set(rule.arguments) - {"lang_code"}:
            continue
        urls.append(rule.rule.replace("<any(fi,sv,en):lang_code>", "fi"))
    return sorted(urls)


def test_every_simple_page_ignores_a_forged_host(app, client):
    _sign_in_on_evil_host(app, client, Role.ADMIN)
    with app.app_context():
        factories.create_initiative(status=Status.PUBLISHED)
        factories.create_activity(status=Status.PUBLISHED)
    urls = _simple_get_routes(app)
    assert "/fi/initiatives/feed.atom" in urls
    for url in urls:
        response = _get(client, url)
        assert response.status_code < 500, url
        _assert_clean(response)


def test_pages_use_base_url_for_hreflang_links(client):
    body = client.get("/fi/initiatives/", headers={"Host": EVIL}).get_data(as_text=True)
    assert f'href="{ORIGIN}/sv/initiatives/"' in body


def test_feeds_calendars_and_api_use_base_url(app, client):
    _sign_in_on_evil_host(app, client, Role.MODERATOR)
    with app.app_context():
        initiative = factories.create_initiative(status=Status.PUBLISHED)
        activity = factories.create_activity(status=Status.PUBLISHED)
    urls = [
        "/fi/initiatives/feed.atom",
        f"/fi/initiatives/{initiative.id}",
        f"/fi/activities/{activity.id}",
        f"/fi/activities/{activity.id}.ics",
        "/api/v1/initiatives",
        f"/api/v1/initiatives/{initiative.id}",
        "/api/v1/activities",
        f"/api/v1/activities/{activity.id}",
        "/api/v1/districts",
        "/fi/moderation/council-report.csv?start=2026-06-01&end=2026-06-30",
    ]
    for url in urls:
        response = _get(client, url)
        assert response.status_code == 200, url
        _assert_clean(response)
    feed = _get(client, "/fi/initiatives/feed.atom").get_data(as_text=True)
    assert f"{ORIGIN}/fi/initiatives/{initiative.id}" in feed
    ics = _get(client, f"/fi/activities/{activity.id}.ics").get_data(as_text=True)
    assert "@participate.test" in ics
    api = _get(client, f"/api/v1/initiatives/{initiative.id}").get_json()
    assert api["api_url"] == f"{ORIGIN}/api/v1/initiatives/{initiative.id}"


def test_forgot_password_mail_links_to_base_url(app, client, outbox):
    with app.app_context():
        user = factories.create_user(email="aino@example.fi")
    response = client.post(
        "/fi/account/forgot-password",
        data={"email": user.email},
        headers={"Host": EVIL, "X-Forwarded-Host": EVIL},
    )
    assert response.status_code == 200
    _assert_clean(response)
    [message] = outbox(to=user.email)
    assert EVIL not in message.body_text
    assert f"{ORIGIN}/fi/account/reset-password/" in message.body_text


def test_registration_mail_and_message_id_use_base_url(app, client, outbox):
    client.post(
        "/fi/account/register",
        data={
            "display_name": "Aino Virtanen",
            "email": "uusi@example.fi",
            "password": factories.PASSWORD,
            "password_confirm": factories.PASSWORD,
            "language": "fi",
            "home_district": "",
        },
        headers={"Host": EVIL},
    )
    [message] = outbox(to="uusi@example.fi")
    assert EVIL not in message.body_text
    assert ORIGIN in message.body_text
    email = build_message(message, "noreply@participate.test", "participate.test")
    assert email["Message-ID"].endswith("@participate.test>")


def test_external_url_works_outside_a_request(app):
    with app.app_context():
        assert external_url("web.index", lang_code="sv") == f"{ORIGIN}/sv/"
        assert external_url("web.index", lang_code="fi", _anchor="main") == f"{ORIGIN}/fi/#main"
        assert external_path("/fi/?page=2") == f"{ORIGIN}/fi/?page=2"
        with pytest.raises(ValueError, match="absolute path"):
            external_path("//evil.example/")


@pytest.fixture
def trusted_hosts(app):
    app.config["TRUSTED_HOSTS"] = ["participate.test"]
    yield
    app.config["TRUSTED_HOSTS"] = None


@pytest.mark.usefixtures("trusted_hosts")
@pytest.mark.parametrize("url", ["/fi/", "/fi/account/forgot-password", "/api/v1/districts"])
def test_trusted_hosts_refuse_a_foreign_host(client, url):
    assert client.get(url, headers={"Host": EVIL}).status_code == 400
    assert client.get(url, headers={"Host": "participate.test"}).status_code == 200


@pytest.mark.usefixtures("trusted_hosts")
def test_trusted_hosts_refuse_a_forged_reset_request(app, client, outbox):
    with app.app_context():
        user = factories.create_user(email="aino@example.fi")
    response = client.post(
        "/fi/account/forgot-password", data={"email": user.email}, headers={"Host": EVIL}
    )
    assert response.status_code == 400
    assert outbox(to=user.email) == []


def test_production_needs_base_url_and_trusts_only_its_host():
    secret = "x" * 40
    with pytest.raises(ConfigError, match="BASE_URL"):
        Settings.from_env({"SECRET_KEY": secret})
    with pytest.raises(ConfigError, match="BASE_URL"):
        Settings.from_env({"SECRET_KEY": secret, "BASE_URL": "osallistu.espoo.fi"})
    settings = Settings.from_env({"SECRET_KEY": secret, "BASE_URL": "https://osallistu.espoo.fi/"})
    assert settings.base_url == "https://osallistu.espoo.fi"
    assert settings.flask_config()["TRUSTED_HOSTS"] == ["osallistu.espoo.fi"]
    both = Settings.from_env(
        {"SECRET_KEY": secret, "BASE_URL": "https://a.fi", "TRUSTED_HOSTS": "a.fi, .espoo.fi"}
    )
    assert both.flask_config()["TRUSTED_HOSTS"] == ["a.fi", ".espoo.fi"]
    assert Settings(participate_env="development").flask_config()["TRUSTED_HOSTS"] is None


@pytest.mark.parametrize(("proxies", "expected"), [(0, "10.0.0.1"), (1, "203.0.113.7")])
def test_proxy_fix_decides_whose_forwarded_headers_count(settings, proxies, expected):
    app = create_app(Settings(**{**settings.__dict__, "proxy_fix": proxies}))
    seen = {}

    @app.route("/whoami")
    def whoami():
        seen["addr"] = request.remote_addr
        seen["scheme"] = request.scheme
        return ""

    app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert seen == {"addr": expected, "scheme": "https" if proxies else "http"}
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("row_id", [1, 7, 10, 987_654_320, 2_000_000_000])
def test_url_per_id_builds_what_url_for_builds(app, row_id):
    from flask import url_for

    from participate.urls import url_per_id

    with app.test_request_context("/sv/initiatives/", headers={"Host": "evil.example"}):
        relative = url_per_id("initiatives.detail", "initiative_id", lang_code="sv")
        expected = url_for("initiatives.detail", lang_code="sv", initiative_id=row_id)
        assert relative(row_id) == expected == f"/sv/initiatives/{row_id}"
        absolute = url_per_id("activities.calendar", "activity_id", external=True, lang_code="en")
        expected = external_url("activities.calendar", lang_code="en", activity_id=row_id)
        assert absolute(row_id) == expected
        assert expected.startswith("http://participate.test/en/activities/")


def test_url_per_id_refuses_a_key_the_route_does_not_take(app):
    from werkzeug.routing import BuildError

    from participate.urls import url_per_id

    with app.test_request_context("/fi/"), pytest.raises(BuildError):
        url_per_id("web.index", "initiative_id")
