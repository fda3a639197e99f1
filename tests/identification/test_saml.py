"""The SAML round trip against a local pysaml2 identity provider, through HTTP."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from saml2 import BINDING_HTTP_REDIRECT
from saml2.saml import name_id_from_string

from participate.accounts.models import Identity, User
from participate.extensions import db
from participate.initiatives.models import Initiative
from tests import factories
from tests.identification.idp import IDP_SLO, LocalIdP


def _client(saml_app, **user):
    with saml_app.app_context():
        account = factories.create_user(**user)
    client = saml_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(account.id)
        session["_fresh"] = True
    return client, account


def _start(client, lang="fi", next_path="/fi/initiatives/"):
    page = client.get(f"/{lang}/account/identify?next={next_path}")
    assert page.status_code == 200
    response = client.post(f"/{lang}/account/identify", data={"next": next_path, "show_name": "y"})
    assert response.status_code == 303
    return response.headers["Location"]


def _path(url: str) -> str:
    """The test client keeps cookies for localhost; BASE_URL here is participate.test."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _identify(client, idp: LocalIdP, *, lang="fi", next_path="/fi/initiatives/", **person):
    request = idp.receive(_start(client, lang, next_path))
    answer = idp.answer(request, **person)
    acs = client.post("/saml/acs", data={"SAMLResponse": answer, "RelayState": request.relay_state})
    return request, answer, acs


def test_metadata_describes_the_service_provider(saml_app, sp_metadata):
    xml = saml_app.test_client().get("/saml/metadata").get_data(as_text=True)
    assert "http://participate.test/saml/acs" in xml
    assert "http://participate.test/saml/sls" in xml
    assert 'AuthnRequestsSigned="true"' in xml
    assert 'WantAssertionsSigned="true"' in xml


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_identify_and_come_back_to_the_page_it_started_from(saml_app, idp, lang):
    client, account = _client(saml_app)
    number = factories.hetu()
    request, _answer, acs = _identify(
        client, idp, lang=lang, next_path=f"/{lang}/initiatives/", national_id=number
    )
    # The identity provider's page is asked in the page's language (Suomi.fi's vetuma LG).
    assert request.language == lang
    assert acs.status_code == 303
    done = urlsplit(acs.headers["Location"])
    assert done.netloc == "participate.test"
    assert done.path == f"/{lang}/account/identify/done"
    back = client.get(f"{done.path}?{done.query}")
    assert back.status_code == 302
    assert back.headers["Location"] == f"/{lang}/initiatives/"
    with saml_app.app_context():
        identity = db.session.scalar(sa.select(Identity).where(Identity.user_id == account.id))
        assert identity.municipality_code == "049"
        assert identity.is_voting_age
        assert identity.level_of_assurance == "http://ftn.ficora.fi/2017/loa3"
        assert identity.verified_name == "Aino Virtanen"  # show_name was ticked
        assert db.session.get(User, account.id).display_name == "Aino Virtanen"


def test_identified_support_counts_and_second_account_of_the_same_person_is_refused(saml_app, idp):
    number = factories.hetu()
    with saml_app.app_context():
        initiative = factories.create_initiative()
    first, _ = _client(saml_app)
    second, _ = _client(saml_app)
    elsewhere, _ = _client(saml_app)
    for client, person in (
        (first, {"national_id": number}),
        (second, {"national_id": number}),
        (elsewhere, {"national_id": factories.hetu(), "municipality": "091"}),
    ):
        _request, _answer, acs = _identify(client, idp, **person)
        back = client.get(_path(acs.headers["Location"]))
        assert back.status_code == 302
        assert back.headers["Location"] == "/fi/initiatives/"
    url = f"/en/initiatives/{initiative.id}/support"
    assert first.post(url, data={"intent": "support"}).status_code == 302
    refused = second.post(url, data={"intent": "support"}, follow_redirects=True)
    assert "already supported this initiative with another account" in refused.get_data(
        as_text=True
    )
    assert elsewhere.post(url, data={"intent": "support"}).status_code == 302
    with saml_app.app_context():
        stored = db.session.get(Initiative, initiative.id)
        assert (stored.resident_support_count, stored.other_support_count) == (1, 1)
    record = saml_app.test_client().get(f"/api/v1/initiatives/{initiative.id}").get_json()
    assert record["supports"]["identified_residents"] == 1
    assert record["supports"]["other"] == 1


def test_replayed_assertion_is_refused(saml_app, idp):
    client, _ = _client(saml_app)
    _request, answer, acs = _identify(
        client, idp, lang="sv", next_path="/sv/", national_id=factories.hetu()
    )
    assert acs.status_code == 303
    replay = client.post("/saml/acs", data={"SAMLResponse": answer, "RelayState": "sv"})
    assert replay.status_code == 400
    assert "Identifieringen har redan använts" in replay.get_data(as_text=True)
    # Also after the identification was finished (the request row is gone).
    assert client.get(_path(acs.headers["Location"])).status_code == 302
    again = client.post("/saml/acs", data={"SAMLResponse": answer, "RelayState": "sv"})
    assert again.status_code == 400


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("fi", "Tunnistus epäonnistui"), ("sv", "Identifieringen misslyckades"), ("en", "failed")],
)
def test_tampered_assertion_is_refused_in_the_page_language(saml_app, idp, lang, heading):
    client, account = _client(saml_app)
    request = idp.receive(_start(client, lang, f"/{lang}/"))
    answer = idp.answer(request, national_id=factories.hetu(), municipality="091")
    xml = base64.b64decode(answer).decode("utf-8")
    assert ">091<" in xml
    tampered = base64.b64encode(xml.replace(">091<", ">049<").encode()).decode()
    refused = client.post("/saml/acs", data={"SAMLResponse": tampered, "RelayState": lang})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert heading in page
    assert f'lang="{lang}"' in page
    with saml_app.app_context():
        assert db.session.scalar(sa.select(Identity).where(Identity.user_id == account.id)) is None


def test_expired_assertion_is_refused(saml_app, saml_files, sp_metadata):
    expired_idp = LocalIdP(saml_files["idp_key"], saml_files["idp_cert"], sp_metadata, lifetime=-10)
    client, _account = _client(saml_app)
    request = expired_idp.receive(_start(client, "en", "/en/"))
    answer = expired_idp.answer(request, national_id=factories.hetu())
    refused = client.post("/saml/acs", data={"SAMLResponse": answer, "RelayState": "en"})
    assert refused.status_code == 400
    assert "Identification failed" in refused.get_data(as_text=True)


def test_identity_is_linked_only_to_the_account_that_started(saml_app, idp):
    """A prepared link cannot attach someone's identification to another account."""
    attacker, _ = _client(saml_app)
    victim, victim_account = _client(saml_app)
    _request, _answer, acs = _identify(attacker, idp, national_id=factories.hetu())
    hijack = victim.get(_path(acs.headers["Location"]))
    assert hijack.status_code == 400
    with saml_app.app_context():
        assert (
            db.session.scalar(sa.select(Identity).where(Identity.user_id == victim_account.id))
            is None
        )


def test_unsolicited_response_is_refused(saml_app, idp):
    client, _ = _client(saml_app)
    request = idp.receive(_start(client))
    request.id = "id-never-asked"
    answer = idp.answer(request, national_id=factories.hetu())
    assert client.post("/saml/acs", data={"SAMLResponse": answer}).status_code == 400


def test_identification_is_off_without_metadata(client, login_as):
    login_as("resident")
    assert client.get("/fi/account/identify").status_code == 404
    assert client.get("/saml/metadata").status_code == 404


def test_single_logout_signs_out_here_and_at_the_identity_provider(saml_app, idp):
    client, _ = _client(saml_app)
    _request, _answer, acs = _identify(client, idp, national_id=factories.hetu())
    client.get(_path(acs.headers["Location"]))
    out = client.post("/fi/account/identify/sign-out")
    assert out.status_code == 303
    location = out.headers["Location"]
    assert location.startswith(IDP_SLO)
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    logout = idp.server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
    assert logout.message.name_id is not None
    answer = idp.server.create_logout_response(logout.message, [BINDING_HTTP_REDIRECT])
    info = idp.server.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(answer),
        "http://participate.test/saml/sls",
        relay_state=query["RelayState"],
        response=True,
    )
    back = client.get(_path(dict(info["headers"])["Location"]))
    assert back.status_code == 302
    assert back.headers["Location"] == "/fi/"
    assert client.get("/fi/account/profile").status_code == 302  # signed out


def test_identity_provider_initiated_logout(saml_app, idp):
    client, _account = _client(saml_app)
    _request, _answer, acs = _identify(client, idp, national_id=factories.hetu())
    client.get(_path(acs.headers["Location"]))
    with client.session_transaction() as session:
        name_id = name_id_from_string(session["saml_name_id"])
    _id, request = idp.server.create_logout_request(
        "http://participate.test/saml/sls",
        "http://participate.test/saml/metadata",
        name_id=name_id,
    )
    info = idp.server.apply_binding(
        BINDING_HTTP_REDIRECT, str(request), "http://participate.test/saml/sls", relay_state="sv"
    )
    answer = client.get(_path(dict(info["headers"])["Location"]))
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith(IDP_SLO)
    assert client.get("/sv/account/profile").status_code == 302  # signed out here
