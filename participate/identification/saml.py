"""The SAML 2.0 service provider: pysaml2 configured from Settings.

The identity provider is described by its metadata (SAML_IDP_METADATA: a file path or an
https:// URL); this service signs its requests with SAML_SP_KEY_FILE / SAML_SP_CERT_FILE
(PEM), which also decrypt encrypted assertions (Suomi.fi encrypts them). Attribute names
default to the Suomi.fi e-Identification attribute profile (docs/identification.md).
pysaml2 verifies signatures with Debian's `xmlsec1`.

pysaml2 (with xmlschema, cryptography and requests: about 32 MB) is imported inside the
functions that use it, here and in views.py and services.py: only a worker that serves the
identification routes pays for it, not every web worker (tests/test_worker_memory.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app

from participate.config import Settings
from participate.urls import external_url

if TYPE_CHECKING:
    from saml2.client import Saml2Client
    from saml2.samlp import Extensions

EXTENSION_KEY = "participate.saml_client"
# Suomi.fi: the language of the identification pages, in the AuthnRequest's Extensions.
VETUMA_NS = "urn:vetuma:SAML:2.0:extensions"
# How long an assertion may be older than our clock says (seconds): servers drift.
ACCEPTED_TIME_DIFF = 60


def sp_config_dict(settings: Settings) -> dict[str, Any]:
    """pysaml2's SP configuration; URLs from BASE_URL (never from the request)."""
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

    entity_id = settings.saml_sp_entity_id or external_url("identification.metadata")
    metadata_source = settings.saml_idp_metadata
    metadata = (
        {"remote": [{"url": metadata_source}]}
        if metadata_source.startswith(("https://", "http://"))
        else {"local": [metadata_source]}
    )
    keypair = {"key_file": settings.saml_sp_key_file, "cert_file": settings.saml_sp_cert_file}
    return {
        "entityid": entity_id,
        "xmlsec_binary": settings.saml_xmlsec_binary,
        "metadata": metadata,
        **keypair,
        "encryption_keypairs": [keypair],
        "accepted_time_diff": ACCEPTED_TIME_DIFF,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Participate",
                "endpoints": {
                    "assertion_consumer_service": [
                        (external_url("identification.acs"), BINDING_HTTP_POST)
                    ],
                    "single_logout_service": [
                        (external_url("identification.sls"), BINDING_HTTP_REDIRECT)
                    ],
                },
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "name_id_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
            }
        },
    }


def client() -> Saml2Client:
    """One client per app (parsing the identity provider's metadata is slow)."""
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

    cached: Saml2Client | None = current_app.extensions.get(EXTENSION_KEY)
    if cached is None:
        config = SPConfig()
        config.load(sp_config_dict(current_app.config["SETTINGS"]))
        cached = Saml2Client(config=config)
        current_app.extensions[EXTENSION_KEY] = cached
    return cached


def metadata_xml() -> str:
    from saml2.metadata import create_metadata_string

    metadata: bytes = create_metadata_string(None, client().config, valid=24 * 7, sign=False)
    return metadata.decode("utf-8")


def language_extension(lang: str) -> Extensions:
    """<vetuma xmlns="urn:vetuma:SAML:2.0:extensions"><LG>sv</LG></vetuma>."""
    from saml2 import ExtensionElement
    from saml2.samlp import Extensions

    lg = ExtensionElement("LG", namespace=VETUMA_NS, text=lang)
    vetuma = ExtensionElement("vetuma", namespace=VETUMA_NS, children=[lg])
    return Extensions(extension_elements=[vetuma])


def authn_request(lang: str, relay_state: str) -> tuple[str, str]:
    """A signed AuthnRequest by HTTP-Redirect; returns (request id, the IdP URL to go to)."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.saml import AuthnContextClassRef
    from saml2.samlp import RequestedAuthnContext

    settings: Settings = current_app.config["SETTINGS"]
    context = RequestedAuthnContext(
        authn_context_class_ref=[AuthnContextClassRef(text=settings.saml_authn_context)],
        comparison="minimum",
    )
    request_id, info = client().prepare_for_authenticate(
        relay_state=relay_state,
        binding=BINDING_HTTP_REDIRECT,
        extensions=language_extension(lang),
        requested_authn_context=context,
    )
    location = dict(info["headers"])["Location"]
    return str(request_id), str(location)
