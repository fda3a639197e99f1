"""Admins add, change and remove councillors; nobody else reaches those pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participate.councillors.models import Councillor
from participate.extensions import db
from tests import factories, pages


@pytest.fixture
def parties(app):
    with app.app_context():
        return {code: factories.create_party(code) for code in ("KOK", "SDP")}


@pytest.fixture
def tapiola_id(app):
    with app.app_context():
        return factories.district("suur-tapiola").id


def admin_urls(councillor_id: int) -> list[tuple[str, str]]:
    return [
        ("get", "/fi/councillors/admin/"),
        ("get", "/fi/councillors/admin/new"),
        ("post", "/fi/councillors/admin/new"),
        ("get", f"/fi/councillors/admin/{councillor_id}/edit"),
        ("post", f"/fi/councillors/admin/{councillor_id}/edit"),
        ("get", f"/fi/councillors/admin/{councillor_id}/remove"),
        ("post", f"/fi/councillors/admin/{councillor_id}/remove"),
    ]


def all_councillors(app) -> list[Councillor]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Councillor).order_by(Councillor.id)))
        db.session.expunge_all()
        return rows


def test_anonymous_people_are_sent_to_sign_in(app, client):
    with app.app_context():
        councillor = factories.create_councillor()
    for method, url in admin_urls(councillor.id):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"]
    assert len(all_councillors(app)) == 1


@pytest.mark.parametrize("role", ["resident", "moderator"])
def test_only_admins_reach_the_admin_pages(app, client, login_as, role):
    with app.app_context():
        councillor = factories.create_councillor()
    login_as(role)
    for method, url in admin_urls(councillor.id):
        assert getattr(client, method)(url).status_code == 403, url
    assert len(all_councillors(app)) == 1


def test_every_admin_route_carries_the_role_check(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("councillors.admin"):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_role", None) == "admin", rule


def valid_form(parties, district_id, **changes):
    form = {
        "first_name": "Liisa",
        "last_name": "Järvinen",
        "party": str(parties["KOK"].id),
        "district": str(district_id),
        "role": "member",
        "term": "2025-2029",
        "email": "Liisa.Jarvinen@espoo.example",
        "phone": "+358 40 123 4567",
        "photo_url": "",
        "languages": ["fi", "sv"],
        "committees_fi": "Ympäristölautakunta",
        "committees_sv": "Miljönämnden",
        "committees_en": "",
    }
    form.update(changes)
    return form


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_admin_pages_render(app, client, login_as, parties, lang):
    with app.app_context():
        councillor = factories.create_councillor(first_name="Aino")
    login_as("admin")
    soup = pages.get(client, f"/{lang}/councillors/admin/")
    assert "Aino" in pages.text(soup)
    pages.get(client, f"/{lang}/councillors/admin/new")
    edit = pages.get(client, f"/{lang}/councillors/admin/{councillor.id}/edit")
    assert edit.select_one("#first_name")["value"] == "Aino"
    assert edit.select_one('input[name="languages"][value="sv"]').has_attr("checked")
    pages.get(client, f"/{lang}/councillors/admin/{councillor.id}/remove")


def test_admin_adds_a_councillor(app, client, login_as, parties, tapiola_id):
    login_as("admin")
    response = client.post("/en/councillors/admin/new", data=valid_form(parties, tapiola_id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/councillors/admin/"
    [added] = all_councillors(app)
    assert added.email == "liisa.jarvinen@espoo.example"
    assert added.languages == "fi;sv"
    assert added.committees_fi == "Ympäristölautakunta"
    assert "Liisa Järvinen" in pages.text(pages.get(client, "/en/councillors/suur-tapiola"))


BAD_INPUT = [
    ({"first_name": ""}, "first_name"),
    ({"first_name": "   "}, "first_name"),
    ({"last_name": "x" * 81}, "last_name"),
    ({"party": ""}, "party"),
    ({"party": "999999"}, "party"),
    ({"district": ""}, "district"),
    ({"role": "mayor"}, "role"),
    ({"term": "2025"}, "term"),
    ({"term": "2029-2025"}, "term"),
    ({"email": "not-an-address"}, "email"),
    ({"email": ""}, "email"),
    ({"phone": "call me"}, "phone"),
    ({"photo_url": "javascript:alert(1)"}, "photo_url"),
    ({"photo_url": "http://example.com/a.jpg"}, "photo_url"),
    ({"languages": []}, "languages"),
    ({"languages": ["fi", "klingon"]}, "languages"),
    ({"committees_en": "x" * 2001}, "committees_en"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_INPUT)
def test_bad_input_re_renders_with_messages_and_keeps_input(
    app, client, login_as, parties, tapiola_id, changes, field
):
    login_as("admin")
    response = client.post(
        "/en/councillors/admin/new", data=valid_form(parties, tapiola_id, **changes)
    )
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    anchor = f"{field}-0" if field == "role" else field  # radios link to their first option
    assert soup.select_one(f'#error-summary a[href="#{anchor}"]'), field
    assert soup.select_one(f"#{field}-error")
    if field != "first_name":
        assert soup.select_one("#first_name")["value"] == "Liisa"
    assert all_councillors(app) == []


def test_bad_input_message_is_in_the_page_language(app, client, login_as, parties, tapiola_id):
    login_as("admin")
    response = client.post(
        "/en/councillors/admin/new", data=valid_form(parties, tapiola_id, term="soon")
    )
    assert "for example 2025-2029" in response.get_data(as_text=True)


def test_e_mail_address_taken(app, client, login_as, parties, tapiola_id):
    with app.app_context():
        factories.create_councillor(email="liisa.jarvinen@espoo.example")
    login_as("admin")
    response = client.post("/en/councillors/admin/new", data=valid_form(parties, tapiola_id))
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    assert soup.select_one("#email-error")
    assert len(all_councillors(app)) == 1


def test_admin_edits_a_councillor(app, client, login_as, parties, tapiola_id):
    with app.app_context():
        councillor = factories.create_councillor(first_name="Aino", district="vanha-espoo")
    admin = login_as("admin")
    form = valid_form(parties, tapiola_id, email=councillor.email, first_name="Aina")
    response = client.post(f"/en/councillors/admin/{councillor.id}/edit", data=form)
    assert response.status_code == 302
    [edited] = all_councillors(app)
    assert edited.first_name == "Aina"
    assert edited.district_id == tapiola_id
    # The audit log keeps who changed what, before and after (through the change signal).
    from participate.moderation.audit import AuditEntry

    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "councillor.update")
        )
        assert entry.actor_id == admin.id
        assert entry.object_id == councillor.id
        assert entry.before_data()["first_name"] == "Aino"
        assert entry.after_data()["first_name"] == "Aina"
        assert entry.before_data()["district_id"] != tapiola_id


def test_edit_cannot_take_another_councillors_address(app, client, login_as, parties, tapiola_id):
    with app.app_context():
        factories.create_councillor(email="first@espoo.example")
        second = factories.create_councillor(email="second@espoo.example")
    login_as("admin")
    form = valid_form(parties, tapiola_id, email="first@espoo.example")
    response = client.post(f"/en/councillors/admin/{second.id}/edit", data=form)
    assert response.status_code == 400
    assert {c.email for c in all_councillors(app)} == {
        "first@espoo.example",
        "second@espoo.example",
    }


def test_admin_removes_a_councillor(app, client, login_as):
    with app.app_context():
        councillor = factories.create_councillor()
    login_as("admin")
    response = client.post(f"/en/councillors/admin/{councillor.id}/remove")
    assert response.status_code == 302
    assert all_councillors(app) == []
    assert client.get(f"/en/councillors/admin/{councillor.id}/edit").status_code == 404


def test_forms_need_the_csrf_token(app, client, login_as, parties, tapiola_id, csrf_enabled):
    with app.app_context():
        councillor = factories.create_councillor()
    login_as("admin")
    assert (
        client.post("/en/councillors/admin/new", data=valid_form(parties, tapiola_id)).status_code
        == 400
    )
    assert client.post(f"/en/councillors/admin/{councillor.id}/remove").status_code == 400
    assert len(all_councillors(app)) == 1
    soup = pages.get(client, f"/en/councillors/admin/{councillor.id}/remove")
    token = soup.select_one('input[name="csrf_token"]')["value"]
    response = client.post(
        f"/en/councillors/admin/{councillor.id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert all_councillors(app) == []
