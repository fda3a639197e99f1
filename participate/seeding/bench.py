"""Benchmark data: a large, believable data set at a given scale, written with bulk inserts.

Used by `scripts/bench.py` (`make bench SCALE=1000`) and the `bench_seed` hooks in
`participate.seeding.<feature>`; the running app never imports it.
The districts and postal codes are loaded before (by `flask districts load` and
`flask districts load-postal-codes`). SCALE is the number of initiatives (docs/performance.md
gives the other tables' sizes per scale). `seed(scale)` inserts SCALE accounts with one
precomputed password hash, and calls the hook of each feature listed in
`participate.seeding.demo.FEATURE_DEMOS`, in that order:

    # participate/seeding/<feature>.py
    BENCH_URLS = ("/fi/<feature>/", "/fi/<feature>/{<feature>_id}")

    def bench_seed(ctx: BenchContext, scale: int) -> None:
        ids = ctx.insert(Thing, [{...}, ...], returning=Thing.id)
        ctx.url_params["<feature>_id"] = ids[0]

The hook inserts its rows (use `ctx.insert`, never one service call per row at scale), may
flush, and never commits: the caller commits once after each hook. `BENCH_URLS` are the
pages to load-test, with `{placeholders}` filled from `ctx.url_params`. docs/performance.md
("Adding a feature to the benchmark") says the same for people.

Size: over 400 lines because it is mostly the benchmark's fixed data and URL lists written out;
the logic is a few short functions.
"""

from __future__ import annotations

import importlib
import random
import string
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from participate.accounts.models import Role, User
from participate.accounts.passwords import hash_password
from participate.db import utcnow
from participate.districts.models import District
from participate.districts.queries import list_districts
from participate.extensions import db

# Every benchmark account signs in with this password (hashed once, stored for all).
PASSWORD = "bench-password-not-secret-2026"  # noqa: S105 (throwaway benchmark accounts)

# Rows per INSERT statement batch: large enough to be fast, small enough for any driver.
CHUNK = 2000

# Rough share of Espoo's population per major district (Statistics Finland, about 2023):
# a benchmark that puts everyone in one district would hide per-district list costs.
DISTRICT_WEIGHTS = {
    "suur-leppavaara": 78,
    "suur-tapiola": 50,
    "suur-matinkyla": 42,
    "suur-espoonlahti": 62,
    "suur-kauklahti": 17,
    "vanha-espoo": 55,
    "pohjois-espoo": 6,
}
# Interface language of the accounts: Finnish, Swedish, and English for everyone else.
LANGUAGE_WEIGHTS = {"fi": 68, "sv": 7, "en": 25}

# Space-separated names, as residents of Espoo might have them (split when used).
FIRST_NAMES = {
    "fi": "Aino Mikko Sanna Juha Elina Matti Venla Oskari Tuula Pekka Helmi Eero Ilona Ville "
    "Kaisa Antti Noora Lauri",
    "sv": "Karin Erik Linnea Johan Mikael Ebba Henrik Frida Anders Maja Niklas Stina",
    "en": "Priya Ahmed Olga Maria Tomás Chen Fatima Daniel Yusuf Anna Lucas Amina Dmitri "
    "Sofia Kwame Mei",
}
LAST_NAMES = {
    "fi": "Virtanen Korhonen Mäkinen Nieminen Heikkinen Laine Koskinen Järvinen Lehtonen "
    "Salminen Hakala Heinonen Saarinen Ahonen",
    "sv": "Lindholm Sjöberg Ekholm Forsman Holmström Lindqvist Grönroos Nyberg Wikström Åberg",
    "en": "Nair Hassan Ivanova Garcia Novák Wang Ali Smith Yilmaz Kowalski Silva Mensah "
    "Petrov Rossi",
}

# Sentences about neighbourhood matters, for titles and bodies in the three languages.
SENTENCES = {
    "fi": [
        "Puiston penkit ovat huonossa kunnossa ja ne pitäisi korjata ennen kesää.",
        "Koulun lähellä oleva suojatie tarvitsee paremman valaistuksen.",
        "Leikkipaikalle toivotaan varjoa ja juomavesipistettä.",
        "Bussipysäkin katos suojaisi odottajia sateelta ja tuulelta.",
        "Rantaan johtava polku on talvella liukas ja vaatii hiekoitusta.",
        "Kirjaston aukioloaikoja voisi pidentää iltaisin ja viikonloppuisin.",
        "Kierrätyspisteen astiat täyttyvät viikonloppuisin liian nopeasti.",
        "Asukkaat voisivat hoitaa yhteistä kaupunkiviljelmää koulun pihalla.",
        "Pyörätien päällyste on rikki usean sadan metrin matkalta.",
        "Nuorille tarvitaan iltaisin avoin kokoontumispaikka.",
    ],
    "sv": [
        "Bänkarna i parken är i dåligt skick och borde lagas före sommaren.",
        "Övergångsstället nära skolan behöver bättre belysning.",
        "Lekplatsen behöver skugga och en vattenpost.",
        "Ett tak vid busshållplatsen skulle skydda dem som väntar mot regn och vind.",
        "Stigen ner till stranden är hal på vintern och behöver sandas.",
        "Biblioteket kunde ha längre öppettider på kvällar och veckoslut.",
        "Kärlen vid återvinningsstationen blir fulla för snabbt under veckosluten.",
        "Invånarna kunde sköta en gemensam stadsodling på skolgården.",
        "Beläggningen på cykelvägen är sönder på flera hundra meter.",
        "De unga behöver en samlingsplats som är öppen på kvällarna.",
    ],
    "en": [
        "The benches in the park are in poor condition and should be repaired before summer.",
        "The pedestrian crossing near the school needs better lighting.",
        "The playground needs shade and a drinking water point.",
        "A shelter at the bus stop would protect people waiting from rain and wind.",
        "The path down to the shore is slippery in winter and needs gritting.",
        "The library could stay open longer in the evenings and at weekends.",
        "The recycling point fills up too quickly at weekends.",
        "Residents could look after a shared urban garden in the school yard.",
        "The surface of the cycle path is broken for several hundred metres.",
        "Young people need a meeting place that is open in the evenings.",
    ],
}


@dataclass(frozen=True)
class BenchUser:
    """What a hook usually needs of an account, without loading thousands of ORM objects."""

    id: int
    language: str
    district_id: int | None
    is_verified: bool


@dataclass
class BenchContext:
    """Handed to every feature's `bench_seed(ctx, scale)`."""

    scale: int
    rng: random.Random
    now: datetime
    districts: list[District]
    password: str = PASSWORD
    # Every account, in insertion order: the admin, the moderators, then the residents.
    users: list[BenchUser] = field(default_factory=list)
    admin_id: int = 0
    moderator_ids: list[int] = field(default_factory=list)
    # Values for the `{placeholders}` in the features' BENCH_URLS, set by their hooks.
    url_params: dict[str, Any] = field(default_factory=dict)
    _verified: list[BenchUser] = field(default_factory=list, repr=False)
    _verified_of: int = field(default=-1, repr=False)

    @property
    def residents(self) -> list[BenchUser]:
        special = {self.admin_id, *self.moderator_ids}
        return [u for u in self.users if u.id not in special]

    @property
    def verified_residents(self) -> list[BenchUser]:
        # Hooks ask often; at 100,000 accounts rebuilding the list each time adds up.
        if self._verified_of != len(self.users):
            self._verified = [u for u in self.residents if u.is_verified]
            self._verified_of = len(self.users)
        return self._verified

    def sample_users(self, k: int, *, verified: bool = True) -> list[BenchUser]:
        """k distinct residents (fewer if there are not that many)."""
        pool = self.verified_residents if verified else self.residents
        return self.rng.sample(pool, min(k, len(pool)))

    def district(self, slug: str) -> District:
        return next(d for d in self.districts if d.slug == slug)

    def random_district(self) -> District:
        """A district weighted by population."""
        weights = [DISTRICT_WEIGHTS.get(d.slug, 10) for d in self.districts]
        return self.rng.choices(self.districts, weights=weights)[0]

    def past(self, *, days: float = 730, after: datetime | None = None) -> datetime:
        """A random moment in the last `days` days (and after `after`, if given)."""
        start = self.now - timedelta(days=days)
        if after is not None and after > start:
            start = after
        return start + (self.now - start) * self.rng.random()

    def future(self, *, days: float = 90) -> datetime:
        return self.now + timedelta(days=days) * self.rng.random()

    def sentences(self, lang: str, count: int = 3) -> str:
        pool = SENTENCES.get(lang, SENTENCES["fi"])
        return " ".join(self.rng.choice(pool) for _ in range(count))

    def insert(
        self,
        model: type[Any],
        rows: Iterable[Mapping[str, Any]],
        *,
        returning: Any = None,
    ) -> list[Any]:
        """Bulk-insert rows (dicts of column values, every row with the same keys).

        PostgreSQL: one `COPY … FROM STDIN` (about ten times faster than INSERT batches at a
        million rows); with `returning=Model.id` the ids are taken from the table's sequence
        first and copied with the rows. Other databases: executemany batches of CHUNK rows.
        Either way, with `returning=Model.id` the new ids come back in the order of `rows`.
        """
        rows = list(rows)
        if not rows:
            return []
        if db.session.get_bind().dialect.name == "postgresql":
            return _copy_rows(model, rows, returning)
        values: list[Any] = []
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            if returning is None:
                db.session.execute(sa.insert(model), chunk)
            else:
                statement = sa.insert(model).returning(returning, sort_by_parameter_order=True)
                values.extend(db.session.scalars(statement, chunk))
        return values


def _copy_rows(model: type[Any], rows: list[Mapping[str, Any]], returning: Any) -> list[Any]:
    """`ctx.insert` on PostgreSQL: psycopg's `cursor.copy`, in the session's transaction.

    COPY skips SQLAlchemy, so this does its two jobs here: Python-side column defaults
    (`default=utcnow`, `default=""`) for columns the rows leave out, and each column type's
    bind processing (enums to their stored names). Server defaults, generated columns and
    triggers (e.g. a search vector kept by the database) run in PostgreSQL as for INSERT.
    """
    table: sa.Table = model.__table__
    connection = db.session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in names or column.computed is not None or default is None:
            continue
        if isinstance(default, sa.ColumnDefault) and (default.is_scalar or default.is_callable):
            defaults[column.name] = default
    ids: list[Any] = []
    if returning is not None:
        name = returning.key
        sequence = connection.scalar(sa.select(sa.func.pg_get_serial_sequence(table.name, name)))
        ids = list(
            connection.scalars(
                sa.select(sa.func.nextval(sequence)).select_from(
                    sa.func.generate_series(1, len(rows))
                )
            )
        )
        names.append(name)
    columns = [*names, *defaults]
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    fixed = [
        default.arg if default.is_scalar else default.arg(None) for default in defaults.values()
    ]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        given = names[: len(names) - (1 if returning is not None else 0)]
        for number, row in enumerate(rows):
            values = [row[name] for name in given]
            if returning is not None:
                values.append(ids[number])
            values.extend(fixed)
            copy.write_row(
                [
                    value if process is None or value is None else process(value)
                    for value, process in zip(values, processors, strict=True)
                ]
            )
    return ids


@dataclass(frozen=True)
class SeedStep:
    """One part of the seeding, for the report: what, how long, or why it was skipped."""

    name: str
    seconds: float
    note: str = ""
    failed: bool = False
    traceback: str = ""


def _display_name(rng: random.Random, lang: str) -> str:
    return f"{rng.choice(FIRST_NAMES[lang].split())} {rng.choice(LAST_NAMES[lang].split())}"


def seed_users(ctx: BenchContext, count: int) -> None:
    """`count` accounts: one admin, two moderators, the rest residents; one shared hash."""
    password_hash = hash_password(ctx.password)
    rng = ctx.rng
    langs, lang_weights = zip(*LANGUAGE_WEIGHTS.items(), strict=True)
    rows: list[dict[str, Any]] = []
    for number in range(1, count + 1):
        if number == 1:
            role, email = Role.ADMIN, "bench-admin@example.fi"
        elif number <= 3:
            role, email = Role.MODERATOR, f"bench-moderator-{number - 1}@example.fi"
        else:
            role, email = Role.RESIDENT, f"bench-{number}@example.fi"
        lang = rng.choices(langs, weights=lang_weights)[0]
        created = ctx.past(days=3 * 365)
        is_verified = role != Role.RESIDENT or rng.random() < 0.92
        has_district = role == Role.RESIDENT and rng.random() < 0.9
        rows.append(
            {
                "email": email,
                "display_name": _display_name(rng, lang),
                "password_hash": password_hash,
                "language": lang,
                "role": role,
                "home_district_id": ctx.random_district().id if has_district else None,
                "email_verified_at": created + timedelta(minutes=rng.randint(1, 600))
                if is_verified
                else None,
                "last_login_at": ctx.past(after=created) if rng.random() < 0.6 else None,
                "created_at": created,
                "updated_at": created,
            }
        )
    ids = ctx.insert(User, rows, returning=User.id)
    for user_id, row in zip(ids, rows, strict=True):
        ctx.users.append(
            BenchUser(
                id=user_id,
                language=row["language"],
                district_id=row["home_district_id"],
                is_verified=row["email_verified_at"] is not None,
            )
        )
        if row["role"] == Role.ADMIN:
            ctx.admin_id = user_id
        elif row["role"] == Role.MODERATOR:
            ctx.moderator_ids.append(user_id)


def feature_demo_names() -> tuple[str, ...]:
    """The `participate.seeding.<feature>` modules, in FEATURE_DEMOS (dependency) order."""
    from participate.seeding.demo import FEATURE_DEMOS

    return FEATURE_DEMOS


def demo_context(ctx: BenchContext, residents: int = 40) -> Any:
    """A `participate.seeding.demo.DemoContext` over the benchmark accounts, for features that have
    a demo `load(ctx)` but no `bench_seed` yet: their data at demo size beats none."""
    from participate.seeding.demo import DemoContext

    chosen = [u.id for u in ctx.sample_users(residents)]
    wanted = [ctx.admin_id, ctx.moderator_ids[0], *chosen]
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(wanted)))}
    return DemoContext(
        rng=ctx.rng,
        now=ctx.now,
        districts=ctx.districts,
        moderator=users[ctx.moderator_ids[0]],
        admin=users[ctx.admin_id],
        residents=[users[i] for i in chosen],
    )


def seed(scale: int, *, seed: int = 2026) -> tuple[BenchContext, list[SeedStep]]:
    """Fill a freshly migrated database (districts already loaded); commit after each step.

    A feature whose hook fails is rolled back and reported, and the others still run: with
    several features in progress at once, one broken hook must not hide every result.
    """
    districts = list_districts()
    if not districts:
        raise RuntimeError("no districts: run `flask districts load` first")
    # Reproducible data from one seed; nothing here needs cryptographic randomness.
    ctx = BenchContext(scale, random.Random(seed), utcnow(), districts)  # noqa: S311
    steps = []
    started = time.perf_counter()
    seed_users(ctx, scale)
    db.session.commit()
    steps.append(SeedStep("accounts", time.perf_counter() - started))
    demo_ctx = None
    for name in feature_demo_names():
        started = time.perf_counter()
        note, failed, details = "", False, ""
        try:
            module = importlib.import_module(name)
            hook = getattr(module, "bench_seed", None)
            if hook is not None:
                hook(ctx, scale)
            elif hasattr(module, "load"):
                demo_ctx = demo_ctx or demo_context(ctx)
                module.load(demo_ctx)
                note = "demo data only: no bench_seed(ctx, scale)"
            else:
                note = "nothing to seed"
            db.session.commit()
        except Exception as exc:  # reported in the results; see the docstring
            db.session.rollback()
            # The first line only: a statement with its parameters can be megabytes.
            first = (str(exc).splitlines() or [""])[0][:300]
            note, failed = f"FAILED: {type(exc).__name__}: {first}", True
            details = traceback.format_exc()
        steps.append(SeedStep(name, time.perf_counter() - started, note, failed, details))
    return ctx, steps


def feature_urls(
    url_params: Mapping[str, Any], attribute: str = "BENCH_URLS"
) -> tuple[list[str], list[str]]:
    """The features' BENCH_URLS (or another list, e.g. BENCH_SIGNED_IN_URLS) with the
    placeholders filled from `url_params`, and notes on those left out."""
    urls: list[str] = []
    notes: list[str] = []
    for name in feature_demo_names():
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # already reported by seed()
            notes.append(f"{name}: not importable ({type(exc).__name__})")
            continue
        for template in getattr(module, attribute, ()):
            fields = [f for _, f, _, _ in string.Formatter().parse(template) if f]
            missing = [f for f in fields if f not in url_params]
            if missing:
                notes.append(f"{template}: no value for {', '.join(missing)}")
                continue
            urls.append(template.format_map(url_params))
    return urls, notes


def table_counts() -> dict[str, int]:
    """Rows per table that the migrations created (a model may be ahead of its migration)."""
    existing = set(sa.inspect(db.engine).get_table_names())
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
        if table.name in existing
    }
