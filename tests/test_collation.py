"""Names sort as a Finn or a Finland-Swede expects (Å, Ä, Ö after Z), in Python and in SQL on
the database under test (SQLite, or PostgreSQL with TEST_DATABASE_URL), on pages and in the API."""

from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participate.accounts.models import Role
from participate.collation import FINNISH, SWEDISH, collate, collation_name, sort_key
from participate.extensions import db
from tests import factories

EXPECTED = ["Zetterberg", "Ziegler", "Åström", "Äijälä", "Öhman"]

# (language, names in the order a reader of that language expects)
TABLE = [
    ("fi", EXPECTED),
    ("sv", EXPECTED),
    ("en", EXPECTED),
    # Capitals do not go first; case only breaks a tie.
    ("fi", ["aalto", "Aaltonen", "Öberg", "öhman"]),
    # Ü is a Y in both languages; accents on other letters only break ties.
    ("fi", ["Mustonen", "Müller", "Myllys", "Zacharias"]),
    ("sv", ["Mustonen", "Müller", "Myllys", "Zacharias"]),
    ("fi", ["Eklund", "Élise", "Eriksson"]),
    # Å before Ä before Ö, also inside a name; Æ with Ä and Ø with Ö.
    ("sv", ["Blomqvist", "Bäckman", "Bøgh", "Böök"]),
    ("fi", ["Haavisto", "Hakala", "Håkansson", "Hämäläinen", "Hölttä"]),
    ("sv", ["Lindberg", "Lindén", "Lindström", "Lindås", "Lindäng"]),
]


def shuffled(names: list[str], seed: int) -> list[str]:
    copy = list(names)
    random.Random(seed).shuffle(copy)
    return copy


def sql_order(names: list[str], lang: str) -> list[str]:
    """The names as the database orders them with `collate` (no table needed)."""
    rows = sa.union_all(*(sa.select(sa.literal(n, sa.String).label("name")) for n in names))
    names_table = rows.subquery("names")
    query = sa.select(names_table.c.name).order_by(collate(names_table.c.name, lang))
    return list(db.session.scalars(query))


@pytest.mark.parametrize(("lang", "expected"), TABLE)
def test_python_sort_key_orders_like_a_finn_or_a_finland_swede(lang, expected):
    for seed in range(3):
        assert sorted(shuffled(expected, seed), key=lambda n: sort_key(n, lang)) == expected


@pytest.mark.parametrize(("lang", "expected"), TABLE)
def test_the_database_orders_the_same(app, lang, expected):
    with app.app_context():
        for seed in range(3):
            assert sql_order(shuffled(expected, seed), lang) == expected


def test_collation_names_follow_the_language(app):
    assert (collation_name("fi"), collation_name("sv"), collation_name("en")) == (
        FINNISH,
        SWEDISH,
        FINNISH,
    )
    assert collation_name("xx") == FINNISH
    assert collation_name(None) == FINNISH  # no request: Finnish
    with app.test_request_context("/sv/councillors/"):
        app.preprocess_request()
        assert collation_name() == SWEDISH


NAME_LETTERS = "abcdefghijklmnopqrstuvwxyzåäöüéABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÜÉ -'"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(st.text(alphabet=NAME_LETTERS, max_size=12), min_size=2, max_size=12),
    lang=st.sampled_from(["fi", "sv"]),
)
def test_database_and_python_agree_on_any_names(app, names, lang):
    # Ties (names that differ only in ignorable characters) may come in either order, so
    # the database's order must be non-decreasing by the Python key, not equal to a sort.
    with app.app_context():
        keys = [sort_key(name, lang) for name in sql_order(names, lang)]
    assert keys == sorted(keys)


def test_councillors_api_and_admin_list_in_finnish_order(client, app, login_as):
    with app.app_context():
        for last_name in shuffled(EXPECTED, 1):
            factories.create_councillor(first_name="Aino", last_name=last_name)
    data = client.get("/api/v1/councillors", headers={"Accept-Language": "sv"}).get_json()
    assert [item["last_name"] for item in data["items"]] == EXPECTED

    login_as(Role.ADMIN)
    for lang in ("fi", "sv"):
        page = client.get(f"/{lang}/councillors/admin/").get_data(as_text=True)
        found = re.findall("|".join(EXPECTED), page)
        assert list(dict.fromkeys(found)) == EXPECTED


def test_admin_user_list_in_finnish_order(client, app, login_as):
    admin = login_as(Role.ADMIN, display_name="Aalto Admin")
    with app.app_context():
        for name in shuffled(EXPECTED, 2):
            factories.create_user(display_name=f"{name} Testi")
    for lang in ("fi", "sv"):
        page = client.get(f"/{lang}/admin/users").get_data(as_text=True)
        pattern = "(?:" + "|".join(EXPECTED) + ") Testi"
        found = re.findall(pattern, page)
        assert list(dict.fromkeys(found)) == [f"{name} Testi" for name in EXPECTED]
        assert admin.display_name in page
