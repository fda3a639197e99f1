"""The moderator's desk: role checks on every route, the queue, decisions, the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from participate.db import utcnow
from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation.audit import AuditEntry
from participate.moderation.queries import QUEUE_KINDS
from participate.workflow.states import Status
from tests import factories, pages


def _status(app, initiative_id):
    with app.app_context():
        return db.session.get(Initiative, initiative_id).status


def _moderation_rules(app):
    """Every rule under /<lang>/moderation (the blueprint and anything added to it later)."""
    return [r for r in app.url_map.iter_rules() if "/moderation" in r.rule.split(":lang_code>")[-1]]


def _url(app, rule, item_id):
    values = {"lang_code": "fi", "kind": "initiative", "item_id": item_id}
    # Other ids (a standard reason's) get the same number: only the role check matters.
    values.update({name: item_id for name in rule.arguments if name.endswith("_id")})
    with app.test_request_context():
        return url_for(rule.endpoint, **{k: v for k, v in values.items() if k in rule.arguments})


def _is_item_rule(rule):
    """A rule that needs nothing but the item (its GET page must open for a moderator)."""
    return rule.arguments <= {"lang_code", "kind", "item_id"}


def test_every_desk_route_carries_the_role_decorator(app):
    rules = _moderation_rules(app)
    assert {r.endpoint for r in rules} >= {
        "moderation.index",
        "moderation.item",
        "moderation.decide",
        "moderation.answer",
        "moderation.unanswered",
    }
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_role", None) is not None, rule.rule


def test_every_desk_route_refuses_anonymous_and_residents(app, client, login_as):
    with app.app_context():
        initiative = factories.create_initiative(status="submitted")
    rules = _moderation_rules(app)
    for rule in rules:
        url = _url(app, rule, initiative.id)
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = client.open(url, method=method, data={"action": "approve"})
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"]
    login_as()
    for rule in rules:
        url = _url(app, rule, initiative.id)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert client.open(url, method=method, data={"action": "approve"}).status_code == 403
    assert _status(app, initiative.id) == Status.SUBMITTED
    login_as("moderator")
    for rule in rules:
        if "GET" in rule.methods and _is_item_rule(rule):
            assert client.get(_url(app, rule, initiative.id)).status_code == 200, rule.rule


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_queue_oldest_first_with_waiting_time(app, client, login_as, lang):
    login_as("moderator")
    with app.app_context():
        now = utcnow()
        newer = factories.create_initiative(status="submitted", title="Uudempi")
        older = factories.create_initiative(status="submitted", title="Vanhempi", language="sv")
        factories.create_initiative(status="draft", title="Luonnos")
        factories.create_initiative(status="published", title="Julkaistu")
        for item, days in ((newer, 1), (older, 5)):
            row = db.session.get(Initiative, item.id)
            row.submitted_at = now - timedelta(days=days)
        db.session.commit()
    soup = pages.get(client, f"/{lang}/moderation/")
    rows = soup.select("table.queue tbody tr")
    assert [r.select_one("td a").get_text(strip=True) for r in rows] == ["Vanhempi", "Uudempi"]
    assert rows[0].select_one("td a")["lang"] == "sv"
    waited = rows[0].select("td")[-1].get_text(strip=True)
    assert "5" in waited


def test_queue_does_not_grow_queries(app, client, login_as, count_queries):
    login_as("moderator")

    def make(count):
        with app.app_context():
            for _ in range(count):
                factories.create_initiative(status="submitted", author=factories.create_user())

    make(3)
    with count_queries() as few:
        client.get("/fi/moderation/")
    make(12)
    with count_queries() as many:
        soup = pages.get(client, "/fi/moderation/")
    assert len(soup.select("table.queue tbody tr")) == 15
    assert len(many) == len(few)


def test_queue_kinds_follow_the_contract():
    for model in QUEUE_KINDS:
        assert model.moderation_kind
        assert model.moderation_label
        assert hasattr(model, "submitted_at")
        assert callable(model.moderation_title)
        assert callable(model.moderation_link)
        assert model.moderation_load_options()


def test_approve_publishes_and_mails_the_author_in_their_language(app, client, login_as, outbox):
    moderator = login_as("moderator")
    with app.app_context():
        author = factories.create_user(language="sv")
        initiative = factories.create_initiative(status="submitted", author=author)
    pages.get(client, f"/fi/moderation/initiative/{initiative.id}")
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide", data={"action": "approve"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/fi/moderation/"
    assert _status(app, initiative.id) == Status.PUBLISHED
    (mail,) = outbox(to=author.email)
    assert mail.language == "sv"
    assert mail.template == "moderation/decision"
    assert f"/sv/initiatives/{initiative.id}" in mail.body_text
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry))
        assert (entry.action, entry.actor_id) == ("initiative.approve", moderator.id)


def test_reject_needs_a_reason_which_the_author_gets(app, client, login_as, outbox):
    login_as("moderator")
    with app.app_context():
        author = factories.create_user(language="en")
        initiative = factories.create_initiative(status="submitted", author=author)
    url = f"/en/moderation/initiative/{initiative.id}/decide"
    response = client.post(url, data={"action": "reject", "reason": "  "})
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    assert soup.select_one("#reason-error")
    assert _status(app, initiative.id) == Status.SUBMITTED
    assert outbox(to=author.email) == []
    client.post(url, data={"action": "reject", "reason": "Not a matter for the city."})
    assert _status(app, initiative.id) == Status.REJECTED
    (mail,) = outbox(to=author.email)
    assert "Not a matter for the city." in mail.body_text


def test_request_changes_then_the_author_resubmits(app, client, login_as, outbox):
    with app.app_context():
        author = factories.create_user(language="fi")
        theme = factories.create_theme()
        initiative = factories.create_initiative(status="submitted", author=author, theme=theme)
    login_as("moderator")
    client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide",
        data={"action": "request_changes", "reason": "Kerro tarkempi paikka."},
    )
    assert _status(app, initiative.id) == Status.CHANGES_REQUESTED
    assert "Kerro tarkempi paikka." in outbox(to=author.email)[-1].body_text
    # The author signs in, sees the note, edits and sends again.
    with client.session_transaction() as session:
        session["_user_id"] = str(author.id)
    soup = pages.get(client, f"/fi/initiatives/{initiative.id}/edit")
    assert "Kerro tarkempi paikka." in soup.select_one("#changes-title").parent.get_text()
    response = client.post(
        f"/fi/initiatives/{initiative.id}/edit",
        data={
            "title": "Tarkennettu aloite",
            "body": "Paikka on Tapiolan koulun edessä.",
            "language": "fi",
            "theme": str(theme.id),
            "district": "suur-tapiola",
            "author_display": "name",
            "intent": "submit",
        },
    )
    assert response.status_code == 302
    assert _status(app, initiative.id) == Status.SUBMITTED


def test_only_actions_allowed_from_the_status_are_offered_and_taken(app, client, login_as):
    login_as("moderator")
    with app.app_context():
        initiative = factories.create_initiative(status="published")
    soup = pages.get(client, f"/fi/moderation/initiative/{initiative.id}")
    assert {i["value"] for i in soup.select('input[name="action"]')} == {"hide"}
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide", data={"action": "approve"}
    )
    assert response.status_code == 400
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide", data={"action": "answer"}
    )
    assert response.status_code == 400
    assert _status(app, initiative.id) == Status.PUBLISHED
    client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide",
        data={"action": "hide", "reason": "Asiaton kieli."},
    )
    assert _status(app, initiative.id) == Status.HIDDEN
    client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide",
        data={"action": "unhide", "reason": "Korjattu."},
    )
    assert _status(app, initiative.id) == Status.PUBLISHED


def test_unknown_kind_and_drafts_are_404(app, client, login_as):
    login_as("moderator")
    with app.app_context():
        draft = factories.create_initiative(status="draft")
    assert client.get(f"/fi/moderation/initiative/{draft.id}").status_code == 404
    assert client.get(f"/fi/moderation/nothing/{draft.id}").status_code == 404
    assert client.get("/fi/moderation/initiative/999999").status_code == 404
    assert (
        client.post(f"/fi/moderation/nothing/{draft.id}/decide", data={"action": "approve"})
    ).status_code == 404


def test_decision_form_csrf(app, client, login_as, csrf_enabled):
    login_as("moderator")
    with app.app_context():
        initiative = factories.create_initiative(status="submitted")
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide", data={"action": "approve"}
    )
    assert response.status_code == 400
    assert _status(app, initiative.id) == Status.SUBMITTED


# The city's answer -------------------------------------------------------------------------


def _answer(**overrides):
    data = {
        "body_fi": "Kaupunki toteuttaa ehdotuksen.",
        "body_sv": "",
        "body_en": "",
        "decision_maker": "Kaupunkiympäristölautakunta",
        "decided_on": (utcnow() - timedelta(days=2)).date().isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_answer_page_in_every_language(app, client, login_as, lang):
    login_as("moderator")
    with app.app_context():
        initiative = factories.create_initiative()
    soup = pages.get(client, f"/{lang}/moderation/initiative/{initiative.id}/answer")
    assert soup.select_one("textarea#body_sv")["lang"] == "sv"
    assert soup.select_one("input#decided_on")["type"] == "date"
    soup = pages.get(client, f"/{lang}/moderation/initiatives/unanswered")
    assert soup.select_one(f'a[href="/{lang}/moderation/initiative/{initiative.id}/answer"]')


def test_answer_and_close(app, client, login_as, outbox):
    login_as("moderator")
    with app.app_context():
        author = factories.create_user(language="sv")
        initiative = factories.create_initiative(author=author)
        supporter = factories.create_user(language="en")
        factories.create_support(initiative, supporter)
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/answer",
        data=_answer(body_sv="Staden genomför förslaget."),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/fi/initiatives/{initiative.id}"
    assert _status(app, initiative.id) == Status.ANSWERED
    assert "Staden genomför förslaget." in outbox(to=author.email)[-1].body_text
    assert "Kaupunki toteuttaa ehdotuksen." in outbox(to=supporter.email)[-1].body_text
    soup = pages.get(client, f"/sv/initiatives/{initiative.id}")
    assert "Staden genomför förslaget." in soup.select_one("#answer").get_text()
    # Answered: it can be closed, not answered twice.
    response = client.post(f"/fi/moderation/initiative/{initiative.id}/answer", data=_answer())
    assert response.status_code == 400
    client.post(f"/fi/moderation/initiative/{initiative.id}/decide", data={"action": "close"})
    assert _status(app, initiative.id) == Status.CLOSED


def test_decision_maker_in_the_reader_language_or_finnish_marked(app, client, login_as, outbox):
    login_as("moderator")
    with app.app_context():
        author = factories.create_user(language="sv")
        initiative = factories.create_initiative(author=author)
    data = _answer(decision_maker="Kaupunginhallitus", decision_maker_sv="Stadsstyrelsen")
    response = client.post(f"/fi/moderation/initiative/{initiative.id}/answer", data=data)
    assert response.status_code == 302
    assert "Stadsstyrelsen" in outbox(to=author.email)[-1].body_text
    sv = pages.get(client, f"/sv/initiatives/{initiative.id}").select_one("#answer-decider")
    assert sv.select_one('span[lang="sv"]').get_text() == "Stadsstyrelsen"
    en = pages.get(client, f"/en/initiatives/{initiative.id}").select_one("#answer-decider")
    assert en.select_one('span[lang="fi"]').get_text() == "Kaupunginhallitus"
    assert "Finnish" in en.select_one(".tag").get_text()


BAD_ANSWERS = [
    ({"body_fi": ""}, "body_fi"),
    ({"body_fi": "  "}, "body_fi"),
    ({"decision_maker": ""}, "decision_maker"),
    ({"decision_maker": "x" * 201}, "decision_maker"),
    ({"decided_on": ""}, "decided_on"),
    ({"decided_on": "31.12.2026"}, "decided_on"),
    ({"decided_on": (utcnow() + timedelta(days=3)).date().isoformat()}, "decided_on"),
    ({"body_en": "x" * 20_001}, "body_en"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_ANSWERS)
def test_bad_answers_are_refused_and_kept(app, client, login_as, outbox, overrides, field):
    login_as("moderator")
    with app.app_context():
        initiative = factories.create_initiative()
    data = _answer(**overrides)
    response = client.post(f"/en/moderation/initiative/{initiative.id}/answer", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    assert soup.select_one(f"#{field}-error"), field
    assert soup.select_one("#decision_maker")["value"] == data["decision_maker"]
    assert _status(app, initiative.id) == Status.PUBLISHED
    assert [m for m in outbox() if m.template == "initiatives/answered"] == []


def test_unanswered_pages_count_to_the_bound_and_say_so(app, client, login_as, monkeypatch):
    """The unanswered list pages 50 at a time through the oldest 1,000 (here 2 and 3): two
    queries whatever the number waiting, "more than" above the bound, 404 past the end."""
    from participate import paging
    from participate.initiatives import queries as initiative_queries

    monkeypatch.setattr(initiative_queries, "UNANSWERED_PER_PAGE", 2)
    login_as("moderator")
    with app.app_context():
        made = [factories.create_initiative(title=f"Aloite {n}") for n in range(4)]
        for days, initiative in enumerate(made):
            row = db.session.get(Initiative, initiative.id)
            row.published_at = utcnow() - timedelta(days=10 - days)
        db.session.commit()
    soup = pages.get(client, "/en/moderation/initiatives/unanswered")
    assert "4 initiatives are waiting for an answer" in pages.text(soup.select_one(".lead"))
    titles = [a.get_text(strip=True) for a in soup.select("tbody td:first-child a")]
    assert titles == ["Aloite 0", "Aloite 1"]
    soup = pages.get(client, "/en/moderation/initiatives/unanswered?page=2")
    assert [a.get_text(strip=True) for a in soup.select("tbody td:first-child a")] == [
        "Aloite 2",
        "Aloite 3",
    ]
    assert client.get("/en/moderation/initiatives/unanswered?page=3").status_code == 404
    monkeypatch.setattr(paging, "MAX_LISTED_ROWS", 3)
    soup = pages.get(client, "/fi/moderation/initiatives/unanswered?page=2")
    assert "Yli 3" in pages.text(soup.select_one(".lead"))
    assert [a.get_text(strip=True) for a in soup.select("tbody td:first-child a")] == ["Aloite 2"]
