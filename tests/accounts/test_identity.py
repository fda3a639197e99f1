"""The identity model: what is kept of a strong identification, and what never is."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from participate.accounts import identity, services
from participate.accounts.models import Identity, User
from participate.extensions import db
from tests import factories, pages


@given(
    born=st.dates(min_value=date(1850, 1, 1), max_value=date(2099, 12, 31)),
    individual=st.integers(min_value=2, max_value=999),
)
def test_birth_date_round_trips_for_every_valid_code(born, individual):
    assert identity.birth_date(factories.hetu(born=born, individual=individual)) == born


@given(st.text(max_size=20))
def test_anything_else_is_refused_cleanly(text):
    with contextlib.suppress(identity.InvalidIdentity):
        identity.birth_date(text)


@pytest.mark.parametrize(
    ("code", "born"),
    [
        ("131052-308T", date(1952, 10, 13)),  # the example in the Finnish guidelines
        ("010594Y9021", date(1994, 5, 1)),  # the new century signs of 2023
        ("020502E901W", date(2002, 5, 2)),
    ],
)
def test_known_codes(code, born):
    assert identity.birth_date(code) == born


@pytest.mark.parametrize(
    ("born", "today", "voting"),
    [
        (date(2008, 12, 1), date(2026, 12, 1), True),  # 18 today
        (date(2008, 12, 2), date(2026, 12, 1), False),  # 18 tomorrow
        (date(2008, 2, 29), date(2026, 2, 28), False),
        (date(2008, 2, 29), date(2026, 3, 1), True),
    ],
)
def test_voting_age_is_judged_on_the_day(app, born, today, voting):
    person = identity.IdentifiedPerson(factories.hetu(born=born), "049", "loa3")
    with app.app_context():
        assert identity.describe(person, show_name=False, today=today).is_voting_age is voting


def test_hash_is_keyed_and_separate_from_the_secret_key(app, settings, monkeypatch):
    number = factories.hetu()
    with app.app_context():
        first = identity.person_hash(number)
        assert first == identity.person_hash(number.lower())
        assert len(first) == 64
        assert number not in first
        # A new SECRET_KEY (sessions) keeps every person's hash...
        monkeypatch.setitem(
            app.config, "SETTINGS", dataclasses.replace(settings, secret_key="changed" * 8)
        )
        assert identity.person_hash(number) == first
        # ...and the hash depends on IDENTITY_HASH_KEY.
        monkeypatch.setitem(
            app.config, "SETTINGS", dataclasses.replace(settings, identity_hash_key="other" * 8)
        )
        assert identity.person_hash(number) != first


def test_names_are_kept_only_when_chosen(app):
    with app.app_context():
        hidden = factories.create_identity(factories.create_user(), show_name=False)
        shown = factories.create_identity(factories.create_user(), show_name=True)
    assert hidden.verified_name is None
    assert shown.verified_name == "Aino Virtanen"


def test_no_national_identification_number_anywhere_in_the_database(app):
    number = factories.hetu(born=date(1985, 3, 4))
    with app.app_context():
        user = factories.create_user()
        factories.create_identity(user, national_id=number)
        initiative = factories.create_initiative()
        from participate.initiatives import supports as initiative_supports
        from participate.initiatives.models import Initiative

        initiative_supports.add_support(
            db.session.get(Initiative, initiative.id), user=db.session.get(User, user.id)
        )
        db.session.commit()
        dump = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                dump.append(repr(tuple(row)))
        text = "\n".join(dump)
    for needle in (number, number[:6] + number[7:], "1985-03-04", "040385"):
        assert needle not in text


def test_my_data_shows_the_identification_and_deletion_removes_it(app, client, login_as):
    user = login_as("resident")
    with app.app_context():
        factories.create_identity(db.session.get(User, user.id), municipality_code="049")
    soup = pages.get(client, "/en/account/my-data")
    section = " ".join(
        soup.select_one("[aria-labelledby=identification-title]").get_text(" ").split()
    )
    assert "049" in section
    assert "Of voting age when identified Yes" in section
    export = client.get("/en/account/my-data/download").get_json()
    assert export["account"]["identification"]["municipality_code"] == "049"
    assert export["account"]["identification"]["is_voting_age"] is True
    with app.app_context():
        services.delete_account(db.session.get(User, user.id), factories.PASSWORD)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Identity)) == 0


def test_an_hour_old_identification_is_kept_as_given(app):
    with app.app_context():
        row = factories.create_identity(factories.create_user(), municipality_code="092")
    assert row.municipality_code == "092"
    assert row.level_of_assurance.endswith("loa3")
    assert row.identified_at > factories.utcnow() - timedelta(hours=1)
