"""Settings: every configuration value, read from the environment in one place.

The app never reads `os.environ` anywhere else. Tests build `Settings(...)` directly.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

# Refused outside development and testing: a guessable key lets anyone forge sessions.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 (a placeholder that production refuses)

ENVIRONMENTS = ("development", "testing", "production")
DEV_BASE_URL = "http://127.0.0.1:5000"
OTHER_SUPPORTS = ("allowed", "identified-only")
DEV_IDENTITY_HASH_KEY = "dev-only-identity-hash-key"


class ConfigError(RuntimeError):
    """The environment does not describe a safe, working configuration."""


def _bool(value: str) -> bool:
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"not a boolean: {value!r}")


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"not an integer: {value!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Typed configuration. Field names are the environment variable names in lower case."""

    # "production" unless told otherwise, so a forgotten variable fails safe.
    participate_env: str = "production"
    secret_key: str = ""
    database_url: str = f"sqlite:///{ROOT / 'instance' / 'participate.sqlite3'}"
    # The public origin, e.g. "https://osallistu.espoo.fi": the only source of absolute URLs
    # (participate/urls.py). Required in production; development and tests use DEV_BASE_URL.
    base_url: str = ""
    # Host names a request may carry (comma-separated; ".espoo.fi" matches subdomains). Any
    # other Host is refused with 400. Empty: BASE_URL's host in production, any elsewhere.
    trusted_hosts: str = ""
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host
    # headers are trusted (werkzeug ProxyFix). 0: none, the headers are ignored.
    proxy_fix: int = 0

    mail_backend: str = "console"  # "console" prints, "smtp" delivers
    mail_server: str = "localhost"
    mail_port: int = 25
    mail_username: str = ""
    mail_password: str = ""
    mail_use_tls: bool = False
    mail_use_ssl: bool = False
    mail_default_sender: str = "Osallistu – Delta – Participate <noreply@participate.invalid>"  # noqa: RUF001
    mail_max_attempts: int = 6

    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    # RFC 9116 Contact of /.well-known/security.txt: a mailto: or https: URI.
    security_contact: str = "mailto:kirjaamo@espoo.fi"
    tile_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )

    # The operator's identity (name, logo, colours, favicon): a folder with theme.toml
    # (docs/theming.md). Empty: themes/default, a neutral look.
    theme: str = ""

    # Directory `flask static build` writes hashed, compressed static files to; WhiteNoise
    # serves them when it holds a manifest. Empty: instance/static-build.
    static_root: str = ""
    # "json" (one JSON object per line) or "text"; empty: json in production, text elsewhere.
    log_format: str = ""
    # The bearer token Prometheus sends to /metrics. Empty: /metrics does not exist (404).
    metrics_token: str = ""

    ratelimit_storage_uri: str = "memory://"
    ratelimit_enabled: bool = True

    # Section 23 of the Local Government Act: 2 % of the residents entitled to vote.
    eligible_residents: int = 245_000
    initiative_threshold_percent: int = 2
    # Statistics Finland's municipality code: only identified residents of this municipality
    # of voting age count toward the threshold (049: Espoo).
    municipality_code: str = "049"
    # Supports by e-mail-verified accounts that are not strongly identified: "allowed" (shown
    # as "other supports") or "identified-only" (refused).
    other_supports: str = "allowed"
    # The city's registry (kirjaamo): filed initiatives are e-mailed here. Empty: no filing.
    registry_email: str = ""
    # Whether supports stay open after the initiative is filed with the city.
    close_supports_on_filing: bool = False
    # The key of the HMAC-SHA256 that turns a national identification number into the stored
    # person hash. Separate from SECRET_KEY: rotating the session key must not split people.
    identity_hash_key: str = ""

    # Strong identification over SAML 2.0 (docs/identification.md). Empty metadata: off.
    # The identity provider's metadata: a file path or an https:// URL.
    saml_idp_metadata: str = ""
    # This service's entity id; default: BASE_URL + /saml/metadata.
    saml_sp_entity_id: str = ""
    # PEM files of the service provider's signing (and encryption) key and certificate.
    saml_sp_key_file: str = ""
    saml_sp_cert_file: str = ""
    # Attribute names (defaults: the Suomi.fi e-Identification attribute profile).
    saml_attr_national_id: str = "urn:oid:1.2.246.21"
    saml_attr_municipality: str = "urn:oid:1.2.246.517.2002.2.18"
    saml_attr_given_name: str = "urn:oid:2.5.4.42"
    saml_attr_surname: str = "urn:oid:2.5.4.4"
    # Asked of the identity provider (Suomi.fi: loa2 = substantial, loa3 = high).
    saml_authn_context: str = "http://ftn.ficora.fi/2017/loa3"
    # Path to the xmlsec1 binary pysaml2 shells out to (Debian: apt-get install xmlsec1).
    saml_xmlsec_binary: str = "/usr/bin/xmlsec1"

    # Days after an activity ends before participants' personal data is removed.
    signup_retention_days: int = 30
    # Reports by different residents that hide an item pending review.
    reports_to_hide: int = 3

    def __post_init__(self) -> None:
        base = self.base_url.strip().rstrip("/")
        if not base and self.participate_env != "production":
            base = DEV_BASE_URL
        object.__setattr__(self, "base_url", base)

    @property
    def is_development(self) -> bool:
        return self.participate_env == "development"

    @property
    def is_testing(self) -> bool:
        return self.participate_env == "testing"

    @property
    def is_production(self) -> bool:
        return self.participate_env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(field.name.upper())
            if raw is None:
                continue
            if field.type == "int":
                values[field.name] = _int(raw)
            elif field.type == "bool":
                values[field.name] = _bool(raw)
            else:
                values[field.name] = raw
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.participate_env not in ENVIRONMENTS:
            raise ConfigError(
                f"PARTICIPATE_ENV must be one of {', '.join(ENVIRONMENTS)}, "
                f"not {self.participate_env!r}"
            )
        if self.is_production and (
            not self.secret_key or self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                'production, e.g. python -c "import secrets; print(secrets.token_urlsafe(48))". '
                "For local development set PARTICIPATE_ENV=development."
            )
        if self.other_supports not in OTHER_SUPPORTS:
            raise ConfigError("OTHER_SUPPORTS must be 'allowed' or 'identified-only'")
        if not re.fullmatch(r"\d{3}", self.municipality_code):
            raise ConfigError("MUNICIPALITY_CODE must be three digits, e.g. 049 (Espoo)")
        if (
            self.is_production
            and self.saml_idp_metadata
            and (len(self.identity_hash_key) < 32 or self.identity_hash_key == self.secret_key)
        ):
            raise ConfigError(
                "IDENTITY_HASH_KEY must be a random value of at least 32 characters, different "
                "from SECRET_KEY (it keys the hash of national identification numbers)."
            )
        if self.mail_backend not in {"console", "smtp"}:
            raise ConfigError("MAIL_BACKEND must be 'console' or 'smtp'")
        self._validate_origin()
        if self.log_format not in {"", "json", "text"}:
            raise ConfigError("LOG_FORMAT must be 'json' or 'text'")
        if self.metrics_token and len(self.metrics_token) < 20:
            raise ConfigError("METRICS_TOKEN must be at least 20 random characters")
        if self.proxy_fix < 0:
            raise ConfigError("PROXY_FIX must be 0 or the number of proxies in front of the app")

    def _validate_origin(self) -> None:
        if not self.base_url:
            raise ConfigError(
                "BASE_URL must be set in production to the public address of the site, "
                "e.g. https://osallistu.espoo.fi: every link in e-mails and feeds uses it."
            )
        parts = urlsplit(self.base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
            raise ConfigError(
                f"BASE_URL must be an http(s) address without a query, not {self.base_url!r}"
            )

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("json" if self.is_production else "text")

    @property
    def uses_redis(self) -> bool:
        return self.ratelimit_storage_uri.startswith(("redis://", "rediss://", "redis+"))

    @property
    def ratelimit_storage_options(self) -> dict[str, Any]:
        """Short timeouts, so an unreachable Redis costs a second, not a hung worker."""
        if self.uses_redis:
            return {"socket_connect_timeout": 1, "socket_timeout": 1}
        return {}

    @property
    def trusted_host_list(self) -> list[str] | None:
        """Flask's TRUSTED_HOSTS: the configured list, BASE_URL's host in production, or
        None (any host) in development and tests."""
        hosts = [h.strip() for h in self.trusted_hosts.split(",") if h.strip()]
        if hosts:
            return hosts
        if self.is_production:
            return [urlsplit(self.base_url).hostname or ""]
        return None

    @property
    def effective_secret_key(self) -> str:
        return self.secret_key or DEV_SECRET_KEY

    @property
    def is_identification_enabled(self) -> bool:
        return bool(self.saml_idp_metadata)

    @property
    def effective_identity_hash_key(self) -> bytes:
        return (self.identity_hash_key or DEV_IDENTITY_HASH_KEY).encode("utf-8")

    @property
    def initiative_threshold(self) -> int:
        """Supports an initiative needs before the council must take it up."""
        return max(1, -(-self.eligible_residents * self.initiative_threshold_percent // 100))

    def flask_config(self) -> dict[str, Any]:
        """The values Flask and its extensions read from `app.config`."""
        secure = self.is_production
        return {
            "SETTINGS": self,
            "SECRET_KEY": self.effective_secret_key,
            "TESTING": self.is_testing,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": secure,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": secure,
            "PREFERRED_URL_SCHEME": "https" if secure else "http",
            "TRUSTED_HOSTS": self.trusted_host_list,
            "WTF_CSRF_TIME_LIMIT": None,  # a form left open for hours still submits
            "BABEL_DEFAULT_LOCALE": "fi",
            "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
            "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_uri,
            "RATELIMIT_STORAGE_OPTIONS": self.ratelimit_storage_options,
            # Redis down: count in this process's memory (Flask-Limiter warns once) instead
            # of answering 500 to every limited form. Redis up again: it is used again.
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
            "RATELIMIT_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_HEADERS_ENABLED": True,
            "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        }
