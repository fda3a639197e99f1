"""Standard reasons: the moderators' list in three languages, and decisions that use them
(the author reads the reason in their own language, plus the moderator's own words)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation.audit import AuditEntry
from participate.moderation.models import StandardReason
from participate.workflow.models import Transition
from participate.workflow.states import Status
from tests import factories, pages

GOOD = {
    "text_fi": "Aloitteessa on mainontaa.",
    "text_sv": "Initiativet innehåller reklam.",
    "text_en": "The initiative contains advertising.",
    "position": "20",
    "is_active": "y",
}


def _reasons(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(StandardReason).order_by(StandardReason.id)))


def _actions(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_reason_pages_in_every_language(app, client, login_as, lang):
    login_as("moderator")
    with app.app_context():
        reason = factories.create_reason()
    soup = pages.get(client, f"/{lang}/moderation/reasons")
    row = soup.select_one("table.reasons tbody tr")
    assert [td["lang"] for td in row.select("td[lang]")] == ["fi", "sv", "en"]
    assert soup.select_one(f'a[href="/{lang}/moderation/reasons/{reason.id}/edit"]')
    soup = pages.get(client, f"/{lang}/moderation/reasons/new")
    assert soup.select_one("textarea#text_sv")["lang"] == "sv"
    soup = pages.get(client, f"/{lang}/moderation/reasons/{reason.id}/edit")
    assert soup.select_one("textarea#text_en").get_text(strip=True) == reason.text_en
    assert soup.select_one(f'form[action="/{lang}/moderation/reasons/{reason.id}/delete"]')


def test_add_edit_and_remove_a_reason_each_audited(app, client, login_as):
    moderator = login_as("moderator")
    response = client.post("/fi/moderation/reasons/new", data=GOOD)
    assert response.status_code == 302
    (reason,) = _reasons(app)
    assert (reason.text_sv, reason.position, reason.is_active) == (GOOD["text_sv"], 20, True)
    changed = {**GOOD, "text_sv": "Initiativet är reklam."}
    del changed["is_active"]
    response = client.post(f"/fi/moderation/reasons/{reason.id}/edit", data=changed)
    assert response.status_code == 302
    (reason,) = _reasons(app)
    assert (reason.text_sv, reason.is_active) == ("Initiativet är reklam.", False)
    response = client.post(f"/fi/moderation/reasons/{reason.id}/delete")
    assert response.status_code == 302
    assert _reasons(app) == []
    assert _actions(app) == ["reason.create", "reason.update", "reason.delete"]
    with app.app_context():
        update = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "reason.update")
        )
        assert update.actor_id == moderator.id
        assert update.before_data()["text_sv"] == GOOD["text_sv"]
        assert update.after_data()["text_sv"] == "Initiativet är reklam."


BAD_REASONS = [
    ({"text_fi": ""}, "text_fi"),
    ({"text_sv": "   "}, "text_sv"),
    ({"text_en": ""}, "text_en"),
    ({"text_fi": "x" * 501}, "text_fi"),
    ({"position": "-1"}, "position"),
    ({"position": "first"}, "position"),
    ({"position": "100001"}, "position"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_REASONS)
def test_bad_reasons_are_refused_and_kept(app, client, login_as, overrides, field):
    login_as("moderator")
    data = {**GOOD, **overrides}
    response = client.post("/en/moderation/reasons/new", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    assert soup.select_one(f"#{field}-error"), field
    assert soup.select_one("#text_sv").get_text().strip() == data["text_sv"].strip()
    assert _reasons(app) == []
    assert _actions(app) == []


def test_reason_form_keeps_csrf(app, client, login_as, csrf_enabled):
    login_as("moderator")
    soup = pages.get(client, "/fi/moderation/reasons/new")
    assert soup.select_one('#reason-form input[name="csrf_token"]')
    assert client.post("/fi/moderation/reasons/new", data=GOOD).status_code == 400
    with app.app_context():
        reason = factories.create_reason()
    assert client.post(f"/fi/moderation/reasons/{reason.id}/delete").status_code == 400
    assert len(_reasons(app)) == 1


def test_unknown_reason_is_404(app, client, login_as):
    login_as("moderator")
    assert client.get("/fi/moderation/reasons/999999/edit").status_code == 404
    assert client.post("/fi/moderation/reasons/999999/delete").status_code == 404


# Decisions with standard reasons --------------------------------------------------------


def test_only_reasons_in_use_are_offered_in_the_page_language(app, client, login_as):
    login_as("moderator")
    with app.app_context():
        used = factories.create_reason(position=2)
        factories.create_reason(text_fi="Vanha", text_sv="Gammal", text_en="Old", is_active=False)
        initiative = factories.create_initiative(status="submitted")
    soup = pages.get(client, f"/sv/moderation/initiative/{initiative.id}")
    boxes = soup.select('.decision input[name="reasons"]')
    assert [box["value"] for box in boxes] == [str(used.id)]
    assert soup.select_one(f'label[for="{boxes[0]["id"]}"]').get_text(strip=True) == used.text_sv


@pytest.mark.parametrize("author_lang", ["fi", "sv", "en"])
def test_the_author_reads_the_reason_in_their_language(app, client, login_as, outbox, author_lang):
    moderator = login_as("moderator", language="fi")
    with app.app_context():
        personal = factories.create_reason()
        spam = factories.create_reason(
            text_fi="Teksti on mainontaa.",
            text_sv="Texten är reklam.",
            text_en="The text is advertising.",
        )
        author = factories.create_user(language=author_lang)
        initiative = factories.create_initiative(status="submitted", author=author)
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide",
        data={
            "action": "reject",
            "reasons": [str(personal.id), str(spam.id)],
            "reason": "Poista puhelinnumero ja lähetä uudelleen.",
        },
    )
    assert response.status_code == 302
    (mail,) = outbox(to=author.email)
    assert mail.language == author_lang
    wanted = {
        "fi": (personal.text_fi, spam.text_fi),
        "sv": (personal.text_sv, spam.text_sv),
        "en": (personal.text_en, spam.text_en),
    }
    for text in wanted[author_lang]:
        assert f"- {text}" in mail.body_text
    assert "Poista puhelinnumero ja lähetä uudelleen." in mail.body_text
    # The other languages' texts are not in it.
    others = {lang: texts for lang, texts in wanted.items() if lang != author_lang}
    assert not any(text in mail.body_text for texts in others.values() for text in texts)
    with app.app_context():
        step = db.session.scalar(sa.select(Transition).where(Transition.item_id == initiative.id))
        assert step.reason.splitlines() == [
            *wanted[author_lang],
            "Poista puhelinnumero ja lähetä uudelleen.",
        ]
        entry = db.session.scalar(sa.select(AuditEntry))
        assert entry.actor_id == moderator.id
        assert entry.after_data()["standard_reasons"] == [personal.id, spam.id]
        assert entry.reason == step.reason
    # The author sees the same reason on the initiative's page.
    with client.session_transaction() as session:
        session["_user_id"] = str(author.id)
    soup = pages.get(client, f"/{author_lang}/initiatives/{initiative.id}")
    assert wanted[author_lang][0] in pages.text(soup.select_one(".history"))


def test_a_standard_reason_alone_is_enough(app, client, login_as):
    login_as("moderator")
    with app.app_context():
        reason = factories.create_reason()
        initiative = factories.create_initiative(status="submitted")
    client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide",
        data={"action": "reject", "reasons": [str(reason.id)]},
    )
    with app.app_context():
        assert db.session.get(Initiative, initiative.id).status == Status.REJECTED


def test_an_unknown_reason_is_refused(app, client, login_as, outbox):
    login_as("moderator")
    with app.app_context():
        factories.create_reason()
        initiative = factories.create_initiative(status="submitted")
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide",
        data={"action": "reject", "reasons": ["999999"]},
    )
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "fi", csrf=False)
    assert soup.select_one("#reasons-error")
    assert outbox() == []
