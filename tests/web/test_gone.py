"""A hidden item's address answers 410 Gone with the public reason, in each language, from the
one page every kind shares (participate/gone.py): it was public, so its address was shared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from participate.accounts.models import Role
from participate.activities.models import Activity
from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation.services import decide
from participate.workflow.states import Action
from tests import factories


@dataclass(frozen=True)
class Kind:
    path: str  # the list's path segment, e.g. "initiatives"
    model: type
    headings: dict[str, str]

    def create(self, **fields: Any) -> Any:
        if self.model is Activity:
            title = fields.pop("title", None)
            return factories.create_activity(title={"fi": title} if title else None, **fields)
        return factories.create_initiative(**fields)


INITIATIVE = Kind(
    "initiatives",
    Initiative,
    {
        "fi": "Aloite on piilotettu",
        "sv": "Initiativet har dolts",
        "en": "This initiative has been hidden",
    },
)
ACTIVITY = Kind(
    "activities",
    Activity,
    {
        "fi": "Tapahtuma on piilotettu",
        "sv": "Evenemanget har dolts",
        "en": "This activity has been hidden",
    },
)
KINDS = pytest.mark.parametrize("kind", [INITIATIVE, ACTIVITY], ids=lambda kind: kind.path)


def _hide(app, kind: Kind, *, automatic: bool = False) -> tuple[int, dict[str, str]]:
    with app.test_request_context():
        created = kind.create(title="Loukkaava otsikko")
        reason = factories.create_reason()
        moderator = factories.create_user(role=Role.MODERATOR)
        item = db.session.get(kind.model, created.id)
        if automatic:
            decide(item, Action.HIDE, actor=None, reason="auto", notify_author=False)
        else:
            decide(
                item, Action.HIDE, actor=moderator, reason="Yksityinen huomio.", reasons=[reason]
            )
        db.session.commit()
        return created.id, {"fi": reason.text_fi, "sv": reason.text_sv, "en": reason.text_en}


@KINDS
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_hidden_item_is_gone_with_the_reason_in_the_page_language(app, client, kind, lang):
    item_id, texts = _hide(app, kind)
    response = client.get(f"/{lang}/{kind.path}/{item_id}")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    assert kind.headings[lang] in page
    assert texts[lang] in page
    assert all(text not in page for other, text in texts.items() if other != lang)
    assert f'href="/{lang}/{kind.path}/"' in page  # to the others of its kind
    # Neither the hidden title nor the moderator's private note is shown.
    assert "Loukkaava otsikko" not in page
    assert "Yksityinen huomio." not in page


@KINDS
def test_automatic_hiding_says_residents_reported_it(app, client, kind):
    item_id, _texts = _hide(app, kind, automatic=True)
    response = client.get(f"/en/{kind.path}/{item_id}")
    assert response.status_code == 410
    assert "residents reported it" in response.get_data(as_text=True)


def test_signing_up_to_a_hidden_activity_is_gone_too(app, client, login_as):
    activity_id, _texts = _hide(app, ACTIVITY)
    login_as(Role.RESIDENT)
    assert client.post(f"/fi/activities/{activity_id}", data={}).status_code == 410


@KINDS
def test_moderators_still_see_a_hidden_item(app, client, login_as, kind):
    item_id, _texts = _hide(app, kind)
    login_as(Role.MODERATOR)
    assert client.get(f"/fi/{kind.path}/{item_id}").status_code == 200


@KINDS
@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_never_published_items_stay_not_found(app, client, kind, status):
    with app.app_context():
        item = kind.create(status=status)
    assert client.get(f"/fi/{kind.path}/{item.id}").status_code == 404
