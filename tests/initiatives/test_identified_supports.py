"""Two kinds of support: identified residents of voting age count toward the threshold.

Local Government Act 410/2015 s. 23: the threshold is 2 % of the residents entitled to vote.
"""

from __future__ import annotations

import dataclasses

import pytest

from participate.accounts.models import User
from participate.extensions import db
from participate.initiatives import queries, supports
from participate.initiatives.models import Initiative
from tests import factories, pages


def _get(model, ident):
    return db.session.get(model, ident)


def _identified(**identity):
    user = factories.create_user()
    factories.create_identity(user, **identity)
    return _get(User, user.id)


@pytest.mark.parametrize(
    ("identity", "counts"),
    [
        ({}, True),
        ({"municipality_code": "091"}, False),  # Helsinki
        ({"municipality_code": ""}, False),  # not given
        ({"voting_age": False}, False),
    ],
)
def test_who_counts_toward_the_threshold(app, identity, counts):
    with app.app_context():
        initiative = _get(Initiative, factories.create_initiative().id)
        supports.add_support(initiative, user=_identified(**identity))
        db.session.commit()
        assert (initiative.resident_support_count, initiative.other_support_count) == (
            (1, 0) if counts else (0, 1)
        )


def test_e_mail_verified_account_is_an_other_support(app):
    with app.app_context():
        initiative = _get(Initiative, factories.create_initiative().id)
        supports.add_support(initiative, user=_get(User, factories.create_user().id))
        db.session.commit()
        assert (initiative.resident_support_count, initiative.other_support_count) == (0, 1)


def test_same_person_through_two_accounts_is_counted_once(app):
    number = factories.hetu()
    with app.app_context():
        initiative = _get(Initiative, factories.create_initiative().id)
        first = _identified(national_id=number)
        second = _identified(national_id=number)
        supports.add_support(initiative, user=first)
        db.session.commit()
        with pytest.raises(supports.AlreadySupportedByPerson):
            supports.add_support(initiative, user=second)
        db.session.rollback()
        db.session.expire_all()
        initiative = _get(Initiative, initiative.id)
        assert initiative.support_count == 1 == queries.count_supports(initiative.id)
        assert initiative.resident_support_count == 1
        # Withdrawing through the first account frees the person to support again.
        supports.withdraw_support(initiative, user=_get(User, first.id))
        supports.add_support(initiative, user=_get(User, second.id))
        db.session.commit()
        assert (initiative.support_count, initiative.resident_support_count) == (1, 1)


def test_withdrawing_a_resident_support_lowers_both_counts(app):
    with app.app_context():
        initiative = _get(Initiative, factories.create_initiative().id)
        resident = _identified()
        other = _get(User, factories.create_user().id)
        supports.add_support(initiative, user=resident)
        supports.add_support(initiative, user=other)
        supports.withdraw_support(initiative, user=resident)
        db.session.commit()
        db.session.expire_all()
        initiative = _get(Initiative, initiative.id)
        assert (initiative.support_count, initiative.resident_support_count) == (1, 0)


def test_identified_only_refuses_other_accounts(app, settings, monkeypatch):
    monkeypatch.setitem(
        app.config, "SETTINGS", dataclasses.replace(settings, other_supports="identified-only")
    )
    with app.app_context():
        initiative = _get(Initiative, factories.create_initiative().id)
        with pytest.raises(supports.IdentificationRequired):
            supports.add_support(initiative, user=_get(User, factories.create_user().id))
        # An identified person from elsewhere may still support, as an other support.
        supports.add_support(initiative, user=_identified(municipality_code="091"))
        db.session.commit()
        assert (initiative.resident_support_count, initiative.other_support_count) == (0, 1)


def test_identified_person_needs_no_verified_e_mail(app):
    with app.app_context():
        user = factories.create_user(verified=False)
        factories.create_identity(user)
        initiative = _get(Initiative, factories.create_initiative().id)
        supports.add_support(initiative, user=_get(User, user.id))
        db.session.commit()
        assert initiative.resident_support_count == 1


def test_page_list_api_feed_and_csv_show_both_kinds(app, client, settings):
    with app.app_context():
        initiative = factories.create_initiative(title="Uimaranta Matinkylään")
        for _ in range(3):
            factories.create_support(initiative, resident=True)
        for _ in range(2):
            factories.create_support(initiative)
    soup = pages.get(client, f"/en/initiatives/{initiative.id}")
    box = " ".join(soup.select_one("#support").get_text(" ").split())
    assert "3 supports from identified residents" in box
    assert "2 other supports" in box
    assert f"3 of the {settings.initiative_threshold}" in box
    listing = " ".join(pages.get(client, "/en/initiatives/").get_text(" ").split())
    assert "3 supports from identified residents · 2 other supports" in listing
    record = client.get(f"/api/v1/initiatives/{initiative.id}").get_json()
    assert record["supports"] == {
        "identified_residents": 3,
        "other": 2,
        "threshold": settings.initiative_threshold,
    }
    listed = client.get("/api/v1/initiatives").get_json()["items"][0]
    assert listed["supports"]["identified_residents"] == 3
    feed = client.get("/en/initiatives/feed.atom").get_data(as_text=True)
    assert 'term="supports:3+2"' in feed
    assert "Supports from identified residents: 3. Other supports: 2." in feed
    csv_text = client.get("/en/initiatives/export.csv").get_data(as_text=True)
    header, row = csv_text.splitlines()[:2]
    columns = dict(zip(header.lstrip("\ufeff").split(";"), row.split(";"), strict=False))
    assert columns["identified_resident_supports"] == "3"
    assert columns["other_supports"] == "2"
