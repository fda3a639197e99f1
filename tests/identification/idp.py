"""A real SAML 2.0 identity provider for the tests: pysaml2's own IdP (`saml2.server.Server`).

Its keys and the service provider's are made with openssl when the tests start; its
assertions are signed with xmlsec1 and carry the Suomi.fi attribute names. The tests play the
browser: they take the AuthnRequest from our redirect, let this IdP answer it, and POST the
answer to /saml/acs, as the identity provider's page would.
"""

from __future__ import annotations

import base64
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT

if TYPE_CHECKING:
    from saml2.config import IdPConfig

XMLSEC = "/usr/bin/xmlsec1"
IDP_BASE = "http://127.0.0.1:8999/idp"
IDP_ENTITY_ID = f"{IDP_BASE}/metadata"
IDP_SSO = f"{IDP_BASE}/sso"
IDP_SLO = f"{IDP_BASE}/slo"
LOA3 = "http://ftn.ficora.fi/2017/loa3"

# The Suomi.fi e-Identification attribute profile.
NATIONAL_ID = "urn:oid:1.2.246.21"
MUNICIPALITY = "urn:oid:1.2.246.517.2002.2.18"
GIVEN_NAME = "urn:oid:2.5.4.42"
SURNAME = "urn:oid:2.5.4.4"


def make_keypair(directory: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and self-signed certificate (PEM files) made by openssl."""
    key, cert = directory / f"{name}.key", directory / f"{name}.crt"
    subprocess.run(  # noqa: S603 (fixed arguments, local tool)
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(key), str(cert)


def idp_config(key: str, cert: str, sp_metadata: str | None, *, lifetime: int = 15) -> IdPConfig:
    # pysaml2's configuration loads XML schemas when imported, 0.6 s of CPU: only in the
    # worker that runs identification tests, not in every worker that collects them.
    from saml2.config import IdPConfig

    config = IdPConfig()
    config.load(
        {
            "entityid": IDP_ENTITY_ID,
            "xmlsec_binary": XMLSEC,
            "key_file": key,
            "cert_file": cert,
            "metadata": {"local": [sp_metadata]} if sp_metadata else {},
            "accepted_time_diff": 60,
            "service": {
                "idp": {
                    "name": "Test identity provider",
                    "endpoints": {
                        "single_sign_on_service": [(IDP_SSO, BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(IDP_SLO, BINDING_HTTP_REDIRECT)],
                    },
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": lifetime},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                }
            },
        }
    )
    return config


def idp_metadata(key: str, cert: str) -> str:
    from saml2.metadata import create_metadata_string

    return create_metadata_string(None, idp_config(key, cert, None), valid=24).decode("utf-8")


@dataclass
class AuthnRequest:
    id: str
    acs_url: str
    sp_entity_id: str
    relay_state: str
    language: str | None
    message: Any


class LocalIdP:
    """pysaml2's IdP, answering the requests our service provider sends it."""

    def __init__(self, key: str, cert: str, sp_metadata: str, *, lifetime: int = 15) -> None:
        from saml2.server import Server

        self.server = Server(config=idp_config(key, cert, sp_metadata, lifetime=lifetime))

    def receive(self, location: str) -> AuthnRequest:
        """Read (and check the signature of) the AuthnRequest in our redirect's URL."""
        assert location.startswith(IDP_SSO), location
        query = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
        parsed = self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        message = parsed.message
        # Suomi.fi's language extension: <vetuma><LG>sv</LG></vetuma>.
        found = re.search(r"<(?:\w+:)?LG>([a-z]{2})</", str(message.extensions or ""))
        return AuthnRequest(
            id=message.id,
            acs_url=message.assertion_consumer_service_url,
            sp_entity_id=message.issuer.text,
            relay_state=query.get("RelayState", ""),
            language=found.group(1) if found else None,
            message=message,
        )

    def answer(
        self,
        request: AuthnRequest,
        *,
        national_id: str,
        municipality: str = "049",
        given_name: str = "Aino",
        surname: str = "Virtanen",
    ) -> str:
        """A signed assertion with the Suomi.fi attributes, base64 as the POST form carries it."""
        identity = {
            NATIONAL_ID: [national_id],
            MUNICIPALITY: [municipality],
            GIVEN_NAME: [given_name],
            SURNAME: [surname],
        }
        response = self.server.create_authn_response(
            identity,
            in_response_to=request.id,
            destination=request.acs_url,
            sp_entity_id=request.sp_entity_id,
            name_id_policy=request.message.name_id_policy,
            userid=f"user-{national_id[-4:]}",
            authn={"class_ref": LOA3},
            sign_assertion=True,
            sign_response=False,
        )
        return base64.b64encode(str(response).encode("utf-8")).decode("ascii")


def post_binding_xml(saml_response: str) -> str:
    return base64.b64decode(saml_response).decode("utf-8")


__all__ = ["BINDING_HTTP_POST", "LocalIdP"]
