"""No silent changes: moving an activity tells every participant and the organiser."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from participate.accounts.models import Role
from participate.activities import services
from participate.activities.models import Activity, Signup, hash_token
from participate.extensions import db
from participate.mail.models import OutboxMessage
from participate.moderation.audit import AuditEntry
from tests import factories
from tests.activities.test_services import details_of, sign_up


def _mails(template: str) -> dict[str, OutboxMessage]:
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template))
    return {row.to_address: row for row in rows}


def test_moving_an_activity_tells_every_participant_and_the_organiser(app, client):
    with app.test_request_context():
        organiser = factories.create_user(language="en", email="organiser@example.fi")
        moderator = factories.create_user(role=Role.MODERATOR)
        activity = factories.create_activity(capacity=3, author=organiser)
        # Three confirmed in three languages, one on the waiting list.
        for email, lang in [
            ("fi@example.fi", "fi"),
            ("sv@example.fi", "sv"),
            ("en@example.fi", "en"),
        ]:
            sign_up(activity.id, email, language=lang)
        sign_up(activity.id, "waiting@example.fi", language="sv")
        old_hashes = dict(db.session.execute(sa.select(Signup.email, Signup.token_hash)).all())
        activity = db.session.get(Activity, activity.id)
        old_start = activity.starts_at
        details = details_of(activity)
        details.starts_at = old_start + timedelta(days=1, hours=4)
        details.ends_at = details.starts_at + timedelta(hours=2)
        details.place = "Tapiolan kirjasto, Kulttuuriaukio 2"
        services.update_activity(activity, details, actor=db.session.merge(moderator))
        db.session.commit()

        mails = _mails("activities/changed")
        assert set(mails) == {
            "fi@example.fi",
            "sv@example.fi",
            "en@example.fi",
            "waiting@example.fi",
            "organiser@example.fi",
        }
        assert {to: m.language for to, m in mails.items()} == {
            "fi@example.fi": "fi",
            "sv@example.fi": "sv",
            "en@example.fi": "en",
            "waiting@example.fi": "sv",
            "organiser@example.fi": "en",
        }
        fi = mails["fi@example.fi"].body_text
        assert "Aiemmin: Tapiolan keskuspuisto, Tapiontori 1" in fi
        assert "Nyt: Tapiolan kirjasto, Kulttuuriaukio 2" in fi
        assert mails["fi@example.fi"].subject.startswith("Muutos: ")
        sv = mails["sv@example.fi"].body_text
        assert "Nu: Tapiolan kirjasto, Kulttuuriaukio 2" in sv
        en = mails["en@example.fi"].body_text
        assert "Before: Tapiolan keskuspuisto" in en
        assert "Time" in en
        # Each participant gets a new private link that opens their sign-up.
        new_hashes = dict(db.session.execute(sa.select(Signup.email, Signup.token_hash)).all())
        for email in ("fi@example.fi", "sv@example.fi", "en@example.fi", "waiting@example.fi"):
            assert new_hashes[email] != old_hashes[email]
            [link] = [line for line in mails[email].body_text.splitlines() if "/signups/" in line]
            token = link.rsplit("/", 1)[1]
            assert hash_token(token) == new_hashes[email]
        # The organiser's e-mail has no private sign-up link.
        assert "/signups/" not in mails["organiser@example.fi"].body_text
        # Both parts of every message carry the change.
        assert all("Kulttuuriaukio 2" in (m.body_html or "") for m in mails.values())

        activity = db.session.get(Activity, activity.id)
        assert activity.sequence == 1
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "activity.update")
        )
        assert entry.actor_id == moderator.id
        assert entry.before_data()["place"] == "Tapiolan keskuspuisto, Tapiontori 1"
        assert entry.after_data()["place"] == "Tapiolan kirjasto, Kulttuuriaukio 2"
        activity_id = activity.id
    ics = client.get(f"/fi/activities/{activity_id}.ics").get_data(as_text=True)
    assert "SEQUENCE:1" in ics


def test_a_text_only_edit_tells_nobody_and_keeps_the_sequence(app):
    with app.test_request_context():
        organiser = factories.create_user()
        moderator = factories.create_user(role=Role.MODERATOR)
        activity = factories.create_activity(author=organiser)
        sign_up(activity.id, "fi@example.fi")
        activity = db.session.get(Activity, activity.id)
        details = details_of(activity)
        details.description = {"fi": "Uusi kuvaus."}
        details.lat, details.lon = activity.lat, activity.lon
        services.update_activity(activity, details, actor=db.session.merge(moderator))
        db.session.commit()
        assert _mails("activities/changed") == {}
        assert db.session.get(Activity, activity.id).sequence == 0
        # The edit itself is still in the audit log, with before and after.
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "activity.update")
        )
        assert entry.actor_id == moderator.id
        assert entry.after_data()["description_fi"] == "Uusi kuvaus."
        assert entry.before_data()["description_fi"].startswith(activity.title_fi)
        assert "place" not in entry.after_data()


def test_cancelling_bumps_the_sequence_and_tells_the_organiser(app):
    with app.test_request_context():
        organiser = factories.create_user(language="sv", email="org@example.fi")
        moderator = factories.create_user(role=Role.MODERATOR)
        activity = factories.create_activity(author=organiser)
        services.cancel_activity(
            db.session.get(Activity, activity.id),
            actor=db.session.merge(moderator),
            note="Puisto on suljettu.",
        )
        db.session.commit()
        assert db.session.get(Activity, activity.id).sequence == 1
        [mail] = _mails("activities/changed").values()
        assert mail.to_address == "org@example.fi"
        assert mail.language == "sv"
        assert (
            db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "activity.cancel"))
            is not None
        )
