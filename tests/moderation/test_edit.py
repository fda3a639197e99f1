"""Corrections on the desk: the original stays in the audit log, the page says the text was
edited by the development manager, and the author is told in their language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participate.activities.models import Activity
from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation.audit import AuditEntry
from tests import factories, pages

ORIGINAL = "Soittakaa minulle numeroon 040 123 4567, niin kerron lisää.\n\nPenkkejä tarvitaan."
CORRECTED = "Penkkejä tarvitaan."


def _initiative(app, **kwargs):
    with app.app_context():
        author = factories.create_user(language=kwargs.pop("author_lang", "sv"))
        return factories.create_initiative(author=author, body=ORIGINAL, **kwargs), author


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_edit_page_in_every_language(app, client, login_as, lang):
    login_as("moderator")
    initiative, _author = _initiative(app)
    with app.app_context():
        activity = factories.create_activity()
    soup = pages.get(client, f"/{lang}/moderation/initiative/{initiative.id}")
    assert soup.select_one(f'a[href="/{lang}/moderation/initiative/{initiative.id}/edit"]')
    soup = pages.get(client, f"/{lang}/moderation/initiative/{initiative.id}/edit")
    assert soup.select_one("textarea#body")["lang"] == "fi"
    assert soup.select_one("textarea#body").get_text().strip() == ORIGINAL
    soup = pages.get(client, f"/{lang}/moderation/activity/{activity.id}/edit")
    assert soup.select_one("input#title_sv")["lang"] == "sv"
    assert soup.select_one("input#title_sv")["value"] == factories.ACTIVITY_TITLES["sv"]


def test_correct_an_initiative(app, client, login_as, outbox):
    moderator = login_as("moderator")
    initiative, author = _initiative(app)
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/edit",
        data={
            "title": initiative.title,
            "body": CORRECTED,
            "reason": "Poistin puhelinnumeron: henkilötietoja ei julkaista.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/fi/moderation/initiative/{initiative.id}"
    with app.app_context():
        row = db.session.get(Initiative, initiative.id)
        assert row.body == CORRECTED
        assert row.moderator_edited_at is not None
        entry = db.session.scalar(sa.select(AuditEntry))
        assert (entry.action, entry.actor_id) == ("initiative.edit", moderator.id)
        assert entry.before_data() == {"body": ORIGINAL}  # the original is kept
        assert entry.after_data() == {"body": CORRECTED}
    (mail,) = outbox(to=author.email)
    assert (mail.language, mail.template) == ("sv", "moderation/edited")
    assert "Poistin puhelinnumeron" in mail.body_text
    assert f"/sv/initiatives/{initiative.id}" in mail.body_text
    soup = pages.get(client, f"/en/initiatives/{initiative.id}")
    assert soup.select_one(".moderator-edited")
    assert "040 123 4567" not in pages.text(soup)


def test_correct_an_activity(app, client, login_as, outbox):
    login_as("moderator")
    with app.app_context():
        author = factories.create_user(language="en")
        activity = factories.create_activity(author=author, organiser_contact="040 765 4321")
    response = client.post(
        f"/en/moderation/activity/{activity.id}/edit",
        data={
            **{f"title_{lang}": text for lang, text in factories.ACTIVITY_TITLES.items()},
            **{
                f"description_{lang}": f"{text}.\n\nTervetuloa!"
                for lang, text in factories.ACTIVITY_TITLES.items()
            },
            "place": "Tapiolan keskuspuisto, Tapiontori 1",
            "organiser_contact": "talkoot@example.fi",
            "reason": "A private phone number is replaced by the association's address.",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Activity, activity.id)
        assert row.organiser_contact == "talkoot@example.fi"
        assert row.moderator_edited_at is not None
        entry = db.session.scalar(sa.select(AuditEntry))
        assert entry.before_data() == {"organiser_contact": "040 765 4321"}
    (mail,) = outbox(to=author.email)
    assert mail.template == "moderation/edited"
    soup = pages.get(client, f"/fi/activities/{activity.id}")
    assert "040 765 4321" not in pages.text(soup)


BAD_EDITS = [
    ({"title": ""}, "title"),
    ({"title": "x" * 151}, "title"),
    ({"body": "  "}, "body"),
    ({"body": "x" * 10_001}, "body"),
    ({"reason": ""}, "reason"),
    ({"reason": "   "}, "reason"),
    ({"body": ORIGINAL}, None),  # nothing changed
]


@pytest.mark.parametrize(("overrides", "field"), BAD_EDITS)
def test_bad_corrections_are_refused_and_kept(app, client, login_as, outbox, overrides, field):
    login_as("moderator")
    initiative, _author = _initiative(app)
    data = {"title": initiative.title, "body": CORRECTED, "reason": "Henkilötietoja.", **overrides}
    response = client.post(f"/fi/moderation/initiative/{initiative.id}/edit", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "fi", csrf=False)
    assert soup.select_one("#error-summary")
    if field:
        assert soup.select_one(f"#{field}-error"), field
    assert soup.select_one("#title")["value"] == data["title"]
    with app.app_context():
        assert db.session.get(Initiative, initiative.id).body == ORIGINAL
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
    assert outbox() == []


def test_activity_needs_a_title_and_a_place(app, client, login_as):
    login_as("moderator")
    with app.app_context():
        activity = factories.create_activity()
    data = {f"title_{lang}": "" for lang in ("fi", "sv", "en")}
    data.update({f"description_{lang}": "" for lang in ("fi", "sv", "en")})
    data.update(place="Tapiola", reason="Korjaus.")
    response = client.post(f"/fi/moderation/activity/{activity.id}/edit", data=data)
    assert response.status_code == 400
    assert pages.check_page(response.get_data(as_text=True), "fi", csrf=False).select_one(
        "#title_fi-error"
    )
    data.update(title_fi="Siivous", place="")
    response = client.post(f"/fi/moderation/activity/{activity.id}/edit", data=data)
    assert response.status_code == 400


def test_drafts_and_unknown_kinds_cannot_be_edited(app, client, login_as):
    login_as("moderator")
    initiative, _author = _initiative(app, status="draft")
    assert client.get(f"/fi/moderation/initiative/{initiative.id}/edit").status_code == 404
    assert client.get("/fi/moderation/nothing/1/edit").status_code == 404


def test_edit_form_keeps_csrf(app, client, login_as, csrf_enabled):
    login_as("moderator")
    initiative, _author = _initiative(app)
    soup = pages.get(client, f"/fi/moderation/initiative/{initiative.id}/edit")
    assert soup.select_one('#edit-form input[name="csrf_token"]')
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/edit",
        data={"title": "x", "body": CORRECTED, "reason": "Korjaus."},
    )
    assert response.status_code == 400
