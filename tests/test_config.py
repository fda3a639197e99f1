"""Settings from the environment: safe defaults, refusal in production without a secret."""

from __future__ import annotations

import pytest

from participate import create_app
from participate.config import DEV_SECRET_KEY, ConfigError, Settings


def test_production_is_the_default_and_needs_a_secret():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({})


@pytest.mark.parametrize("secret", ["", DEV_SECRET_KEY, "short"])
def test_production_refuses_weak_secrets(secret):
    with pytest.raises(ConfigError):
        Settings.from_env({"PARTICIPATE_ENV": "production", "SECRET_KEY": secret})


def test_development_works_without_configuration():
    settings = Settings.from_env({"PARTICIPATE_ENV": "development"})
    assert settings.effective_secret_key == DEV_SECRET_KEY
    assert settings.database_url.startswith("sqlite:///")
    assert settings.flask_config()["SESSION_COOKIE_SECURE"] is False


def test_environment_values_are_typed():
    settings = Settings.from_env(
        {
            "PARTICIPATE_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "BASE_URL": "https://osallistu.espoo.fi",
            "MAIL_PORT": "587",
            "MAIL_USE_TLS": "true",
            "DATABASE_URL": "postgresql+psycopg://db/participate",
            "TILE_URL": "https://tiles.example/{z}/{x}/{y}.png",
            "ELIGIBLE_RESIDENTS": "250000",
        }
    )
    assert settings.mail_port == 587
    assert settings.mail_use_tls is True
    assert settings.initiative_threshold == 5000
    config = settings.flask_config()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    ("name", "value"), [("MAIL_PORT", "twenty-five"), ("MAIL_USE_TLS", "maybe")]
)
def test_bad_values_fail_fast(name, value):
    with pytest.raises(ConfigError):
        Settings.from_env({"PARTICIPATE_ENV": "development", name: value})


def test_create_app_refuses_to_start_in_production_without_secret():
    with pytest.raises(ConfigError):
        create_app(Settings(participate_env="production"))
