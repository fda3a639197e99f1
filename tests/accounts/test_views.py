"""Registration, verification, sign-in, password reset and profile, through the test client."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from participate.accounts.models import User
from participate.extensions import db
from tests import pages
from tests.factories import PASSWORD, create_user

GOOD = {
    "display_name": "Aino Virtanen",
    "email": "aino@example.fi",
    "password": "kolme pientä porsasta",
    "password_confirm": "kolme pientä porsasta",
    "language": "fi",
    "home_district": "",
}


def users(app) -> list[User]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(User)))
        db.session.expunge_all()
        return found


def link_in(body: str) -> str:
    match = re.search(r"http://\S+", body)
    assert match, body
    return match.group(0).replace("http://participate.test", "")


def test_register_verify_login_profile(app, client, outbox):
    response = client.post("/sv/account/register", data={**GOOD, "language": "sv"})
    assert response.status_code == 200
    assert "aino@example.fi" in pages.text(pages.check_page(response.get_data(as_text=True), "sv"))
    assert client.get("/sv/account/profile").status_code == 302  # not signed in yet
    [message] = outbox(to="aino@example.fi")
    assert message.language == "sv"
    assert message.subject == "Bekräfta din e-postadress"
    assert "/sv/account/verify/" in message.body_text
    [user] = users(app)
    assert not user.is_verified
    assert user.password_hash.startswith("scrypt:")

    response = client.get(link_in(message.body_text))
    assert response.status_code == 302
    assert users(app)[0].is_verified
    assert client.get("/sv/account/profile").status_code == 200  # the first use signs in
    client.post("/sv/account/logout")
    client.get(link_in(message.body_text))
    assert client.get("/sv/account/profile").status_code == 302  # a second use does not

    client.post("/sv/account/logout")
    response = client.post(
        "/sv/account/login", data={"email": "AINO@example.fi ", "password": GOOD["password"]}
    )
    assert response.status_code == 302
    soup = pages.get(client, "/sv/account/profile")
    assert "aino@example.fi" in pages.text(soup)
    assert soup.select_one("#verify-title") is None


@pytest.mark.parametrize(
    ("lang", "change", "message"),
    [
        ("en", {"email": "not-an-address"}, "Enter an e-mail address in the form name@example.fi."),
        ("fi", {"email": ""}, "Täytä tämä kenttä."),
        ("en", {"password": "short", "password_confirm": "short"}, "Use at least 10 characters"),
        ("sv", {"password": "salasana123", "password_confirm": "salasana123"}, "lösenord"),
        ("en", {"password_confirm": "something else entirely"}, "The passwords do not match."),
        ("en", {"display_name": "   "}, "Fill in this field."),
        ("en", {"display_name": "x" * 81}, "Use at most 80 characters."),
        ("en", {"language": "de"}, "Not a valid choice"),
        ("en", {"home_district": "999"}, "Not a valid choice"),
    ],
)
def test_register_bad_input(app, client, lang, change, message):
    data = {**GOOD, **change}
    response = client.post(f"/{lang}/account/register", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), lang, csrf=False)
    assert message in pages.text(soup)
    assert soup.select_one(".error-summary")
    # What was typed is kept (except passwords).
    if change.get("display_name", "").strip():
        assert soup.select_one("#display_name")["value"] == data["display_name"]
    assert users(app) == []


def _register_answer(client, lang: str, email: str) -> str:
    response = client.post(f"/{lang}/account/register", data={**GOOD, "email": email})
    assert response.status_code == 200
    soup = pages.check_page(response.get_data(as_text=True), lang, csrf=False)
    return pages.text(soup).replace(email, "<email>")


@pytest.mark.parametrize(
    ("lang", "subject"),
    [
        ("en", "You already have an account"),
        ("fi", "Sinulla on jo tili"),
        ("sv", "Du har redan ett konto"),
    ],
)
def test_register_taken_email_answers_as_for_a_new_one(app, client, outbox, lang, subject):
    """No enumeration: the page is the same; the owner is told by e-mail, in their language."""
    with app.app_context():
        create_user(email="taken@example.fi", language=lang)
    new = _register_answer(client, "en", "new@example.fi")
    taken = _register_answer(client, "en", "Taken@Example.fi")
    assert taken == new
    assert len(users(app)) == 2  # the owner and the new one; no second account
    [message] = outbox(to="taken@example.fi")
    assert message.template == "accounts/already_registered"
    assert message.subject == subject
    assert f"http://participate.test/{lang}/account/forgot-password" in message.body_text
    assert f"http://participate.test/{lang}/account/login" in message.body_text


def test_register_taken_email_checks_the_password_alike(app, client):
    with app.app_context():
        create_user(email="taken@example.fi")
    for email in ["taken@example.fi", "new@example.fi"]:
        response = client.post(
            "/en/account/register",
            data={**GOOD, "email": email, "password": "short", "password_confirm": "short"},
        )
        assert "Use at least 10 characters" in response.get_data(as_text=True)


def test_register_with_csrf_enabled_refuses_a_forged_post(app, client, csrf_enabled):
    response = client.post("/en/account/register", data=GOOD)
    assert response.status_code == 400
    assert users(app) == []


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "The e-mail address or password is wrong."),
        ("fi", "Sähköpostiosoite tai salasana on väärin."),
        ("sv", "E-postadressen eller lösenordet är fel."),
    ],
)
def test_login_wrong_password(app, client, lang, message):
    with app.app_context():
        create_user(email="liisa@example.fi")
    response = client.post(
        f"/{lang}/account/login", data={"email": "liisa@example.fi", "password": "wrong one!"}
    )
    assert response.status_code == 400
    assert message in pages.text(pages.check_page(response.get_data(as_text=True), csrf=False))
    assert client.get(f"/{lang}/account/profile").status_code == 302  # still signed out


def test_login_unknown_address_says_the_same(client):
    response = client.post(
        "/en/account/login", data={"email": "nobody@example.fi", "password": "whatever!!"}
    )
    assert "The e-mail address or password is wrong." in response.get_data(as_text=True)


def test_login_redirects_only_to_local_next(app, client):
    with app.app_context():
        create_user(email="liisa@example.fi")
    data = {"email": "liisa@example.fi", "password": PASSWORD}
    response = client.post("/en/account/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/en/"
    client.post("/en/account/logout")
    response = client.post("/en/account/login?next=/en/privacy", data=data)
    assert response.headers["Location"] == "/en/privacy"


def test_login_is_rate_limited_with_a_translated_page(app, client):
    for _ in range(10):
        client.post("/sv/account/login", data={"email": "a@example.fi", "password": "x" * 10})
    response = client.post(
        "/sv/account/login", data={"email": "a@example.fi", "password": "x" * 10}
    )
    assert response.status_code == 429
    soup = pages.check_page(response.get_data(as_text=True), "sv", csrf=False)
    assert soup.h1.get_text(strip=True) == "För många försök"


def test_verification_link_expired(app, client, monkeypatch):
    from participate.accounts import tokens

    with app.app_context():
        user = create_user(email="late@example.fi", verified=False)
        with app.test_request_context():
            token = tokens.make_token("verify", {"uid": user.id, "email": user.email})
    monkeypatch.setattr(tokens, "VERIFY_MAX_AGE", -1)
    response = client.get(f"/fi/account/verify/{token}")
    assert response.status_code == 400
    assert "Tämä linkki on vanhentunut" in pages.text(
        pages.check_page(response.get_data(as_text=True))
    )
    assert not users(app)[0].is_verified


def test_verification_link_tampered(client):
    response = client.get("/en/account/verify/not-a-real-token")
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)


def test_password_reset_flow_works_once(app, client, outbox):
    with app.app_context():
        create_user(email="reset@example.fi", language="sv")
    response = client.post("/en/account/forgot-password", data={"email": "reset@example.fi"})
    assert response.status_code == 200
    [message] = outbox(to="reset@example.fi")
    assert message.language == "sv"  # the recipient's language, not the page's
    link = link_in(message.body_text)
    new = {"password": "ny sommar vid havet", "password_confirm": "ny sommar vid havet"}
    assert client.post(link, data=new).status_code == 302
    again = client.post(
        link, data={"password": "third password here", "password_confirm": "third password here"}
    )
    assert again.status_code == 400
    response = client.post(
        "/en/account/login", data={"email": "reset@example.fi", "password": new["password"]}
    )
    assert response.status_code == 302


def test_password_pages_answer_invalid_input_with_400_and_keep_the_page(client, outbox):
    """Like every form (participate/forms.py handle_form): the page again, errors on it."""
    response = client.post("/en/account/forgot-password", data={"email": "not-an-address"})
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    assert soup.select_one(".error-summary")
    assert soup.select_one("#email")["value"] == "not-an-address"
    with client.application.app_context():
        create_user(email="reset@example.fi")
    client.post("/en/account/forgot-password", data={"email": "reset@example.fi"})
    link = link_in(outbox(to="reset@example.fi")[0].body_text)
    short = client.post(link, data={"password": "short", "password_confirm": "short"})
    assert short.status_code == 400
    soup = pages.check_page(short.get_data(as_text=True), csrf=False)
    assert soup.select_one(".error-summary")
    assert soup.select_one("#password_confirm")


def test_password_reset_does_not_reveal_accounts(client, outbox):
    response = client.post("/en/account/forgot-password", data={"email": "ghost@example.fi"})
    assert response.status_code == 200
    assert "If there is an account for ghost@example.fi" in response.get_data(as_text=True)
    assert outbox() == []


def test_profile_changes_language_and_redirects_to_it(app, client, login_as):
    user = login_as("resident", language="fi")
    response = client.post(
        "/fi/account/profile",
        data={
            "profile-display_name": "Uusi Nimi",
            "profile-language": "sv",
            "profile-home_district": "",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/sv/account/profile"
    [saved] = [u for u in users(app) if u.id == user.id]
    assert saved.language == "sv"
    assert saved.display_name == "Uusi Nimi"


def test_change_password_requires_the_current_one(app, client, login_as):
    login_as("resident")
    response = client.post(
        "/en/account/password",
        data={
            "password-current_password": "not my password",
            "password-password": "brand new password 1",
            "password-password_confirm": "brand new password 1",
        },
    )
    assert response.status_code == 400
    assert "Your current password is wrong." in response.get_data(as_text=True)


def test_my_data_download_and_delete(app, client, login_as):
    user = login_as("resident", email="mine@example.fi")
    response = client.get("/en/account/my-data/download")
    assert response.json["account"]["email"] == "mine@example.fi"
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.post("/en/account/my-data/delete", data={"password": "wrong"}).status_code == 400
    response = client.post("/en/account/my-data/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    [gone] = [u for u in users(app) if u.id == user.id]
    assert gone.deleted_at is not None
    assert "mine@example.fi" not in gone.email
    assert client.get("/en/account/profile").status_code == 302


def test_protected_pages_send_anonymous_people_to_sign_in(client):
    response = client.get("/sv/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sv/account/login")


def test_my_data_download_includes_what_the_features_hold(app, client, login_as):
    from tests.factories import create_activity, create_initiative, create_signup, create_support

    user = login_as("resident", email="kaikki@example.fi")
    with app.app_context():
        mine = create_initiative(author=user, title="Lisää penkkejä Tapiolan puistoon")
        other = create_initiative(title="Valaistus Leppävaaran alikulkuun")
        create_support(other, user=user)
        activity = create_activity()
        create_signup(activity, email="kaikki@example.fi", name="Kaikki Tiedot", people=2)
    data = client.get("/fi/account/my-data/download").json
    assert [i["title"] for i in data["initiatives"]["written"]] == [mine.title]
    assert [i["id"] for i in data["initiatives"]["supported"]] == [other.id]
    [signup] = data["activities"]["signups"]
    assert (signup["name"], signup["people"]) == ("Kaikki Tiedot", 2)


def test_sign_in_costs_one_hash_whatever_the_address(app, client, monkeypatch):
    """No enumeration by timing: known and unknown addresses both cost one scrypt run."""
    import hashlib

    from participate.accounts import services

    with app.app_context():
        create_user(email="liisa@example.fi")
    services._dummy_hash()  # made once per process, before any request is timed
    runs = []
    real_scrypt = hashlib.scrypt

    def counting_scrypt(*args, **kwargs):
        runs.append(1)
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting_scrypt)
    counts = {}
    for email in ["liisa@example.fi", "nobody@example.fi"]:
        runs.clear()
        client.post("/en/account/login", data={"email": email, "password": "wrong one!"})
        counts[email] = len(runs)
    assert counts == {"liisa@example.fi": 1, "nobody@example.fi": 1}
