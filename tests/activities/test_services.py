"""Activity services: sign-up, waiting list, promotion, cancellation, moderation, purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from participate.accounts.models import Role
from participate.activities import queries, services, signups
from participate.activities.models import Activity, Signup, SignupStatus, hash_token
from participate.db import utcnow
from participate.extensions import db
from participate.mail.models import OutboxMessage
from participate.moderation.audit import AuditEntry
from participate.moderation.services import decide
from participate.workflow.models import Transition
from participate.workflow.states import Action, InvalidTransition, NotAllowed, Status
from tests import factories


def request(email: str, people: int = 1, language: str = "fi", **kw) -> signups.SignupRequest:
    return signups.SignupRequest(
        name=kw.pop("name", "Aino Virtanen"),
        email=email,
        people=people,
        language=language,
        consent=kw.pop("consent", True),
        **kw,
    )


def sign_up(activity_id: int, email: str, people: int = 1, **kw) -> signups.SignupResult:
    activity = db.session.get(Activity, activity_id)
    result = signups.sign_up(activity, request(email, people, **kw))
    db.session.commit()
    return result


def statuses(activity_id: int) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Signup.email, Signup.status).where(Signup.activity_id == activity_id)
    )
    return {email: status.value for email, status in rows}


def for_the_desk(activity_id: int) -> Activity:
    """The activity as the moderator's desk loads it (its load options)."""
    return db.session.get(
        Activity, activity_id, options=Activity.moderation_load_options(), populate_existing=True
    )


def mails(to: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


def test_places_then_waiting_list_with_positions(app):
    with app.test_request_context():
        activity = factories.create_activity(capacity=3, max_group_size=3)
        first = sign_up(activity.id, "a@example.fi", 2)
        second = sign_up(activity.id, "b@example.fi", 1)
        third = sign_up(activity.id, "c@example.fi", 1, language="sv")
        fourth = sign_up(activity.id, "d@example.fi", 2, language="en")
        assert (first.position, second.position) == (None, None)
        assert (third.position, fourth.position) == (1, 2)
        assert queries.count_taken(activity.id) == 3
        waiting = mails("c@example.fi")[0]
        assert waiting.template == "activities/signup_waiting"
        assert waiting.language == "sv"
        assert " 1 " in waiting.body_text
        assert mails("a@example.fi")[0].template == "activities/signup_confirmed"


def test_token_is_stored_only_as_a_hash(app):
    with app.test_request_context():
        activity = factories.create_activity()
        result = sign_up(activity.id, "a@example.fi")
        signup = db.session.get(Signup, result.signup.id)
        assert len(result.token) >= 43
        assert signup.token_hash == hash_token(result.token)
        assert result.token not in signup.token_hash
        body = mails("a@example.fi")[0].body_text
        assert f"/fi/signups/{result.token}" in body
        assert queries.get_signup_by_token(result.token).id == signup.id
        assert queries.get_signup_by_token(result.token[:-1] + "x") is None


def test_cancel_promotes_the_first_whose_group_fits(app):
    with app.test_request_context():
        activity = factories.create_activity(capacity=4, max_group_size=4)
        leaving = sign_up(activity.id, "leaving@example.fi", 2)
        sign_up(activity.id, "staying@example.fi", 2)
        sign_up(activity.id, "big@example.fi", 3)  # waiting 1: does not fit in 2
        sign_up(activity.id, "small@example.fi", 1, language="sv")  # waiting 2: fits
        sign_up(activity.id, "pair@example.fi", 1, language="en")  # waiting 3: fits too

        signup = db.session.get(Signup, leaving.signup.id)
        promoted = signups.cancel_signup(signup)
        db.session.commit()

        assert [s.email for s in promoted] == ["small@example.fi", "pair@example.fi"]
        assert statuses(activity.id) == {
            "leaving@example.fi": "cancelled",
            "staying@example.fi": "confirmed",
            "big@example.fi": "waiting",
            "small@example.fi": "confirmed",
            "pair@example.fi": "confirmed",
        }
        assert queries.count_taken(activity.id) == 4
        promoted_mail = mails("small@example.fi")[-1]
        assert promoted_mail.template == "activities/promoted"
        assert promoted_mail.language == "sv"
        assert mails("leaving@example.fi")[-1].template == "activities/signup_cancelled"


def test_cancelling_from_the_waiting_list_promotes_nobody(app):
    with app.test_request_context():
        activity = factories.create_activity(capacity=1)
        sign_up(activity.id, "a@example.fi")
        waiting = sign_up(activity.id, "b@example.fi")
        third = sign_up(activity.id, "c@example.fi")
        assert queries.waiting_position(db.session.get(Signup, third.signup.id)) == 2
        promoted = signups.cancel_signup(db.session.get(Signup, waiting.signup.id))
        db.session.commit()
        assert promoted == []
        assert queries.waiting_position(db.session.get(Signup, third.signup.id)) == 1


def test_cancelling_twice_is_refused(app):
    with app.test_request_context():
        activity = factories.create_activity()
        result = sign_up(activity.id, "a@example.fi")
        signups.cancel_signup(db.session.get(Signup, result.signup.id))
        db.session.commit()
        with pytest.raises(signups.SignupAlreadyCancelled):
            signups.cancel_signup(db.session.get(Signup, result.signup.id))


def test_a_cancelled_person_can_sign_up_again(app):
    with app.test_request_context():
        activity = factories.create_activity()
        result = sign_up(activity.id, "a@example.fi")
        signups.cancel_signup(db.session.get(Signup, result.signup.id))
        db.session.commit()
        again = sign_up(activity.id, "A@Example.fi ")
        assert again.signup.status == SignupStatus.CONFIRMED


def test_duplicate_email_is_refused_case_insensitively(app):
    with app.test_request_context():
        activity = factories.create_activity()
        sign_up(activity.id, "a@example.fi")
        with pytest.raises(signups.AlreadySignedUp) as error:
            sign_up(activity.id, " A@EXAMPLE.FI")
        assert error.value.field == "email"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Signup.id))) == 1


def test_the_unique_index_backs_up_the_check(app):
    with app.test_request_context():
        activity = factories.create_activity()
        factories.create_signup(activity, email="a@example.fi")
        factories.create_signup(activity, email="a@example.fi", status="cancelled")
        with pytest.raises(sa.exc.IntegrityError):
            factories.create_signup(activity, email="a@example.fi", status="waiting")
        db.session.rollback()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"signup_closes_at": utcnow() - timedelta(hours=1)}, signups.SignupNotOpen),
        ({"signup_opens_at": utcnow() + timedelta(days=1)}, signups.SignupNotOpen),
        ({"is_cancelled": True, "cancellation_note": "Sataa"}, signups.SignupNotOpen),
        ({"status": "submitted"}, signups.SignupNotOpen),
        ({"starts_in": timedelta(hours=-1)}, signups.SignupNotOpen),
    ],
    ids=["deadline passed", "not yet open", "cancelled", "not published", "started"],
)
def test_closed_sign_up_is_refused(app, changes, error):
    with app.test_request_context():
        activity = factories.create_activity(**changes)
        with pytest.raises(error):
            sign_up(activity.id, "a@example.fi")
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Signup.id))) == 0
        assert mails() == []


def test_group_larger_than_allowed_is_refused(app):
    with app.test_request_context():
        activity = factories.create_activity(max_group_size=2)
        with pytest.raises(signups.GroupTooLarge):
            sign_up(activity.id, "a@example.fi", 3)
        with pytest.raises(signups.GroupTooLarge):
            sign_up(activity.id, "a@example.fi", 0)


def test_consent_is_required(app):
    with app.test_request_context():
        activity = factories.create_activity()
        with pytest.raises(services.DomainError):
            sign_up(activity.id, "a@example.fi", consent=False)


def test_unlimited_capacity_never_waits(app):
    with app.test_request_context():
        activity = factories.create_activity(capacity=None, max_group_size=20)
        results = [sign_up(activity.id, f"p{i}@example.fi", 20) for i in range(5)]
        assert all(r.position is None for r in results)


def test_more_places_promote_and_fewer_than_taken_are_refused(app):
    with app.test_request_context():
        moderator = factories.create_user(role=Role.MODERATOR)
        activity = factories.create_activity(capacity=2)
        sign_up(activity.id, "a@example.fi")
        sign_up(activity.id, "b@example.fi")
        sign_up(activity.id, "c@example.fi")
        activity = db.session.get(Activity, activity.id)
        details = details_of(activity)
        details.capacity = 1
        with pytest.raises(services.InvalidActivity) as error:
            services.update_activity(activity, details, actor=db.session.merge(moderator))
        assert error.value.field == "capacity"
        db.session.rollback()
        activity = db.session.get(Activity, activity.id)
        details.capacity = 3
        services.update_activity(activity, details, actor=db.session.merge(moderator))
        db.session.commit()
        assert statuses(activity.id)["c@example.fi"] == "confirmed"
        assert db.session.get(Activity, activity.id).moderator_edited_at is not None


def details_of(activity: Activity) -> services.ActivityDetails:
    return services.ActivityDetails(
        title={"fi": activity.title_fi, "sv": activity.title_sv, "en": activity.title_en},
        description={"fi": activity.description_fi},
        organiser_name=activity.organiser_name,
        district_id=activity.district_id,
        place=activity.place,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        capacity=activity.capacity,
        max_group_size=activity.max_group_size,
        languages=activity.languages,
    )


def test_cancel_activity_tells_everyone_in_their_language(app):
    with app.test_request_context():
        organiser = factories.create_user(language="sv")
        activity = factories.create_activity(capacity=1, author=organiser)
        sign_up(activity.id, "fi@example.fi", language="fi")
        sign_up(activity.id, "sv@example.fi", language="sv")
        sign_up(activity.id, "en@example.fi", language="en")
        told = services.cancel_activity(
            db.session.get(Activity, activity.id),
            actor=db.session.merge(organiser),
            note="Puisto on suljettu. Parken är stängd.",
        )
        db.session.commit()
        assert told == 3
        cancelled = [m for m in mails() if m.template == "activities/activity_cancelled"]
        assert {(m.to_address, m.language) for m in cancelled} == {
            ("fi@example.fi", "fi"),
            ("sv@example.fi", "sv"),
            ("en@example.fi", "en"),
        }
        sv = next(m for m in cancelled if m.language == "sv")
        assert "Städtalko i Hagalund" in sv.subject
        assert "Parken är stängd." in sv.body_text
        assert db.session.get(Activity, activity.id).is_cancelled


def test_residents_cannot_cancel_or_message_others_activities(app):
    with app.test_request_context():
        organiser = factories.create_user()
        other = factories.create_user()
        activity = factories.create_activity(author=organiser)
        activity = db.session.get(Activity, activity.id)
        with pytest.raises(NotAllowed):
            services.cancel_activity(activity, actor=db.session.merge(other), note="x")
        with pytest.raises(NotAllowed):
            services.message_participants(
                activity,
                actor=db.session.merge(other),
                subject="x",
                body="y",
                include_waiting=True,
            )
        with pytest.raises(NotAllowed):
            services.update_activity(activity, details_of(activity), actor=db.session.merge(other))


def test_message_reaches_participants_and_optionally_the_waiting_list(app):
    with app.test_request_context():
        organiser = factories.create_user()
        activity = factories.create_activity(capacity=1, author=organiser)
        sign_up(activity.id, "in@example.fi")
        sign_up(activity.id, "waiting@example.fi", language="en")
        activity = db.session.get(Activity, activity.id)
        sent = services.message_participants(
            activity,
            actor=db.session.merge(organiser),
            subject="Uusi paikka",
            body="Olemme huoneessa B.",
            include_waiting=False,
        )
        assert sent == 1
        sent = services.message_participants(
            activity,
            actor=db.session.merge(organiser),
            subject="Uusi paikka",
            body="Olemme huoneessa B.",
            include_waiting=True,
        )
        db.session.commit()
        assert sent == 2
        english = mails("waiting@example.fi")[-1]
        assert english.template == "activities/organiser_message"
        assert "Olemme huoneessa B." in english.body_text
        assert english.subject == "Clean-up day in Tapiola park: Uusi paikka"


# -- proposing and moderation -------------------------------------------------------------
def proposal(district_id: int) -> services.ActivityDetails:
    starts = utcnow().replace(microsecond=0) + timedelta(days=10)
    return services.ActivityDetails(
        title={"sv": "Kvartersvandring i Esboviken"},
        description={"sv": "Vi går runt i kvarteret."},
        organiser_name="Esbovikens invånare",
        district_id=district_id,
        place="Esboviksvägen 1",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=15,
        languages=["sv", "fi"],
    )


def test_a_proposal_goes_to_moderation_and_the_author_hears_in_their_language(app):
    with app.test_request_context():
        author = factories.create_user(language="sv", email="johan@example.fi")
        moderator = factories.create_user(role=Role.MODERATOR)
        district = factories.district("suur-espoonlahti")
        # The same details twice: the author's edit below changes nothing the audit log keeps.
        details = proposal(district.id)
        activity = services.propose_activity(details, author=db.session.merge(author))
        db.session.commit()
        assert activity.status == Status.SUBMITTED
        assert activity.first_submitted_at is not None

        activity = for_the_desk(activity.id)
        decide(
            activity,
            Action.REQUEST_CHANGES,
            actor=db.session.merge(moderator),
            reason="Lägg till tiden.",
        )
        db.session.commit()
        assert db.session.get(Activity, activity.id).status == Status.CHANGES_REQUESTED
        message = mails("johan@example.fi")[-1]
        assert message.template == "moderation/decision"
        assert message.language == "sv"
        assert "Lägg till tiden." in message.body_text
        assert f"/sv/activities/{activity.id}" in message.body_text

        # The author edits: the proposal goes back to the queue.
        activity = db.session.get(Activity, activity.id)
        services.update_activity(activity, details, actor=db.session.merge(author))
        db.session.commit()
        assert db.session.get(Activity, activity.id).status == Status.SUBMITTED

        activity = for_the_desk(activity.id)
        decide(activity, Action.APPROVE, actor=db.session.merge(moderator))
        db.session.commit()
        activity = db.session.get(Activity, activity.id)
        assert activity.status == Status.PUBLISHED
        kinds = db.session.scalars(
            sa.select(Transition.action).where(Transition.item_kind == "activity")
        ).all()
        assert kinds == [Action.SUBMIT, Action.REQUEST_CHANGES, Action.SUBMIT, Action.APPROVE]
        audit = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert audit == ["activity.request_changes", "activity.approve"]


def test_reject_needs_a_reason(app):
    with app.test_request_context():
        author = factories.create_user()
        moderator = factories.create_user(role=Role.MODERATOR)
        district = factories.district()
        activity = services.propose_activity(proposal(district.id), author=db.session.merge(author))
        db.session.commit()
        activity = for_the_desk(activity.id)
        with pytest.raises(services.DomainError):
            decide(activity, Action.REJECT, actor=db.session.merge(moderator), reason=" ")


def test_an_unverified_resident_cannot_propose(app):
    with app.test_request_context():
        author = factories.create_user(verified=False)
        with pytest.raises(NotAllowed):
            services.propose_activity(
                proposal(factories.district().id), author=db.session.merge(author)
            )


def test_a_moderator_publishes_directly_with_a_recorded_transition(app):
    with app.test_request_context():
        moderator = factories.create_user(role=Role.MODERATOR)
        activity = services.create_activity(
            proposal(factories.district().id), actor=db.session.merge(moderator)
        )
        db.session.commit()
        assert activity.status == Status.PUBLISHED
        transition = db.session.scalars(sa.select(Transition)).one()
        assert (transition.from_status, transition.action, transition.to_status) == (
            Status.DRAFT,
            Action.APPROVE,
            Status.PUBLISHED,
        )
        assert transition.actor_id == moderator.id


def test_a_resident_cannot_publish_directly(app):
    with app.test_request_context():
        resident = factories.create_user()
        with pytest.raises(NotAllowed):
            services.create_activity(
                proposal(factories.district().id), actor=db.session.merge(resident)
            )


def test_published_activities_cannot_be_approved_again(app):
    with app.test_request_context():
        moderator = factories.create_user(role=Role.MODERATOR)
        activity = factories.create_activity()
        activity = for_the_desk(activity.id)
        with pytest.raises(InvalidTransition):
            decide(activity, Action.APPROVE, actor=db.session.merge(moderator))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": {}}, "title_fi"),
        ({"title": {"fi": "Otsikko"}, "description": {"sv": "Text utan rubrik"}}, "title_sv"),
        ({"ends_at": utcnow()}, "ends_at"),
        ({"signup_closes_at": utcnow() + timedelta(days=30)}, "signup_closes_at"),
        ({"capacity": 0}, "capacity"),
        ({"max_group_size": 50}, "max_group_size"),
        ({"lat": 60.2}, "lat"),
        ({"languages": ["klingon"]}, "languages"),
    ],
)
def test_invalid_details_are_refused(app, change, field):
    with app.test_request_context():
        details = proposal(factories.district().id)
        for key, value in change.items():
            setattr(details, key, value)
        author = factories.create_user()
        with pytest.raises(services.InvalidActivity) as error:
            services.propose_activity(details, author=db.session.merge(author))
        assert error.value.field == field


# -- privacy ------------------------------------------------------------------------------
def test_purge_deletes_personal_data_and_keeps_the_count(app):
    with app.test_request_context():
        old = factories.create_activity(starts_in=timedelta(days=-40))
        recent = factories.create_activity(starts_in=timedelta(days=-3))
        factories.create_signup(old, people=3)
        factories.create_signup(old, people=2)
        factories.create_signup(old, status="cancelled")
        factories.create_signup(recent)
        purged = signups.purge_signups(retention_days=30)
        db.session.commit()
        assert purged == 1
        old = db.session.get(Activity, old.id)
        assert old.final_participants == 5
        assert old.signups_purged_at is not None
        remaining = db.session.scalars(sa.select(Signup.activity_id)).all()
        assert remaining == [recent.id]
        # Idempotent: a second run finds nothing.
        assert signups.purge_signups(retention_days=30) == 0


def test_resend_link_replaces_the_token(app):
    with app.test_request_context():
        activity = factories.create_activity()
        first = sign_up(activity.id, "a@example.fi", language="en")
        assert signups.resend_link(db.session.get(Activity, activity.id), "A@example.fi")
        assert not signups.resend_link(db.session.get(Activity, activity.id), "x@example.fi")
        db.session.commit()
        assert queries.get_signup_by_token(first.token) is None
        message = mails("a@example.fi")[-1]
        assert message.template == "activities/new_link"
        new_token = message.body_text.split("/en/signups/")[1].split()[0]
        assert queries.get_signup_by_token(new_token).email == "a@example.fi"


def test_a_duplicate_that_slips_past_the_check_meets_the_unique_index(app, monkeypatch):
    with app.test_request_context():
        activity = factories.create_activity()
        sign_up(activity.id, "a@example.fi")
        monkeypatch.setattr(signups, "find_live_signup", lambda *args: None)
        with pytest.raises(signups.AlreadySignedUp):
            sign_up(activity.id, "a@example.fi")
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Signup.id))) == 1
