"""Initiative services: writing, submitting, supports, the city's answer and its e-mails."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from participate.accounts.models import Role, User
from participate.extensions import db
from participate.initiatives import answers as initiative_answers
from participate.initiatives import queries, services, supports
from participate.initiatives.models import Initiative
from participate.moderation import answers
from participate.moderation.audit import AuditEntry
from participate.moderation.services import decide
from participate.workflow.models import Transition
from participate.workflow.states import Action, InvalidTransition, NotAllowed, Status
from tests import factories

TAPIOLA_POINT = (60.1756, 24.8058)  # Tapiola centre, inside Suur-Tapiola
HELSINKI_POINT = (60.1699, 24.9384)  # Helsinki centre: outside Espoo


def _data(theme, **overrides):
    values = {
        "title": "Suojatie koulun eteen",
        "body": "Autot ajavat kovaa.",
        "language": "fi",
        "theme_id": theme,
        "district": "suur-tapiola",
    }
    values.update(overrides)
    return services.InitiativeData(**values)


def _get(model, ident):
    return db.session.get(model, ident)


def test_save_draft_then_submit_records_every_step(app, outbox):
    with app.app_context():
        theme = factories.create_theme()
        author = _get(User, factories.create_user(language="sv").id)
        email = author.email
        initiative = services.save_initiative(_data(theme.id, goals=(3, 11)), actor=author)
        assert initiative.status == Status.DRAFT
        assert initiative.goals == [3, 11]
        services.submit_initiative(initiative, actor=author)
        db.session.commit()
        assert initiative.status == Status.SUBMITTED
        assert initiative.submitted_at is not None
        steps = list(db.session.scalars(sa.select(Transition)))
        assert [(s.action, s.from_status, s.to_status) for s in steps] == [
            (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED)
        ]
    (message,) = outbox(to=email)
    assert message.language == "sv"
    assert message.template == "initiatives/submitted"


def test_district_from_the_point(app):
    with app.app_context():
        theme = factories.create_theme()
        author = _get(User, factories.create_user().id)
        initiative = services.save_initiative(
            _data(theme.id, district="", lat=TAPIOLA_POINT[0], lon=TAPIOLA_POINT[1]),
            actor=author,
        )
        assert initiative.district_id == factories.district("suur-tapiola").id


def test_whole_city(app):
    with app.app_context():
        theme = factories.create_theme()
        author = _get(User, factories.create_user().id)
        initiative = services.save_initiative(_data(theme.id, district="city"), actor=author)
        assert initiative.district_id is None
        assert initiative.is_whole_city


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"language": "de"}, "language"),
        ({"theme_id": None}, "theme"),
        ({"theme_id": 999_999}, "theme"),
        ({"district": "atlantis"}, "district"),
        ({"district": ""}, "district"),  # neither a district nor a point
        ({"lat": HELSINKI_POINT[0], "lon": HELSINKI_POINT[1]}, "lat"),
        ({"lat": 60.2, "lon": None}, "lat"),
        ({"goals": (18,)}, "goals"),
    ],
)
def test_bad_data_is_refused_and_nothing_written(app, overrides, field):
    with app.app_context():
        theme = factories.create_theme()
        author = _get(User, factories.create_user().id)
        with pytest.raises(services.InvalidInitiative) as error:
            services.save_initiative(_data(theme.id, **overrides), actor=author)
        assert error.value.field == field
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 0


def test_inactive_theme_is_refused(app):
    with app.app_context():
        theme = factories.create_theme(is_active=False)
        author = _get(User, factories.create_user().id)
        with pytest.raises(services.InvalidInitiative):
            services.save_initiative(_data(theme.id), actor=author)


def test_unverified_author_saves_but_cannot_submit(app):
    with app.app_context():
        theme = factories.create_theme()
        author = _get(User, factories.create_user(verified=False).id)
        with pytest.raises(services.NotVerified) as error:
            services.save_initiative(_data(theme.id), actor=author, submit=True)
        initiative = error.value.draft
        assert initiative.id is not None
        assert initiative.status == Status.DRAFT
        with pytest.raises(services.NotVerified):
            services.submit_initiative(initiative, actor=author)
        assert initiative.status == Status.DRAFT


def test_only_the_author_edits_and_only_drafts(app):
    with app.app_context():
        theme = factories.create_theme()
        author = factories.create_user()
        published = factories.create_initiative(author=author, theme=theme)
        draft = factories.create_initiative(author=author, theme=theme, status="draft")
        other = _get(User, factories.create_user().id)
        author = _get(User, author.id)
        with pytest.raises(services.NotEditable):
            services.save_initiative(
                _data(theme.id), actor=other, initiative=_get(Initiative, draft.id)
            )
        with pytest.raises(services.NotEditable):
            services.save_initiative(
                _data(theme.id), actor=author, initiative=_get(Initiative, published.id)
            )


def test_blocked_author_cannot_write(app):
    with app.app_context():
        theme = factories.create_theme()
        author = _get(User, factories.create_user(blocked_at=factories.utcnow()).id)
        with pytest.raises(NotAllowed):
            services.save_initiative(_data(theme.id), actor=author)


# Supports ----------------------------------------------------------------------------------


def test_support_counts_and_withdraws(app):
    with app.app_context():
        initiative = factories.create_initiative()
        supporters = [factories.create_user() for _ in range(3)]
        item = _get(Initiative, initiative.id)
        for user in supporters:
            supports.add_support(item, user=_get(User, user.id))
        db.session.commit()
        assert item.support_count == 3 == queries.count_supports(item.id)
        supports.withdraw_support(item, user=_get(User, supporters[0].id))
        db.session.commit()
        db.session.expire_all()
        assert _get(Initiative, initiative.id).support_count == 2 == queries.count_supports(item.id)


def test_support_twice_is_refused(app):
    with app.app_context():
        initiative = factories.create_initiative()
        user = factories.create_user()
        item = _get(Initiative, initiative.id)
        supports.add_support(item, user=_get(User, user.id))
        with pytest.raises(supports.AlreadySupported):
            supports.add_support(item, user=_get(User, user.id))
        db.session.commit()
        assert queries.count_supports(item.id) == 1 == item.support_count


def test_unverified_cannot_support(app):
    with app.app_context():
        initiative = factories.create_initiative()
        user = factories.create_user(verified=False)
        with pytest.raises(services.NotVerified):
            supports.add_support(_get(Initiative, initiative.id), user=_get(User, user.id))


@pytest.mark.parametrize(
    "status", ["draft", "submitted", "rejected", "hidden", "answered", "closed"]
)
def test_support_only_while_published(app, status):
    with app.app_context():
        initiative = factories.create_initiative(status=status)
        user = _get(User, factories.create_user().id)
        with pytest.raises(supports.SupportClosed):
            supports.add_support(_get(Initiative, initiative.id), user=user)
        with pytest.raises(supports.SupportClosed):
            supports.withdraw_support(_get(Initiative, initiative.id), user=user)


def test_withdraw_without_support(app):
    with app.app_context():
        initiative = factories.create_initiative()
        user = _get(User, factories.create_user().id)
        with pytest.raises(supports.NotSupported):
            supports.withdraw_support(_get(Initiative, initiative.id), user=user)


def _identified_user(**identity):
    user = factories.create_user()
    factories.create_identity(user, **identity)
    return _get(User, user.id)


def test_threshold_is_marked_once_by_identified_residents_only(app, settings):
    threshold = settings.initiative_threshold  # 20 in tests: 2 % of 1000
    with app.app_context():
        initiative = factories.create_initiative(
            support_count=threshold - 1 + 50, resident_support_count=threshold - 1
        )
        item = _get(Initiative, initiative.id)
        # Far more than the threshold in all, but other supports never reach it.
        supports.add_support(item, user=_get(User, factories.create_user().id))
        supports.add_support(item, user=_identified_user(municipality_code="091"))
        supports.add_support(item, user=_identified_user(voting_age=False))
        db.session.commit()
        assert item.threshold_reached_at is None
        assert item.resident_support_count == threshold - 1
        supports.add_support(item, user=_identified_user())
        db.session.commit()
        reached = item.threshold_reached_at
        assert reached is not None
        supports.add_support(item, user=_identified_user())
        db.session.commit()
        db.session.expire_all()
        assert _get(Initiative, initiative.id).threshold_reached_at == reached


# The city's answer -------------------------------------------------------------------------


def test_answer_moves_to_answered_audits_and_mails_author_and_supporters(app, outbox):
    with app.app_context():
        author = factories.create_user(language="fi")
        initiative = factories.create_initiative(author=author)
        supporters = [factories.create_user(language=lang) for lang in ("sv", "en")]
        for user in supporters:
            factories.create_support(initiative, user)
        moderator = _get(User, factories.create_user(role=Role.MODERATOR).id)
        item = _get(Initiative, initiative.id)
        data = initiative_answers.AnswerData(
            decision_maker="Kaupunginhallitus",
            decided_on=date.today() - timedelta(days=1),  # noqa: DTZ011
            bodies={"fi": "Toteutetaan ensi vuonna.", "sv": "Genomförs nästa år."},
        )
        answers.answer_initiative(item, data, actor=moderator)
        db.session.commit()
        assert item.status == Status.ANSWERED
        entry = db.session.scalar(sa.select(AuditEntry))
        assert entry.action == "initiative.answer"
        assert entry.after_data()["answer"]["decision_maker"] == "Kaupunginhallitus"
    mails = {m.to_address: m for m in outbox() if m.template == "initiatives/answered"}
    assert set(mails) == {author.email, *(u.email for u in supporters)}
    assert "Toteutetaan ensi vuonna." in mails[author.email].body_text
    assert "Genomförs nästa år." in mails[supporters[0].email].body_text
    english = mails[supporters[1].email]
    assert english.language == "en"
    # No English text: the Finnish answer with a note (languages named in English).
    assert "Toteutetaan ensi vuonna." in english.body_text
    # The answer exists in Finnish and Swedish: the note names both, not "only Finnish".
    assert "It is available in Finnish and Swedish. Here it is in Finnish:" in english.body_text
    assert "only" not in english.body_text


@pytest.mark.parametrize(
    ("bodies", "maker", "decided", "field"),
    [
        ({}, "Kaupunginhallitus", 1, "body_fi"),
        ({"fi": "  "}, "Kaupunginhallitus", 1, "body_fi"),
        ({"fi": "Vastaus"}, " ", 1, "decision_maker"),
        ({"fi": "Vastaus"}, "Kaupunginhallitus", -2, "decided_on"),  # in the future
        ({"fi": "Vastaus"}, "Kaupunginhallitus", None, "decided_on"),
    ],
)
def test_bad_answers_are_refused(app, bodies, maker, decided, field):
    with app.app_context():
        initiative = factories.create_initiative()
        moderator = _get(User, factories.create_user(role=Role.MODERATOR).id)
        data = initiative_answers.AnswerData(
            decision_maker=maker,
            decided_on=None if decided is None else date.today() - timedelta(days=decided),  # noqa: DTZ011
            bodies=bodies,
        )
        with pytest.raises(initiative_answers.InvalidAnswer) as error:
            answers.answer_initiative(_get(Initiative, initiative.id), data, actor=moderator)
        assert error.value.field == field


def test_only_published_initiatives_are_answered(app):
    with app.app_context():
        initiative = factories.create_initiative(status="submitted")
        moderator = _get(User, factories.create_user(role=Role.MODERATOR).id)
        data = initiative_answers.AnswerData(
            "Kaupunginhallitus", date(2026, 1, 1), {"fi": "Vastaus"}
        )
        with pytest.raises(InvalidTransition):
            answers.answer_initiative(_get(Initiative, initiative.id), data, actor=moderator)


def test_a_resident_cannot_decide_or_answer(app):
    with app.app_context():
        initiative = factories.create_initiative(status="submitted")
        resident = _get(User, factories.create_user().id)
        with pytest.raises(NotAllowed):
            decide(_get(Initiative, initiative.id), Action.APPROVE, actor=resident)
        published = factories.create_initiative()
        data = initiative_answers.AnswerData(
            "Kaupunginhallitus", date(2026, 1, 1), {"fi": "Vastaus"}
        )
        with pytest.raises(NotAllowed):
            answers.answer_initiative(_get(Initiative, published.id), data, actor=resident)


def test_themes_are_created_and_renamed(app):
    with app.app_context():
        theme = services.save_theme(slug="snow", name_fi="Lumityöt", name_en="Snow")
        services.save_theme(slug="snow", name_fi="Lumityöt ja liukkaus", name_sv="Snöröjning")
        db.session.commit()
        assert theme.name_fi == "Lumityöt ja liukkaus"
        assert theme.name("sv").text == "Snöröjning"
        with pytest.raises(services.InvalidTheme):
            services.save_theme(slug="Not a slug!", name_fi="x")
