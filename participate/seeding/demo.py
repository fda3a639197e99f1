"""`flask demo load`: believable demo content in fi, sv and en, only into an empty database.

The demo accounts (README: "Demo sign-in") exist only through this command.
Each feature's content comes from a `load(ctx)` function in `participate.seeding.<feature>`,
listed in FEATURE_DEMOS in the order they depend on each other.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import datetime

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from participate.accounts.models import Role, User
from participate.accounts.services import Registration, create_user
from participate.db import utcnow
from participate.districts import loaders
from participate.districts.models import District
from participate.districts.queries import list_districts
from participate.extensions import db

FEATURE_DEMOS: tuple[str, ...] = (
    "participate.seeding.councillors",
    "participate.seeding.initiatives",
    "participate.seeding.activities",
    "participate.seeding.moderation",
)

# (e-mail, password, display name, language, role, home district slug)
DEMO_ACCOUNTS = [
    ("moderaattori@example.fi", "valvoja-demo-2026", "Kaisa Kehittäjä", "fi", Role.MODERATOR, None),
    ("admin@example.fi", "yllapito-demo-2026", "Antti Ylläpitäjä", "fi", Role.ADMIN, None),
    (
        "asukas@example.fi",
        "tapiola-demo-2026",
        "Liisa Virtanen",
        "fi",
        Role.RESIDENT,
        "suur-tapiola",
    ),
    (
        "invanare@example.fi",
        "esboviken-demo-2026",
        "Johan Lindqvist",
        "sv",
        Role.RESIDENT,
        "suur-espoonlahti",
    ),
    (
        "resident@example.fi",
        "leppavaara-demo-2026",
        "Priya Nair",
        "en",
        Role.RESIDENT,
        "suur-leppavaara",
    ),
]

# More residents who support, sign up and report in the demo.
EXTRA_RESIDENTS = [
    ("Matti Korhonen", "fi"),
    ("Aino Mäkinen", "fi"),
    ("Elina Nieminen", "fi"),
    ("Juha Heikkinen", "fi"),
    ("Sanna Laine", "fi"),
    ("Oskari Koskinen", "fi"),
    ("Helena Järvinen", "fi"),
    ("Pekka Lehtonen", "fi"),
    ("Tuula Salminen", "fi"),
    ("Karin Holmström", "sv"),
    ("Erik Sjöberg", "sv"),
    ("Linnea Forsman", "sv"),
    ("Mikael Ekholm", "sv"),
    ("Olga Ivanova", "en"),
    ("Ahmed Hassan", "en"),
    ("Maria Garcia", "en"),
    ("Tomás Novák", "en"),
    ("Venla Hakala", "fi"),
]


@dataclass
class DemoContext:
    rng: random.Random
    now: datetime
    districts: list[District]
    moderator: User
    admin: User
    residents: list[User] = field(default_factory=list)

    def district(self, slug: str) -> District:
        return next(d for d in self.districts if d.slug == slug)


cli = AppGroup("demo", help="Demo content for trying the platform.")


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def ensure_reference_data() -> list[District]:
    if not list_districts():
        loaders.load_districts(loaders.DISTRICTS_FILE)
        loaders.load_postal_codes(loaders.POSTAL_CODES_FILE)
    return list_districts()


def create_accounts(districts: list[District]) -> tuple[User, User, list[User]]:
    by_slug = {d.slug: d for d in districts}
    made: dict[str, User] = {}
    for email, password, name, lang, role, slug in DEMO_ACCOUNTS:
        registration = Registration(
            display_name=name,
            email=email,
            password=password,
            language=lang,
            home_district_id=by_slug[slug].id if slug else None,
        )
        made[email] = create_user(registration, role=role, verified=True)
    residents = [u for u in made.values() if u.role == Role.RESIDENT]
    for number, (name, lang) in enumerate(EXTRA_RESIDENTS, start=1):
        registration = Registration(
            display_name=name,
            email=f"asukas{number}@example.fi",
            password=f"demo-password-{number}-not-used",
            language=lang,
            home_district_id=districts[number % len(districts)].id,
        )
        residents.append(create_user(registration, verified=True))
    return made["moderaattori@example.fi"], made["admin@example.fi"], residents


def load_demo(seed: int = 2026) -> DemoContext:
    districts = ensure_reference_data()
    moderator, admin, residents = create_accounts(districts)
    ctx = DemoContext(random.Random(seed), utcnow(), districts, moderator, admin, residents)
    for name in FEATURE_DEMOS:
        importlib.import_module(name).load(ctx)
    db.session.flush()
    return ctx


@cli.command("load")
def load_command() -> None:
    """Fill an empty database with demo content (does nothing if there are accounts)."""
    if not is_empty():
        click.echo("The database already has accounts: demo content not loaded.")
        return
    load_demo()
    db.session.commit()
    click.echo("Demo content loaded. Sign in as moderaattori@example.fi / valvoja-demo-2026.")


def init_app(app: Flask) -> None:
    app.cli.add_command(cli)
