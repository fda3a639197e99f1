"""Activity pages: list, archive, detail and sign-up, the private link, proposing, the
organiser's view; bad input (one table per form), roles, query counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from participate.accounts.models import Role
from participate.db import utcnow
from tests import factories, pages

LANGS = ("fi", "sv", "en")
TOKEN_RE = re.compile(r"/(?:fi|sv|en)/signups/([A-Za-z0-9_-]+)")


def make(app, **kwargs):
    with app.app_context():
        return factories.create_activity(**kwargs)


def signup_form(**overrides):
    data = {
        "name": "Aino Virtanen",
        "email": "aino@example.fi",
        "phone": "040 123 4567",
        "people": "1",
        "accessibility_needs": "",
        "consent": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def token_from(body: str) -> str:
    match = TOKEN_RE.search(body)
    assert match, body
    return match.group(1)


# -- pages in every language ------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_list_archive_and_detail_in_every_language(app, client, lang):
    upcoming = make(app)
    past = make(app, starts_in=timedelta(days=-10), title={"fi": "Menneet talkoot"})
    soup = pages.get(client, f"/{lang}/activities/")
    links = [a["href"] for a in soup.select(".activity-list a")]
    assert f"/{lang}/activities/{upcoming.id}" in links
    assert f"/{lang}/activities/{past.id}" not in links
    assert soup.select_one(".folium-map"), "the map is shown"
    archive = pages.get(client, f"/{lang}/activities/archive")
    assert [a["href"] for a in archive.select(".activity-list a")] == [
        f"/{lang}/activities/{past.id}"
    ]
    detail = pages.get(client, f"/{lang}/activities/{upcoming.id}")
    assert detail.select_one("#signup-form")
    assert detail.h1["lang"] == lang
    past_detail = pages.get(client, f"/{lang}/activities/{past.id}")
    assert not past_detail.select_one("#signup-form")


def test_missing_language_falls_back_with_a_note(app, client, translated):
    activity = make(app, title={"fi": "Lukupiiri Sellon kirjastossa"})
    soup = pages.get(client, f"/sv/activities/{activity.id}")
    assert soup.h1["lang"] == "fi"
    assert soup.h1.get_text(strip=True) == "Lukupiiri Sellon kirjastossa"
    note = soup.select_one(".fallback-note").get_text(strip=True)
    assert note == translated("sv", "Only available in Finnish")
    listing = pages.get(client, "/en/activities/")
    assert listing.select_one(".activity-list a")["lang"] == "fi"
    assert listing.select_one(".activity-list .fallback-note")


def test_places_left_and_full(app, client, translated):
    activity = make(app, capacity=3)
    with app.app_context():
        factories.create_signup(activity, people=2)
    text = pages.text(pages.get(client, f"/en/activities/{activity.id}"))
    assert translated("en", "%(num)s place left", "%(num)s places left", num=1) in text
    with app.app_context():
        factories.create_signup(activity)
        factories.create_signup(activity, status="waiting")
    soup = pages.get(client, f"/fi/activities/{activity.id}")
    assert translated("fi", "Full") in pages.text(soup)
    assert translated("fi", "Join the waiting list") in pages.text(soup.select_one("#signup-form"))


def test_inline_scripts_carry_the_nonce_and_assets_are_local(app, client):
    activity = make(app)
    for url in ("/fi/activities/", f"/fi/activities/{activity.id}"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        soup = pages.check_page(html, "fi", csrf=False)
        for tag in soup.find_all(["script", "link"]):
            if tag.get("rel") in (["alternate"], ["canonical"]):
                continue  # hreflang and canonical links are absolute on purpose
            address = tag.get("src") or tag.get("href") or ""
            assert not address.startswith(("http:", "https:", "//")), address
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        for tag in soup.find_all(["script", "style"]):
            if not tag.get("src"):
                assert tag.get("nonce") == nonce.group(1)


def test_map_values_are_escaped(app, client):
    activity = make(app, title={"fi": "Ilta `${alert(1)}` <img src=x onerror=alert(2)>"})
    html = client.get("/fi/activities/").get_data(as_text=True)
    script = html.split('<script type="module" nonce="', 1)[1].split("</script>")[0]
    tooltip = script.split("bindTooltip(", 1)[1].split("`")[1]  # a JS template literal
    assert "${" not in tooltip
    assert "`" not in tooltip
    assert "<img src=x" not in script
    assert "$" not in script.split("bindPopup(", 1)[1].split(");")[0]
    assert f"/fi/activities/{activity.id}" in script


# -- filters ------------------------------------------------------------------------------
def test_filters(app, client):
    now = utcnow()
    tapiola = make(app, title={"fi": "Tapiola"}, languages=("fi",), capacity=1)
    leppavaara = make(
        app,
        title={"fi": "Leppävaara"},
        district="suur-leppavaara",
        languages=("sv", "en"),
        starts_in=timedelta(days=20),
    )
    with app.app_context():
        factories.create_signup(tapiola)  # full now

    def titles(query: str) -> list[str]:
        soup = pages.get(client, f"/fi/activities/?{query}")
        return [a.get_text(strip=True) for a in soup.select(".activity-list h3 a")]

    assert titles("") == ["Tapiola", "Leppävaara"]
    assert titles("district=suur-leppavaara") == ["Leppävaara"]
    assert titles("language=sv") == ["Leppävaara"]
    assert titles("has_places=y") == ["Leppävaara"]
    day = (now + timedelta(days=20)).date().isoformat()
    assert titles(f"date_from={day}") == ["Leppävaara"]
    assert titles(f"date_to={(now + timedelta(days=8)).date().isoformat()}") == ["Tapiola"]
    assert leppavaara.id


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("district=atlantis", "district"),
        ("language=xx", "language"),
        ("date_from=31.2.2026", "date_from"),
        ("date_from=2026-12-10&date_to=2026-12-01", "date_to"),
    ],
)
def test_bad_filters_are_explained(client, translated, query, field):
    response = client.get(f"/sv/activities/?{query}")
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "sv", csrf=False)
    error = pages.text(soup.select_one(f"#{field}-error"))
    expected = {
        "district": "Choose one of the options in the list.",
        "language": "Choose one of the options in the list.",
        "date_from": "Enter a date, e.g. 6.12.2026.",
        "date_to": "The end date must not be before the start date.",
    }[field]
    assert translated("sv", expected) in error


# -- signing up through the page ---------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_sign_up_see_and_cancel_with_the_private_link(app, client, outbox, translated, lang):
    activity = make(app, capacity=1)
    response = client.post(f"/{lang}/activities/{activity.id}", data=signup_form())
    assert response.status_code == 302
    flash = pages.text(pages.get(client, response.headers["Location"]).select_one(".flashes"))
    assert "aino@example.fi" in flash
    message = outbox(to="aino@example.fi")[0]
    assert message.language == lang
    assert message.template == "activities/signup_confirmed"
    token = token_from(message.body_text)

    # Someone else, on the waiting list, in another language.
    other = "sv" if lang != "sv" else "en"
    client.post(
        f"/{other}/activities/{activity.id}",
        data=signup_form(email="waiting@example.fi", name="Karin Lindholm"),
    )
    assert outbox(to="waiting@example.fi")[0].template == "activities/signup_waiting"

    page = pages.get(client, f"/{lang}/signups/{token}")
    assert "Aino Virtanen" in pages.text(page)
    assert page.select_one("#cancel-signup-form")
    response = client.post(f"/{lang}/signups/{token}")
    assert response.status_code == 302
    promoted = outbox(to="waiting@example.fi")[-1]
    assert promoted.template == "activities/promoted"
    assert promoted.language == other
    page = pages.get(client, f"/{lang}/signups/{token}")
    assert not page.select_one("#cancel-signup-form")
    expected = translated(lang, "Sign-up cancelled")
    assert expected in pages.text(page.select_one("#signup-status"))


def test_waiting_list_position_is_told_in_swedish(app, client, translated):
    activity = make(app, capacity=1)
    for number in range(3):
        client.post(
            f"/sv/activities/{activity.id}",
            data=signup_form(email=f"person{number}@example.fi"),
        )
    response = client.post(
        f"/sv/activities/{activity.id}", data=signup_form(email="fourth@example.fi")
    )
    flash = pages.text(pages.get(client, response.headers["Location"]).select_one(".flashes"))
    expected = translated("sv", "You are number %(position)s on the waiting list.", position=3)
    assert expected in flash


def test_signed_in_person_gets_the_form_prefilled(app, client, login_as):
    activity = make(app)
    user = login_as(display_name="Liisa Virtanen", email="liisa@example.fi")
    soup = pages.get(client, f"/fi/activities/{activity.id}")
    assert soup.select_one("#name")["value"] == "Liisa Virtanen"
    assert soup.select_one("#email")["value"] == "liisa@example.fi"
    assert user.id


SIGNUP_ERRORS = [
    ({"name": ""}, {}, "name", "Fill in this field."),
    (
        {"email": "aino(at)example.fi"},
        {},
        "email",
        "Enter an e-mail address in the form name@example.fi.",
    ),
    (
        {"people": "5"},
        {"max_group_size": 4},
        "people",
        "You can sign up at most %(count)s people at once for this activity.",
    ),
    (
        {"people": "0"},
        {"max_group_size": 4},
        "people",
        "You can sign up at most %(count)s people at once for this activity.",
    ),
    ({"people": "kaksi"}, {}, "people", "Enter a whole number."),
    ({"consent": None}, {}, "consent", "Tick the box to accept how we handle your details."),
    ({"phone": "call me"}, {}, "phone", "Enter a telephone number, e.g. 040 123 4567."),
    (
        {},
        {"signup_closes_at": utcnow() - timedelta(hours=1)},
        None,
        "Sign-up for this activity closed on %(when)s.",
    ),
    (
        {},
        {"is_cancelled": True, "cancellation_note": "Myrsky"},
        None,
        "This activity is cancelled, so you cannot sign up.",
    ),
]


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize(
    ("data", "activity_kw", "field", "msgid"),
    SIGNUP_ERRORS,
    ids=[
        "no name",
        "bad e-mail",
        "group too large",
        "no people",
        "not a number",
        "no consent",
        "bad phone",
        "deadline passed",
        "cancelled",
    ],
)
def test_bad_sign_up_is_explained_and_changes_nothing(
    app, client, outbox, signups, translated, lang, data, activity_kw, field, msgid
):
    activity = make(app, **activity_kw)
    response = client.post(f"/{lang}/activities/{activity.id}", data=signup_form(**data))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    soup = pages.check_page(html, lang, csrf=False)
    text = pages.text(soup)
    if field:
        assert soup.select_one(f"#{field}-error"), f"no error shown for {field}"
    if "%(when)s" in msgid:
        expected = translated(lang, msgid, when="XX").split("XX")[0]
    elif "%(count)s" in msgid:
        expected = translated(lang, msgid, count=4)
    else:
        expected = translated(lang, msgid)
    assert expected in text
    # What the person typed is kept.
    if "name" not in data and soup.select_one("#name"):
        assert soup.select_one("#name")["value"] == "Aino Virtanen"
    assert signups(activity.id) == []
    assert outbox() == []


def test_every_sign_up_mistake_is_shown_at_once(app, client, signups):
    activity = make(app, max_group_size=4)
    data = signup_form(name="", people="5", consent=None)
    response = client.post(f"/fi/activities/{activity.id}", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "fi", csrf=False)
    summary = soup.select_one("#error-summary")
    assert summary.has_attr("autofocus"), "focus does not move to the error summary"
    links = [a["href"] for a in summary.select("a")]
    assert links == ["#name", "#people", "#consent"]
    for field in ("name", "people", "consent"):
        assert soup.select_one(f"#{field}")["aria-invalid"] == "true"
    # A label's own full stop is not followed by a colon ("käsittelyyn.: Rastita").
    assert ".:" not in pages.text(summary)
    assert signups(activity.id) == []


@pytest.mark.parametrize("field", ["name", "email", "phone", "accessibility_needs"])
def test_one_length_limit_per_sign_up_field(app, client, signups, field):
    """SIGNUP_LIMITS is the column's length, the field's `maxlength`, the form's check and
    the service's check: a text one more character long is refused by each."""
    from participate.activities import signups as signup_service
    from participate.activities.models import SIGNUP_LIMITS, Activity, Signup
    from participate.errors import DomainError
    from participate.extensions import db

    limit = SIGNUP_LIMITS[field]
    assert Signup.__table__.c[field].type.length == limit
    activity = make(app)
    soup = pages.get(client, f"/fi/activities/{activity.id}")
    assert soup.select_one(f"#{field}")["maxlength"] == str(limit)

    too_long = {
        "name": "a" * (limit + 1),
        "email": "a" * (limit - 10) + "@example.fi",
        "phone": "0" * (limit + 1),
        "accessibility_needs": "a" * (limit + 1),
    }[field]
    response = client.post(f"/fi/activities/{activity.id}", data=signup_form(**{field: too_long}))
    assert response.status_code == 400
    assert pages.check_page(response.get_data(as_text=True), "fi", csrf=False).select_one(
        f"#{field}-error"
    )
    assert signups(activity.id) == []
    with app.test_request_context():
        values = {"name": "Aino", "email": "aino@example.fi", field: too_long}
        request = signup_service.SignupRequest(people=1, language="fi", consent=True, **values)
        with pytest.raises(DomainError) as refused:
            signup_service.sign_up(db.session.get(Activity, activity.id), request)
        assert refused.value.field == field


def test_duplicate_sign_up_is_refused_politely(app, client, outbox, signups, translated):
    activity = make(app)
    client.post(f"/en/activities/{activity.id}", data=signup_form())
    response = client.post(
        f"/en/activities/{activity.id}", data=signup_form(email="AINO@example.fi")
    )
    assert response.status_code == 400
    text = pages.text(pages.check_page(response.get_data(as_text=True), "en", csrf=False))
    assert (
        translated("en", "This e-mail address is already signed up for this activity.").split(".")[
            0
        ]
        in text
    )
    assert len(signups(activity.id)) == 1
    assert len(outbox()) == 1


def test_sign_up_keeps_csrf_protection(app, client, csrf_enabled, signups):
    activity = make(app)
    response = client.post(f"/fi/activities/{activity.id}", data=signup_form())
    assert response.status_code == 400
    assert signups() == []


def test_sign_ups_are_rate_limited(app, client):
    activity = make(app, capacity=None)
    codes = [
        client.post(
            f"/fi/activities/{activity.id}", data=signup_form(email=f"p{i}@example.fi")
        ).status_code
        for i in range(12)
    ]
    assert codes[:10] == [302] * 10
    assert codes[-1] == 429


# -- the private link ---------------------------------------------------------------------
def test_unknown_or_altered_token_is_a_clear_404(app, client, translated):
    activity = make(app)
    with app.app_context():
        signup = factories.create_signup(activity)
    for token in ("not-a-real-token", signup.token[:-2] + "xy"):
        response = client.get(f"/sv/signups/{token}")
        assert response.status_code == 404
        soup = pages.check_page(response.get_data(as_text=True), "sv", csrf=False)
        assert soup.h1.get_text(strip=True) == translated("sv", "This link does not work")
        assert response.headers["Cache-Control"] == "no-store"
        assert client.post(f"/sv/signups/{token}").status_code == 404


def test_reused_token_is_refused_and_changes_nothing(app, client, outbox, signups, translated):
    activity = make(app)
    with app.app_context():
        signup = factories.create_signup(activity, email="a@example.fi")
    assert client.post(f"/fi/signups/{signup.token}").status_code == 302
    sent = len(outbox())
    response = client.post(f"/fi/signups/{signup.token}")
    assert response.status_code == 400
    text = pages.text(pages.check_page(response.get_data(as_text=True), "fi", csrf=False))
    assert translated("fi", "This sign-up is already cancelled.") in text
    assert signups() == [("a@example.fi", "cancelled")]
    assert len(outbox()) == sent


def test_a_token_only_ever_cancels_its_own_sign_up(app, client, signups):
    activity = make(app)
    other_activity = make(app)
    with app.app_context():
        mine = factories.create_signup(activity, email="mine@example.fi")
        factories.create_signup(activity, email="theirs@example.fi")
        factories.create_signup(other_activity, email="mine@example.fi")
    client.post(f"/en/signups/{mine.token}")
    assert signups() == [
        ("mine@example.fi", "cancelled"),
        ("theirs@example.fi", "confirmed"),
        ("mine@example.fi", "confirmed"),
    ]


def test_cancelling_after_the_start_is_refused(app, client, signups, translated):
    activity = make(app, starts_in=timedelta(minutes=-30))
    with app.app_context():
        signup = factories.create_signup(activity)
    page = pages.get(client, f"/en/signups/{signup.token}")
    assert not page.select_one("#cancel-signup-form")
    response = client.post(f"/en/signups/{signup.token}")
    assert response.status_code == 400
    assert signups()[0][1] == "confirmed"


def test_cancel_keeps_csrf_protection(app, client, csrf_enabled, signups):
    activity = make(app)
    with app.app_context():
        signup = factories.create_signup(activity)
    assert client.post(f"/fi/signups/{signup.token}").status_code == 400
    assert signups()[0][1] == "confirmed"


def test_resend_link_never_says_who_has_signed_up(app, client, outbox):
    activity = make(app)
    with app.app_context():
        factories.create_signup(activity, email="known@example.fi", language="sv")
    known = client.post(
        f"/fi/activities/{activity.id}/resend-link", data={"resend-email": "known@example.fi"}
    )
    unknown = client.post(
        f"/fi/activities/{activity.id}/resend-link", data={"resend-email": "nobody@example.fi"}
    )
    assert known.status_code == unknown.status_code == 302
    flash_known = pages.text(pages.get(client, known.headers["Location"]).select_one(".flashes"))
    assert "known@example.fi" in flash_known
    assert [m.to_address for m in outbox()] == ["known@example.fi"]
    assert outbox()[0].language == "sv"
    bad = client.post(
        f"/fi/activities/{activity.id}/resend-link", data={"resend-email": "not an address"}
    )
    assert bad.status_code == 400


# -- proposing, editing and moderation ----------------------------------------------------
def activity_form(**overrides):
    starts = (utcnow() + timedelta(days=14)).strftime("%Y-%m-%d")
    data = {
        "title_fi": "Naapuruston kävelykierros",
        "description_fi": "Kävellään yhdessä.",
        "title_sv": "",
        "title_en": "Neighbourhood walk",
        "organiser_kind": "residents",
        "organiser_name": "Leppävaaran asukkaat",
        "organiser_contact": "kavely@example.fi",
        "district": "",
        "place": "Leppävaaran asema",
        "lat": "60.2191",
        "lon": "24.8130",
        "starts_at": f"{starts}T18:00",
        "ends_at": f"{starts}T20:00",
        "capacity": "20",
        "max_group_size": "3",
        "signup_opens_at": "",
        "signup_closes_at": "",
        "languages": ["fi", "en"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def district_id(app, slug="suur-leppavaara"):
    with app.app_context():
        return str(factories.district(slug).id)


@pytest.mark.parametrize("lang", LANGS)
def test_propose_form_in_every_language(app, client, login_as, lang):
    login_as()
    soup = pages.get(client, f"/{lang}/activities/new")
    assert soup.select_one("#title_fi")
    assert soup.select_one("#starts_at")


def test_anonymous_people_are_asked_to_sign_in_to_propose(client):
    response = client.get("/fi/activities/new")
    assert response.status_code == 302
    assert "/fi/account/login" in response.headers["Location"]


def test_a_resident_proposes_and_it_waits_for_moderation(app, client, login_as):
    from participate.activities.models import Activity
    from participate.extensions import db
    from participate.workflow.states import Status

    user = login_as(language="en")
    response = client.post("/en/activities/new", data=activity_form(district=district_id(app)))
    assert response.status_code == 302, response.get_data(as_text=True)
    activity_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        assert activity.status == Status.SUBMITTED
        assert activity.author_id == user.id
        # Entered in Helsinki time, stored in UTC: 18:00 in Helsinki is 16:00 or 15:00 UTC.
        assert activity.starts_at.hour in (15, 16)
        assert activity.languages == ["fi", "en"]
    # The author sees it; the public does not, and it is not in the list.
    assert client.get(f"/en/activities/{activity_id}").status_code == 200
    assert client.get(f"/en/activities/{activity_id}/edit").status_code == 200
    anonymous = app.test_client()
    assert anonymous.get(f"/en/activities/{activity_id}").status_code == 404
    assert anonymous.get(f"/en/activities/{activity_id}.ics").status_code == 404
    assert f"/en/activities/{activity_id}" not in anonymous.get("/en/activities/").get_data(
        as_text=True
    )
    mine = pages.get(client, "/en/activities/mine")
    assert f"/en/activities/{activity_id}" in str(mine)


def test_a_moderator_publishes_at_once(app, client, login_as):
    login_as(Role.MODERATOR)
    response = client.post("/fi/activities/new", data=activity_form(district=district_id(app)))
    assert response.status_code == 302
    public = app.test_client().get(response.headers["Location"])
    assert public.status_code == 200


PROPOSAL_ERRORS = [
    (
        {"title_fi": "", "title_en": "", "description_fi": ""},
        "title_fi",
        "Write the title in at least one language.",
    ),
    ({"district": None}, "district", "Fill in this field."),
    ({"place": "  "}, "place", "Fill in this field."),
    ({"starts_at": "huomenna"}, "starts_at", "Enter the date and time, e.g. 6.12.2026 18.00."),
    ({"ends_at": "2020-01-01T10:00"}, "ends_at", "The end must be after the start."),
    ({"capacity": "0"}, "capacity", "Enter at least 1."),
    ({"max_group_size": "99"}, "max_group_size", "Enter a number from 1 to %(max)s."),
    ({"lat": "10.0"}, "lat", "Give a point inside the city."),
    ({"lon": ""}, "lat", "Give both latitude and longitude, or neither."),
    ({"languages": ["xx"]}, "languages", "Choose one of the options in the list."),
]


@pytest.mark.parametrize(
    ("data", "field", "msgid"),
    PROPOSAL_ERRORS,
    ids=[
        "no title",
        "no district",
        "blank place",
        "bad start",
        "end before start",
        "no places",
        "group too big",
        "point outside",
        "half a point",
        "bad language",
    ],
)
def test_bad_proposal_is_explained_and_changes_nothing(
    app, client, login_as, translated, data, field, msgid
):
    from participate.activities.models import Activity
    from participate.extensions import db

    login_as()
    form = activity_form(district=district_id(app))
    form.update(data)
    response = client.post(
        "/sv/activities/new", data={k: v for k, v in form.items() if v is not None}
    )
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "sv", csrf=False)
    assert soup.select_one("#error-summary")
    assert soup.select_one(f"#{field}-error"), f"no error shown at {field}"
    if msgid:
        assert translated("sv", msgid, max=20) in pages.text(soup)
    assert soup.select_one("#organiser_name")["value"] == "Leppävaaran asukkaat"
    with app.app_context():
        assert db.session.query(Activity).count() == 0


def test_propose_keeps_csrf_protection(app, client, login_as, csrf_enabled):
    login_as()
    response = client.post("/fi/activities/new", data=activity_form(district=district_id(app)))
    assert response.status_code == 400


def test_residents_cannot_edit_others_or_published_activities(app, client, login_as):
    author = login_as()
    published = make(app, author=author)
    someone_elses = make(app, status="submitted")
    assert client.get(f"/fi/activities/{published.id}/edit").status_code == 403
    assert client.get(f"/fi/activities/{someone_elses.id}/edit").status_code == 403
    response = client.post(
        f"/fi/activities/{someone_elses.id}/edit", data=activity_form(district=district_id(app))
    )
    assert response.status_code == 403


def test_a_moderator_edits_any_activity(app, client, login_as):
    activity = make(app)
    login_as(Role.MODERATOR)
    soup = pages.get(client, f"/fi/activities/{activity.id}/edit")
    assert soup.select_one("#title_fi")["value"] == "Siivoustalkoot Tapiolan puistossa"
    response = client.post(
        f"/fi/activities/{activity.id}/edit",
        data=activity_form(district=district_id(app), title_fi="Uusi nimi"),
    )
    assert response.status_code == 302
    detail = pages.get(client, f"/fi/activities/{activity.id}")
    assert detail.h1.get_text(strip=True) == "Uusi nimi"


# -- the organiser's view -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("other resident", 403),
        ("organiser", 200),
        ("moderator", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize("path", ["participants", "participants.csv"])
def test_only_the_organiser_and_moderators_see_participants(
    app, client, login_as, who, status, path
):
    organiser = factories_user(app)
    activity = make(app, author=organiser)
    if who == "other resident":
        login_as()
    elif who == "organiser":
        with client.session_transaction() as session:
            session["_user_id"] = str(organiser.id)
    elif who in ("moderator", "admin"):
        login_as(Role(who if who == "admin" else "moderator"))
    response = client.get(f"/fi/activities/{activity.id}/{path}")
    assert response.status_code == status


def factories_user(app, **kwargs):
    with app.app_context():
        return factories.create_user(**kwargs)


@pytest.mark.parametrize("action", ["message", "cancel"])
def test_other_residents_cannot_message_or_cancel(app, client, login_as, outbox, action):
    activity = make(app, author=factories_user(app))
    with app.app_context():
        factories.create_signup(activity)
    login_as()
    response = client.post(
        f"/fi/activities/{activity.id}/{action}",
        data={"message-subject": "x", "message-body": "y", "cancel-note": "z"},
    )
    assert response.status_code == 403
    assert outbox() == []


@pytest.mark.parametrize("lang", LANGS)
def test_participants_page_in_every_language(app, client, login_as, lang):
    activity = make(app, capacity=1)
    with app.app_context():
        factories.create_signup(activity, name="Åsa Öhman", accessibility_needs="Pyörätuoli")
        factories.create_signup(activity, status="waiting", name="Ärje Ääri")
    login_as(Role.MODERATOR)
    soup = pages.get(client, f"/{lang}/activities/{activity.id}/participants")
    text = pages.text(soup)
    assert "Åsa Öhman" in text
    assert "Ärje Ääri" in text
    assert "Pyörätuoli" in text
    response = client.get(f"/{lang}/activities/{activity.id}/participants")
    assert response.headers["Cache-Control"] == "no-store"


def test_csv_opens_in_finnish_excel(app, client, login_as):
    activity = make(app, capacity=1)
    with app.app_context():
        factories.create_signup(activity, name="Åsa Öhman", phone="+358 40 123 4567")
        factories.create_signup(activity, status="waiting", name='=HYPERLINK("x")')
    login_as(Role.MODERATOR)
    response = client.get(f"/fi/activities/{activity.id}/participants.csv")
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads ä, ö and å"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    assert rows[1][2] == "Åsa Öhman"
    assert rows[1][4] == "+358 40 123 4567", "a phone number stays as typed"
    assert rows[2][1] == "1"
    assert rows[2][2].startswith("'="), "a formula is defused"
    assert "attachment" in response.headers["Content-Disposition"]


def test_organiser_messages_participants(app, client, login_as, outbox):
    organiser = login_as()
    activity = make(app, author=organiser, capacity=1)
    with app.app_context():
        factories.create_signup(activity, email="in@example.fi", language="sv")
        factories.create_signup(activity, email="waiting@example.fi", status="waiting")
    response = client.post(
        f"/fi/activities/{activity.id}/message",
        data={
            "message-subject": "Muutos",
            "message-body": "Olemme huoneessa B.",
            "message-include_waiting": "y",
        },
    )
    assert response.status_code == 302
    assert {m.to_address for m in outbox()} == {"in@example.fi", "waiting@example.fi"}
    swedish = outbox(to="in@example.fi")[0]
    assert swedish.language == "sv"
    assert "Olemme huoneessa B." in swedish.body_text
    empty = client.post(
        f"/fi/activities/{activity.id}/message",
        data={"message-subject": "", "message-body": ""},
    )
    assert empty.status_code == 400
    assert len(outbox()) == 2


def test_organiser_cancels_the_activity(app, client, login_as, outbox):
    organiser = login_as()
    activity = make(app, author=organiser, capacity=1)
    with app.app_context():
        factories.create_signup(activity, email="in@example.fi", language="en")
        factories.create_signup(activity, email="waiting@example.fi", status="waiting")
    bad = client.post(f"/fi/activities/{activity.id}/cancel", data={"cancel-note": " "})
    assert bad.status_code == 400
    assert outbox() == []
    response = client.post(
        f"/fi/activities/{activity.id}/cancel", data={"cancel-note": "Sairastuimme."}
    )
    assert response.status_code == 302
    assert {(m.to_address, m.language) for m in outbox()} == {
        ("in@example.fi", "en"),
        ("waiting@example.fi", "fi"),
    }
    detail = pages.get(client, f"/fi/activities/{activity.id}")
    assert "Sairastuimme." in pages.text(detail)
    assert not detail.select_one("#signup-form")


# -- no N+1 -------------------------------------------------------------------------------
def test_list_costs_the_same_queries_for_3_and_20_activities(app, client, count_queries):
    def create(n):
        with app.app_context():
            for i in range(n):
                activity = factories.create_activity(
                    district=("suur-tapiola", "suur-leppavaara", "vanha-espoo")[i % 3],
                    starts_in=timedelta(days=1 + i),
                )
                factories.create_signup(activity)

    create(3)
    client.get("/fi/activities/")  # warm the map cache and the districts
    with count_queries() as small:
        assert client.get("/fi/activities/").status_code == 200
    create(17)
    client.get("/fi/activities/")
    with count_queries() as large:
        assert client.get("/fi/activities/").status_code == 200
    assert len(small) == len(large), (small, large)


def test_archive_list_is_bounded_and_says_so(app, client, monkeypatch):
    """Past paging.MAX_LISTED_ROWS the archive stops counting and points to the filters."""
    monkeypatch.setattr("participate.paging.MAX_LISTED_ROWS", 3)
    with app.app_context():
        for days in range(4):
            factories.create_activity(starts_in=timedelta(days=-10 - days))
    soup = pages.get(client, "/en/activities/archive")
    assert soup.select_one("#results-title").get_text(strip=True) == "More than 3 activities"
    assert "choose a district" in soup.select_one("#results-capped").get_text()
    assert len(soup.select(".activity-list > li")) == 3
    soup = pages.get(client, "/en/activities/archive?district=suur-leppavaara")
    assert soup.select_one("#results-capped") is None


def test_one_length_limit_per_field_for_residents_and_moderators(app, client, login_as):
    """A 30,000-character description is refused for the resident as it would be on the
    desk; the longest accepted one can still be corrected by the moderator."""
    from participate.activities import services
    from participate.activities.models import TEXT_LIMITS, Activity
    from participate.extensions import db

    limit = TEXT_LIMITS["description_fi"]
    login_as(language="fi")
    too_long = activity_form(district=district_id(app), description_fi="a" * 30_000)
    response = client.post("/fi/activities/new", data=too_long)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "fi", csrf=False)
    assert soup.select_one("#description_fi")["maxlength"] == str(limit)
    assert soup.select_one("#description_fi-error")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0

    longest = activity_form(district=district_id(app), description_fi="a" * limit)
    response = client.post("/fi/activities/new", data=longest)
    assert response.status_code == 302
    activity_id = int(response.headers["Location"].rsplit("/", 1)[1])

    login_as("moderator")
    data = {f"description_{lang}": "" for lang in ("sv", "en")}
    data.update(
        title_fi="Naapuruston kävelykierros",
        title_en="Neighbourhood walk",
        description_fi="b" * limit,
        place="Leppävaaran asema",
        reason="Korjaus.",
    )
    response = client.post(f"/fi/moderation/activity/{activity_id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        assert db.session.get(Activity, activity_id).description_fi == "b" * limit
        # The services hold the same line whichever door the text comes through.
        assert services.MODERATOR_EDITABLE["description_fi"] == limit
        with pytest.raises(services.InvalidActivity):
            services.check_lengths({"description_fi": "c" * (limit + 1)})


def test_place_in_the_page_language_or_finnish_marked_as_such(app, client):
    with app.app_context():
        activity = factories.create_activity(
            place="Tapiolan kirjasto", place_sv="Hagalunds bibliotek"
        )
    sv = pages.get(client, f"/sv/activities/{activity.id}")
    shown = sv.find(string="Hagalunds bibliotek")
    assert shown is not None
    assert shown.parent["lang"] == "sv"
    en = pages.get(client, f"/en/activities/{activity.id}")
    fallback = en.find(string="Tapiolan kirjasto")
    assert fallback is not None
    assert fallback.parent["lang"] == "fi"
    assert "Finnish" in fallback.parent.find_next_sibling("span", class_="tag").get_text()
