"""Activity proposals on the moderator's desk: the shared queue, item page and decisions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participate.accounts.models import Role
from participate.activities.models import Activity
from participate.extensions import db
from participate.workflow.states import Status
from tests import factories, pages

LANGS = ("fi", "sv", "en")


def proposal(app, language="sv"):
    with app.app_context():
        author = factories.create_user(language=language, email=f"author-{language}@example.fi")
        activity = factories.create_activity(
            status="submitted",
            author=author,
            title={"sv": "Kvartersvandring i Esboviken"},
            district="suur-espoonlahti",
        )
    return activity


def status_of(app, activity_id):
    with app.app_context():
        return db.session.get(Activity, activity_id).status


@pytest.mark.parametrize("lang", LANGS)
def test_proposal_is_in_the_queue_and_on_its_desk_page(app, client, login_as, lang):
    activity = proposal(app)
    login_as(Role.MODERATOR)
    queue = pages.get(client, f"/{lang}/moderation/")
    link = queue.select_one(f'a[href="/{lang}/moderation/activity/{activity.id}"]')
    assert link is not None
    assert link["lang"] == "sv"
    queue = pages.get(client, f"/{lang}/moderation/?kind=activity")
    assert queue.select_one(f'a[href="/{lang}/moderation/activity/{activity.id}"]')
    page = pages.get(client, f"/{lang}/moderation/activity/{activity.id}")
    assert "Kvartersvandring i Esboviken" in pages.text(page)
    assert page.select_one('form[action$="/decide"]')


def test_queue_costs_one_query_per_kind(app, client, login_as, count_queries):
    login_as(Role.MODERATOR)
    proposal(app, "fi")
    client.get("/fi/moderation/")
    with count_queries() as one:
        client.get("/fi/moderation/?kind=activity")
    for lang in ("sv", "en", "fi"):
        with app.app_context():
            author = factories.create_user(language=lang)
            factories.create_activity(status="submitted", author=author)
    with count_queries() as four:
        client.get("/fi/moderation/?kind=activity")
    assert len(one) == len(four)


@pytest.mark.parametrize(
    ("action", "reason", "expected"),
    [
        ("approve", "", Status.PUBLISHED),
        ("reject", "Det här är ingen grannskapsverksamhet.", Status.REJECTED),
        ("request_changes", "Lägg till platsen.", Status.CHANGES_REQUESTED),
    ],
)
def test_decisions_through_the_desk_tell_the_author_in_their_language(
    app, client, login_as, outbox, action, reason, expected
):
    activity = proposal(app, "sv")
    login_as(Role.MODERATOR)
    response = client.post(
        f"/fi/moderation/activity/{activity.id}/decide",
        data={"action": action, "reason": reason},
    )
    assert response.status_code == 302
    assert status_of(app, activity.id) == expected
    message = outbox(to="author-sv@example.fi")[-1]
    assert message.template == "moderation/decision"
    assert message.language == "sv"
    assert f"/sv/activities/{activity.id}" in message.body_text
    if reason:
        assert reason in message.body_text


def test_reject_without_reason_changes_nothing(app, client, login_as, outbox):
    activity = proposal(app)
    login_as(Role.MODERATOR)
    response = client.post(
        f"/fi/moderation/activity/{activity.id}/decide", data={"action": "reject", "reason": ""}
    )
    assert response.status_code == 400
    assert status_of(app, activity.id) == Status.SUBMITTED
    assert outbox() == []


def test_approved_proposal_is_public(app, client, login_as):
    activity = proposal(app)
    anonymous = app.test_client()
    assert anonymous.get(f"/fi/activities/{activity.id}").status_code == 404
    login_as(Role.MODERATOR)
    client.post(f"/fi/moderation/activity/{activity.id}/decide", data={"action": "approve"})
    assert anonymous.get(f"/fi/activities/{activity.id}").status_code == 200
    with app.app_context():
        kinds = db.session.scalars(
            sa.text("SELECT object_kind FROM audit_entries ORDER BY id")
        ).all()
    assert kinds == ["activity"]
