"""An app with strong identification switched on, and a local identity provider.

Shares the suite's database (the session `app` fixture migrates and cleans it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from participate import create_app
from participate.config import Settings
from participate.extensions import db
from tests.identification.idp import LocalIdP, idp_metadata, make_keypair


@pytest.fixture(scope="session")
def saml_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    directory: Path = tmp_path_factory.mktemp("saml")
    sp_key, sp_cert = make_keypair(directory, "sp")
    idp_key, idp_cert = make_keypair(directory, "idp")
    metadata = directory / "idp-metadata.xml"
    metadata.write_text(idp_metadata(idp_key, idp_cert), encoding="utf-8")
    return {
        "dir": str(directory),
        "sp_key": sp_key,
        "sp_cert": sp_cert,
        "idp_key": idp_key,
        "idp_cert": idp_cert,
        "idp_metadata": str(metadata),
    }


@pytest.fixture(scope="session")
def saml_app(app: Flask, settings: Settings, saml_files: dict[str, str]) -> Iterator[Flask]:
    identified = dataclasses.replace(
        settings,
        saml_idp_metadata=saml_files["idp_metadata"],
        saml_sp_key_file=saml_files["sp_key"],
        saml_sp_cert_file=saml_files["sp_cert"],
        identity_hash_key="test-identity-hash-key-0123456789abcdef",
    )
    saml_app = create_app(identified)
    saml_app.config["WTF_CSRF_ENABLED"] = False
    yield saml_app
    # Its own engine and pool: close them, as the suite's app does (psycopg warns otherwise).
    with saml_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def sp_metadata(saml_app: Flask, saml_files: dict[str, str]) -> str:
    response = saml_app.test_client().get("/saml/metadata")
    assert response.status_code == 200
    path = Path(saml_files["dir"]) / "sp-metadata.xml"
    path.write_bytes(response.data)
    return str(path)


@pytest.fixture(scope="session")
def idp(saml_files: dict[str, str], sp_metadata: str) -> LocalIdP:
    return LocalIdP(saml_files["idp_key"], saml_files["idp_cert"], sp_metadata)
