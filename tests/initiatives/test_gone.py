"""A hidden initiative's address answers 410 Gone with the public reason, in each language."""

from __future__ import annotations

import pytest

from participate.accounts.models import Role
from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation.services import decide
from participate.workflow.states import Action
from tests import factories

HEADINGS = {
    "fi": "Aloite on piilotettu",
    "sv": "Initiativet har dolts",
    "en": "This initiative has been hidden",
}


def _hide(app, *, automatic: bool = False) -> tuple[int, dict[str, str]]:
    with app.test_request_context():
        initiative = factories.create_initiative(title="Loukkaava otsikko")
        reason = factories.create_reason()
        moderator = factories.create_user(role=Role.MODERATOR)
        item = db.session.get(Initiative, initiative.id)
        if automatic:
            decide(item, Action.HIDE, actor=None, reason="auto", notify_author=False)
        else:
            decide(
                item, Action.HIDE, actor=moderator, reason="Yksityinen huomio.", reasons=[reason]
            )
        db.session.commit()
        return initiative.id, {"fi": reason.text_fi, "sv": reason.text_sv, "en": reason.text_en}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_hidden_initiative_is_gone_with_the_reason_in_the_page_language(app, client, lang):
    initiative_id, texts = _hide(app)
    response = client.get(f"/{lang}/initiatives/{initiative_id}")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    assert HEADINGS[lang] in page
    assert texts[lang] in page
    assert all(text not in page for other, text in texts.items() if other != lang)
    # Neither the hidden title nor the moderator's private note is shown.
    assert "Loukkaava otsikko" not in page
    assert "Yksityinen huomio." not in page


def test_automatic_hiding_says_residents_reported_it(app, client):
    initiative_id, _texts = _hide(app, automatic=True)
    response = client.get(f"/en/initiatives/{initiative_id}")
    assert response.status_code == 410
    assert "residents reported it" in response.get_data(as_text=True)


def test_the_author_and_moderators_still_see_a_hidden_initiative(app, client, login_as):
    initiative_id, _texts = _hide(app)
    login_as(Role.MODERATOR)
    assert client.get(f"/fi/initiatives/{initiative_id}").status_code == 200


def test_never_published_initiatives_stay_not_found(app, client):
    with app.app_context():
        draft = factories.create_initiative(status="draft")
    assert client.get(f"/fi/initiatives/{draft.id}").status_code == 404
