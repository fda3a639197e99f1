"""The suite's own database plumbing: each pytest-xdist worker works in a database of its own."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask import Flask

from participate.extensions import db
from tests.scratch_db import worker_database_url


def test_worker_database_is_the_base_name_with_the_worker_id() -> None:
    base = "postgresql+psycopg://postgres:secret@127.0.0.1:5432/test?connect_timeout=5"
    assert worker_database_url(base, "gw12") == (
        "postgresql+psycopg://postgres:secret@127.0.0.1:5432/test_gw12?connect_timeout=5"
    )


@pytest.mark.parametrize("worker", ["", "gw", "master", "gw-1", "gw1x", 'gw1"; DROP DATABASE x'])
def test_only_an_xdist_worker_id_names_a_database(worker: str) -> None:
    with pytest.raises(ValueError, match="not a pytest-xdist worker id"):
        worker_database_url("postgresql+psycopg://postgres@127.0.0.1/test", worker)


def test_this_session_uses_its_workers_own_database(
    app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    with app.app_context():
        url = db.engine.url
        assert db.session.scalar(sa.select(sa.literal(1))) == 1
    if url.get_backend_name() == "sqlite":
        # pytest gives each worker its own base temporary directory.
        assert str(tmp_path_factory.getbasetemp()) in str(url.database)
    elif worker:
        assert url.database is not None
        assert url.database.endswith(f"_{worker}")
        assert os.environ["TEST_DATABASE_URL"].endswith(f"/{url.database}")
