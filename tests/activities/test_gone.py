"""A hidden activity's address answers 410 Gone with the same page as a hidden initiative
(participate/gone.py): it was public, so its address was shared."""

from __future__ import annotations

import pytest

from participate.accounts.models import Role
from participate.activities.models import Activity
from participate.extensions import db
from participate.moderation.services import decide
from participate.workflow.states import Action
from tests import factories

HEADINGS = {
    "fi": "Tapahtuma on piilotettu",
    "sv": "Evenemanget har dolts",
    "en": "This activity has been hidden",
}


def _hide(app, *, automatic: bool = False) -> tuple[int, dict[str, str]]:
    with app.test_request_context():
        activity = factories.create_activity(title={"fi": "Loukkaava otsikko"})
        reason = factories.create_reason()
        moderator = factories.create_user(role=Role.MODERATOR)
        item = db.session.get(Activity, activity.id)
        if automatic:
            decide(item, Action.HIDE, actor=None, reason="auto", notify_author=False)
        else:
            decide(
                item, Action.HIDE, actor=moderator, reason="Yksityinen huomio.", reasons=[reason]
            )
        db.session.commit()
        return activity.id, {"fi": reason.text_fi, "sv": reason.text_sv, "en": reason.text_en}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_hidden_activity_is_gone_with_the_reason_in_the_page_language(app, client, lang):
    activity_id, texts = _hide(app)
    response = client.get(f"/{lang}/activities/{activity_id}")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    assert HEADINGS[lang] in page
    assert texts[lang] in page
    assert all(text not in page for other, text in texts.items() if other != lang)
    assert f'href="/{lang}/activities/"' in page  # to the other activities
    assert "Loukkaava otsikko" not in page
    assert "Yksityinen huomio." not in page


def test_automatic_hiding_says_residents_reported_it(app, client):
    activity_id, _texts = _hide(app, automatic=True)
    response = client.get(f"/en/activities/{activity_id}")
    assert response.status_code == 410
    assert "residents reported it" in response.get_data(as_text=True)


def test_signing_up_to_a_hidden_activity_is_gone_too(app, client, login_as):
    activity_id, _texts = _hide(app)
    login_as(Role.RESIDENT)
    assert client.post(f"/fi/activities/{activity_id}", data={}).status_code == 410


def test_moderators_still_see_a_hidden_activity(app, client, login_as):
    activity_id, _texts = _hide(app)
    login_as(Role.MODERATOR)
    assert client.get(f"/fi/activities/{activity_id}").status_code == 200


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_never_published_activities_stay_not_found(app, client, status):
    with app.app_context():
        activity = factories.create_activity(status=status)
    assert client.get(f"/fi/activities/{activity.id}").status_code == 404
