"""Follow, notification settings, digests and one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from participate.accounts.models import Role, User
from participate.extensions import db
from participate.initiatives.models import Follow, Initiative
from participate.mail.sender import build_message
from participate.moderation.services import decide
from participate.notifications.models import Frequency, NotificationSetting, PendingNotification
from participate.notifications.services import save_settings
from participate.notifications.tokens import make_token, read_token
from participate.workflow.states import Action
from tests import factories, pages


def _follows(app, user_id):
    with app.app_context():
        rows = db.session.scalars(sa.select(Follow).where(Follow.user_id == user_id))
        return [(f.initiative_id, f.theme_id, f.district_id) for f in rows]


def test_follow_and_unfollow_an_initiative_from_its_page(app, client, login_as):
    with app.app_context():
        initiative = factories.create_initiative(title="Penkit puistoon")
    user = login_as()
    soup = pages.get(client, f"/fi/initiatives/{initiative.id}")
    assert soup.select_one("#follow button[value=follow]")
    response = client.post(f"/fi/initiatives/{initiative.id}/follow", data={"intent": "follow"})
    assert response.status_code == 302
    assert _follows(app, user.id) == [(initiative.id, None, None)]
    soup = pages.get(client, "/fi/initiatives/following")
    assert "Penkit puistoon" in soup.select_one("main").get_text()
    client.post(f"/fi/initiatives/{initiative.id}/follow", data={"intent": "unfollow"})
    assert _follows(app, user.id) == []


def test_follow_a_theme_and_a_district_from_the_filtered_list(app, client, login_as):
    with app.app_context():
        theme = factories.create_theme("liikenne")
        district = factories.district("suur-tapiola")
    user = login_as()
    soup = pages.get(client, "/sv/initiatives/?theme=liikenne&district=suur-tapiola")
    actions = {form["action"] for form in soup.select(".follow-targets form")}
    assert actions == {
        f"/sv/initiatives/themes/{theme.id}/follow",
        f"/sv/initiatives/districts/{district.id}/follow",
    }
    for action in actions:
        client.post(action, data={"intent": "follow"})
    assert sorted(_follows(app, user.id), key=str) == sorted(
        [(None, theme.id, None), (None, None, district.id)], key=str
    )


def test_following_needs_a_session_and_csrf(app, client, csrf_enabled):
    with app.app_context():
        initiative = factories.create_initiative()
    response = client.post(f"/fi/initiatives/{initiative.id}/follow")
    assert response.status_code in (302, 400)
    assert "/account/login" in response.headers.get("Location", "/account/login")


def test_supporting_and_writing_follow_automatically(app, client, login_as):
    from participate.initiatives import services, supports

    with app.test_request_context():
        author = factories.create_user()
        supporter = factories.create_user()
        theme = factories.create_theme()
        data = services.InitiativeData(
            title="Lisää penkkejä",
            body="Puistossa ei ole penkkejä.",
            language="fi",
            theme_id=theme.id,
            district="suur-tapiola",
        )
        initiative = services.save_initiative(data, actor=author)
        published = factories.create_initiative()
        supports.add_support(db.session.get(Initiative, published.id), user=supporter)
        db.session.commit()
        initiative_id, published_id = initiative.id, published.id
    assert _follows(app, author.id) == [(initiative_id, None, None)]
    assert _follows(app, supporter.id) == [(published_id, None, None)]


def _publish_in_theme(app, theme_id: int) -> int:
    with app.test_request_context():
        author = factories.create_user()
        initiative = factories.create_initiative(status="submitted", author=author)
        db.session.execute(
            sa.update(Initiative).where(Initiative.id == initiative.id).values(theme_id=theme_id)
        )
        moderator = factories.create_user(role=Role.MODERATOR)
        decide(db.session.get(Initiative, initiative.id), Action.APPROVE, actor=moderator)
        db.session.commit()
        return initiative.id


def test_theme_followers_hear_about_a_new_initiative_with_unsubscribe(app, client, outbox):
    with app.app_context():
        theme = factories.create_theme()
        follower = factories.create_user(language="sv", email="follower@example.fi")
        db.session.add(Follow(user_id=follower.id, theme_id=theme.id))
        db.session.commit()
    initiative_id = _publish_in_theme(app, theme.id)
    [mail] = outbox(to="follower@example.fi")
    assert (mail.template, mail.language) == ("notifications/event", "sv")
    assert mail.subject == "Ett nytt initiativ som kan intressera dig"
    assert f"/sv/initiatives/{initiative_id}" in mail.body_text
    assert mail.unsubscribe_url
    assert "/sv/unsubscribe/" in mail.unsubscribe_url
    assert mail.unsubscribe_url in mail.body_text
    with app.app_context():
        message = build_message(mail, "noreply@example.fi", "participate.test")
    assert message["List-Unsubscribe"] == f"<{mail.unsubscribe_url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_without_a_session_stops_the_next_email(app, client, outbox):
    with app.app_context():
        theme = factories.create_theme()
        follower = factories.create_user(language="fi", email="follower@example.fi")
        db.session.add(Follow(user_id=follower.id, theme_id=theme.id))
        db.session.commit()
    _publish_in_theme(app, theme.id)
    [mail] = outbox(to="follower@example.fi")
    path = re.sub(r"^https?://[^/]+", "", mail.unsubscribe_url)
    # A link scanner's GET changes nothing.
    assert client.get(path).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(NotificationSetting)) is None
    # The mail client's one-click POST (RFC 8058): no session, no CSRF token.
    response = client.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    with app.app_context():
        setting = db.session.scalar(sa.select(NotificationSetting))
        assert (setting.kind, setting.frequency) == ("published", Frequency.NEVER)
    _publish_in_theme(app, theme.id)
    assert len(outbox(to="follower@example.fi")) == 1


def test_forged_unsubscribe_tokens_are_refused(app, client):
    with app.app_context():
        token = make_token(1, "published")
        assert read_token(token).kind == "published"
        assert read_token(token[:-2] + "xx") is None
        assert read_token(make_token(1, "nonsense")) is None
    assert client.post("/fi/unsubscribe/not-a-token").status_code == 404


def test_daily_digest_collects_events_in_the_recipients_language(app, runner, outbox):
    with app.app_context():
        theme = factories.create_theme()
        follower = factories.create_user(language="sv", email="digest@example.fi")
        db.session.add(Follow(user_id=follower.id, theme_id=theme.id))
        save_settings(follower, {"published": Frequency.DAILY}, language="sv")
        db.session.commit()
    first = _publish_in_theme(app, theme.id)
    second = _publish_in_theme(app, theme.id)
    assert outbox(to="digest@example.fi") == []
    result = runner.invoke(args=["notifications", "digest", "--weekly"])
    assert "Queued 0 weekly" in result.output
    result = runner.invoke(args=["notifications", "digest", "--daily"])
    assert "Queued 1 daily" in result.output
    [digest] = outbox(to="digest@example.fi")
    assert digest.template == "notifications/digest"
    assert digest.subject == "Ditt dagliga sammandrag från Delta"
    assert digest.body_text.count("Nytt initiativ: ") == 2
    for initiative_id in (first, second):
        assert f"\nhttp://participate.test/sv/initiatives/{initiative_id}\n" in digest.body_text
    assert digest.unsubscribe_url
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PendingNotification.id))) == 0
    # Nothing twice.
    runner.invoke(args=["notifications", "digest", "--daily"])
    assert len(outbox(to="digest@example.fi")) == 1


def test_settings_page_saves_each_kind_and_the_language(app, client, login_as):
    user = login_as(language="fi")
    soup = pages.get(client, "/fi/account/notifications")
    assert soup.select_one("input[name=kinds-answered][value=immediately][checked]")
    data = {f"kinds-{kind}": "weekly" for kind in ("published", "answered", "threshold")}
    data.update({f"kinds-{kind}": "never" for kind in ("filed", "council_decision", "hidden")})
    data["language"] = "sv"
    response = client.post("/fi/account/notifications", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sv/")
    with app.app_context():
        rows = dict(
            db.session.execute(
                sa.select(NotificationSetting.kind, NotificationSetting.frequency).where(
                    NotificationSetting.user_id == user.id
                )
            ).all()
        )
    assert rows["answered"] == Frequency.WEEKLY
    assert rows["hidden"] == Frequency.NEVER


def test_my_data_shows_follows_and_settings_and_deleting_the_account_erases_them(
    app, client, login_as
):
    with app.app_context():
        initiative = factories.create_initiative(title="Penkit puistoon")
    user = login_as(email="follower@example.fi")
    client.post(f"/fi/initiatives/{initiative.id}/follow", data={"intent": "follow"})
    with app.app_context():
        person = db.session.get(User, user.id)
        save_settings(person, {"published": Frequency.WEEKLY}, language="fi")
        db.session.add(
            PendingNotification(
                user_id=user.id,
                kind="published",
                frequency=Frequency.WEEKLY,
                title="Penkit puistoon",
                endpoint="initiatives.detail",
                link_values={"initiative_id": initiative.id},
            )
        )
        db.session.commit()

    export = client.get("/en/account/my-data/download").get_json()
    assert [f["initiative_id"] for f in export["initiatives"]["following"]] == [initiative.id]
    assert export["notifications"]["settings"]["published"] == "weekly"
    assert [p["title"] for p in export["notifications"]["waiting_for_digest"]] == [
        "Penkit puistoon"
    ]

    response = client.post("/en/account/my-data/delete", data={"password": factories.PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        for model in (Follow, NotificationSetting, PendingNotification):
            assert db.session.scalars(sa.select(model).where(model.user_id == user.id)).all() == []


def test_invalid_settings_are_listed_in_the_error_summary_with_links_to_their_fields(
    app, client, login_as
):
    # The settings form encloses one radio group per kind (a FormField): the error summary
    # must reach into it instead of failing on the enclosed form's error dictionary.
    login_as()
    response = client.post(
        "/fi/account/notifications", data={"kinds-published": "bogus", "language": "xx"}
    )
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "fi", csrf=False)
    links = [a["href"] for a in soup.select("#error-summary a")]
    assert "#kinds-published-0" in links
    assert "#language-0" in links
    # WTForms' own messages are in the page's language, inside the enclosed form too.
    assert "Not a valid choice" not in soup.get_text()
