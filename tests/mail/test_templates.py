"""Every e-mail template, rendered in fi, sv and en with realistic data, reads right.

Checks, for each template and language: every URL stands alone on its own line (no "täältä:http…"),
no English sentence is left in the Finnish or Swedish text, each kind of content is called by
its glossary term (an initiative is an aloite / initiativ, never an ehdotus / förslag), and
the HTML part is an accessible document: `lang`, a heading, every URL a link, no images and
no remote assets. A template added without a sample here makes the first test fail.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask_babel import force_locale

from participate.activities.notices import Change
from participate.extensions import db
from participate.mail.services import queue_email
from participate.moderation.services import DECISION_SUBJECTS, FIELD_LABELS
from participate.notifications.kinds import EVENT_KINDS
from participate.workflow.states import Action

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "emails"
LANGS = ("fi", "sv", "en")
URL = re.compile(r"https?://\S+")
# Common English words that no Finnish or Swedish sentence contains.
ENGLISH = re.compile(
    r"\b(hello|the|you|your|and|with|here|link|please|thank|this|activity|initiative|"
    r"sign-up|city|organiser|waiting|list|cancel\w*|answer\w*)\b",
    re.IGNORECASE,
)
# (must contain one of, must not contain any of) per language, by kind of content.
TERMS = {
    "initiative": {
        "fi": (("aloite", "aloitt", "aloitteesi", "aloitetta"), ("ehdotu",)),
        "sv": (("initiativ",), ("förslag",)),
        "en": (("initiative",), ("proposal",)),
    },
    "activity": {
        "fi": (("tapahtum", "toimin", "ilmoittau"), ("aloite", "ehdotu")),
        "sv": (("evenemang", "verksamhet", "anmäl"), ("initiativ", "förslag")),
        "en": (("activity", "sign"), ("initiative", "proposal")),
    },
    "account": {"fi": ((), ()), "sv": ((), ()), "en": ((), ())},
}

# Data as residents would write it, per recipient language.
DATA = {
    "fi": {
        "name": "Maija Virtanen",
        "initiative": "Lisää penkkejä Leppävaaran puistoon",
        "activity": "Siivoustalkoot Tapiolan rannassa",
        "place": "Tapiolan uimarannan parkkipaikka",
        "organiser": "Tapiolan asukasyhdistys",
        "note": "Sääennuste lupaa myrskyä, joten talkoot siirtyvät keväälle.",
        "message": "Tuothan omat hanskat mukanasi.",
        "reason": "Poistin tekstistä puhelinnumeron.",
        "answer": "Kaupunki lisää puistoon kolme penkkiä ensi kesänä.",
        "standard": "Teksti sisältää henkilötietoja.",
        "maker": "Kaupunkiympäristölautakunta",
    },
    "sv": {
        "name": "Karin Lindqvist",
        "initiative": "Fler bänkar i Alberga park",
        "activity": "Städtalko vid Hagalunds strand",
        "place": "Hagalunds badstrands parkering",
        "organiser": "Hagalunds invånarförening",
        "note": "Väderprognosen lovar storm, så talkot flyttas till våren.",
        "message": "Ta gärna med egna handskar.",
        "reason": "Jag tog bort ett telefonnummer ur texten.",
        "answer": "Staden ställer ut tre bänkar i parken nästa sommar.",
        "standard": "Texten innehåller personuppgifter.",
        "maker": "Stadsmiljönämnden",
    },
    "en": {
        "name": "Alex Smith",
        "initiative": "More benches in Leppävaara park",
        "activity": "Beach clean-up in Tapiola",
        "place": "Tapiola beach car park",
        "organiser": "Tapiola residents' association",
        "note": "A storm is forecast, so the clean-up moves to the spring.",
        "message": "Please bring your own gloves.",
        "reason": "I removed a phone number from the text.",
        "answer": "The city will add three benches to the park next summer.",
        "standard": "The text contains personal data.",
        "maker": "Urban Environment Committee",
    },
}


def _activity(d: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(
        starts_at=datetime(2027, 5, 15, 7, 0, tzinfo=UTC),
        ends_at=datetime(2027, 5, 15, 9, 0, tzinfo=UTC),
        place=d["place"],
        place_text=lambda: SimpleNamespace(text=d["place"]),
        organiser_name=d["organiser"],
        organiser_contact="talkoot@example.fi",
    )


def _changes(d: dict[str, str]) -> list[Change]:
    start = datetime(2027, 5, 15, 7, 0, tzinfo=UTC)
    return [
        Change("time", (start, start + timedelta(hours=2)), (start + timedelta(days=1), start)),
        Change(
            "place",
            {"fi": DATA["fi"]["place"], "sv": DATA["sv"]["place"], "en": ""},
            {"fi": "Kulttuuriaukio 2", "sv": "Kulturplatsen 2", "en": ""},
        ),
        Change("capacity", 20, None),
        Change("status", "published", "cancelled"),
    ]


def _samples(lang: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(template, kind, subject, context) for every template, as the services send them."""
    d = DATA[lang]
    base = f"http://participate.test/{lang}"
    user = SimpleNamespace(display_name=d["name"])
    signup = SimpleNamespace(name=d["name"], people=2)
    activity = {
        "signup": signup,
        "activity": _activity(d),
        "title": d["activity"],
        "link": f"{base}/signups/Zm9vYmFyLXRva2VuLTEyMw",
        "activity_link": f"{base}/activities/7",
    }
    initiative_link = f"{base}/initiatives/12"
    samples: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            "accounts/verify_email",
            "account",
            "Verify",
            {"user": user, "link": f"{base}/account/verify/abc", "hours": 72},
        ),
        (
            "accounts/reset_password",
            "account",
            "Reset",
            {"user": user, "link": f"{base}/account/reset/abc", "hours": 2},
        ),
        (
            "accounts/already_registered",
            "account",
            "",
            {
                "user": user,
                "login_link": f"{base}/account/login",
                "reset_link": f"{base}/account/forgot-password",
            },
        ),
        (
            "accounts/already_registered",
            "account",
            "",
            {
                "user": user,
                "login_link": f"{base}/account/login",
                "reset_link": f"{base}/account/forgot-password",
            },
        ),
        (
            "initiatives/filed",
            "initiative",
            "",
            {
                "initiative": SimpleNamespace(
                    title=d["initiative"],
                    body=d["answer"],
                    filed_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
                ),
                "author": d["name"],
                "on_behalf": True,
                "residents": 1234,
                "other": 56,
                "threshold": 4000,
                "link": initiative_link,
            },
        ),
        (
            "initiatives/council_decision",
            "initiative",
            "",
            {
                "user": user,
                "is_author": False,
                "title": d["initiative"],
                "decided_on": date(2026, 11, 25),
                "minutes_url": "https://espoo.example/minutes/2026-11-25",
                "link": initiative_link,
            },
        ),
        ("activities/signup_confirmed", "activity", "", activity),
        ("activities/signup_waiting", "activity", "", {**activity, "position": 3}),
        ("activities/signup_cancelled", "activity", "", activity),
        ("activities/promoted", "activity", "", activity),
        ("activities/new_link", "activity", "", activity),
        ("activities/activity_cancelled", "activity", "", {**activity, "note": d["note"]}),
        (
            "activities/organiser_message",
            "activity",
            "",
            {**activity, "organiser": d["organiser"], "body": d["message"]},
        ),
        (
            "activities/changed",
            "activity",
            "",
            {**activity, "name": d["name"], "is_organiser": False, "changes": _changes(d)},
        ),
        (
            "activities/changed",
            "activity",
            "",
            {**activity, "name": d["name"], "is_organiser": True, "changes": _changes(d)},
        ),
        (
            "initiatives/submitted",
            "initiative",
            "",
            {"user": user, "title": d["initiative"], "first_time": True, "link": initiative_link},
        ),
        (
            "initiatives/submitted",
            "initiative",
            "",
            {"user": user, "title": d["initiative"], "first_time": False, "link": initiative_link},
        ),
    ]
    for is_author in (True, False):
        samples.append(
            (
                "initiatives/answered",
                "initiative",
                "",
                {
                    "user": user,
                    "is_author": is_author,
                    "title": d["initiative"],
                    "answer_text": DATA["fi"]["answer"] if lang == "en" else d["answer"],
                    "answer_lang": "fi" if lang == "en" else lang,
                    "answer_is_fallback": lang == "en",
                    "answer_languages": "Finnish and Swedish",
                    "decision_maker": d["maker"],
                    "decided_on": date(2026, 11, 20),
                    "link": initiative_link,
                },
            )
        )
        samples.append(
            (
                "initiatives/council_decision",
                "initiative",
                "",
                {
                    "user": user,
                    "is_author": is_author,
                    "title": d["initiative"],
                    "decided_on": date(2026, 11, 20),
                    "minutes_url": "https://espoo.fi/poytakirjat/2026-11",
                    "link": initiative_link,
                },
            )
        )
    for on_behalf in (False, True):
        samples.append(
            (
                "initiatives/filed",
                "initiative",
                "",
                {
                    "initiative": SimpleNamespace(
                        title=d["initiative"],
                        body=d["initiative"],
                        filed_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
                    ),
                    "author": d["name"],
                    "on_behalf": on_behalf,
                    "residents": 4900,
                    "other": 12,
                    "threshold": 4900,
                    "link": initiative_link,
                },
            )
        )
    for (kind, action), subject in DECISION_SUBJECTS.items():
        link = initiative_link if kind == "initiative" else f"{base}/activities/7"
        title = d["initiative"] if kind == "initiative" else d["activity"]
        for automatic in (False, True) if action == Action.HIDE else (False,):
            samples.append(
                (
                    "moderation/decision",
                    kind,
                    subject,
                    {
                        "author": user,
                        "action": action.value,
                        "kind": kind,
                        "title": title,
                        "reason": d["reason"],
                        "standard_reasons": [d["standard"]],
                        "automatic": automatic,
                        "link": link,
                    },
                )
            )
    samples.append(
        (
            "notifications/event",
            "initiative",
            "",
            {
                "user": user,
                "title": d["initiative"],
                "line": str(EVENT_KINDS["hidden"][1] % {"title": d["initiative"]}),
                "standard_reasons": [d["standard"]],
                "link": initiative_link,
            },
        )
    )
    samples.append(
        (
            "notifications/digest",
            "initiative",
            "",
            {
                "user": user,
                "frequency": "daily",
                "lines": [
                    (
                        str(EVENT_KINDS["published"][1] % {"title": d["initiative"]}),
                        initiative_link,
                    ),
                    (
                        str(EVENT_KINDS["answered"][1] % {"title": d["initiative"]}),
                        f"{base}/initiatives/13",
                    ),
                ],
                "settings_link": f"{base}/account/notifications",
            },
        )
    )
    for outcome in ("kept", "hidden", "restored"):
        samples.append(
            (
                "moderation/report_outcome",
                "initiative",
                "",
                {
                    "user": user,
                    "outcome": outcome,
                    "title": d["initiative"],
                    "standard_reasons": [d["standard"]] if outcome == "hidden" else [],
                    "link": None if outcome == "hidden" else initiative_link,
                },
            )
        )
    samples.append(
        (
            "moderation/edited",
            "initiative",
            "",
            {
                "author": user,
                "title": d["initiative"],
                "reason": d["reason"],
                "changes": [
                    (FIELD_LABELS["title"], d["initiative"]),
                    (FIELD_LABELS["body"], d["answer"]),
                ],
                "link": initiative_link,
            },
        )
    )
    return samples


def _render(app, lang: str) -> list[tuple[str, str, Any, Any]]:
    rendered = []
    with app.test_request_context(f"/{lang}/"):
        with force_locale(lang):
            samples = _samples(lang)
        for template, kind, subject, context in samples:
            with force_locale(lang):
                subject_text = str(subject)
            message = queue_email(
                to="someone@example.fi",
                language=lang,
                subject=subject_text or "x",
                template=template,
                **context,
            )
            rendered.append((template, kind, subject_text, message))
        db.session.rollback()
    return rendered


@pytest.fixture(scope="module")
def rendered(app) -> dict[str, list[tuple[str, str, Any, Any]]]:
    return {lang: _render(app, lang) for lang in LANGS}


def test_every_template_has_a_sample(app) -> None:
    on_disk = {
        str(path.relative_to(TEMPLATES).with_suffix(""))
        for path in TEMPLATES.rglob("*.txt")
        if not path.name.startswith("_")
    }
    with app.test_request_context("/fi/"):
        assert on_disk == {template for template, *_ in _samples("fi")}


@pytest.mark.parametrize("lang", LANGS)
def test_each_url_stands_on_its_own_line(rendered, lang: str) -> None:
    for template, _kind, _subject, message in rendered[lang]:
        if template != "moderation/report_outcome":
            assert URL.findall(message.body_text), template
        for line in message.body_text.splitlines():
            if URL.search(line):
                assert URL.fullmatch(line.strip()), (template, line)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_english_left_in_finnish_or_swedish(rendered, lang: str) -> None:
    for template, _kind, subject, message in rendered[lang]:
        text = "\n".join(
            line for line in [subject, *message.body_text.splitlines()] if not URL.search(line)
        )
        assert not ENGLISH.findall(text), (template, ENGLISH.findall(text), text)


@pytest.mark.parametrize("lang", LANGS)
def test_each_kind_of_content_has_its_glossary_term(rendered, lang: str) -> None:
    for template, kind, subject, message in rendered[lang]:
        if template == "moderation/edited" or kind == "account":
            continue
        text = f"{subject}\n{message.body_text}".lower()
        wanted, unwanted = TERMS[kind][lang]
        if template == "moderation/decision" or template.startswith("initiatives/"):
            assert any(term in text for term in wanted), (template, lang, text)
        assert not any(term in text for term in unwanted), (template, lang, text)


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", LANGS)
def test_html_part_is_accessible_and_self_contained(rendered, lang: str) -> None:
    for template, _kind, subject, message in rendered[lang]:
        parser = _Html()
        parser.feed(message.body_html)
        tags = parser.tags
        assert ("html", {"lang": lang}) in tags, template
        assert [tag for tag, _ in tags].count("h1") == 1
        assert not [tag for tag, _ in tags if tag in {"img", "link", "script", "iframe"}]
        assert not [attrs for _, attrs in tags if "src" in attrs]
        hrefs = {attrs["href"] for tag, attrs in tags if tag == "a"}
        assert hrefs == set(URL.findall(message.body_text)), template
        text = " ".join("".join(parser.text).split())
        # Every sentence of the plain text is in the HTML part.
        for line in message.body_text.splitlines():
            words = " ".join(line.lstrip("- ").split())
            assert words in text, (template, words)
        if subject:
            assert subject in text


def test_answer_in_another_language_names_every_language_it_is_in(app, outbox) -> None:
    from participate.initiatives.answers import notify_answer
    from participate.initiatives.models import InitiativeAnswer
    from tests.factories import create_initiative, create_support, create_user

    with app.test_request_context("/fi/"):
        initiative = create_initiative()
        supporter = create_user(language="en", email="en@example.fi")
        create_support(initiative, supporter)
        answer = InitiativeAnswer(
            initiative_id=initiative.id,
            body_fi="Kaupunki toteuttaa aloitteen.",
            body_sv="Staden genomför initiativet.",
            decision_maker="Lautakunta",
            decided_on=date(2026, 11, 20),
        )
        notify_answer(initiative, answer)
        db.session.commit()
    [mail] = outbox(to="en@example.fi")
    text = " ".join(mail.body_text.split())
    assert "It is available in Finnish and Swedish. Here it is in Finnish:" in text
    assert "only available" not in text
    assert "Kaupunki toteuttaa aloitteen." in text
