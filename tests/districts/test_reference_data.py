"""Districts and postal codes: loading, upserting, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from participate.districts import queries
from participate.districts.models import District, PostalCode
from participate.extensions import db


def test_seven_districts_with_three_names(app):
    with app.app_context():
        districts = queries.list_districts()
        assert [d.slug for d in districts] == [
            "suur-leppavaara",
            "suur-tapiola",
            "suur-matinkyla",
            "suur-espoonlahti",
            "suur-kauklahti",
            "vanha-espoo",
            "pohjois-espoo",
        ]
        tapiola = districts[1]
        assert (tapiola.name("fi"), tapiola.name("sv"), tapiola.name("en")) == (
            "Suur-Tapiola",
            "Stor-Hagalund",
            "Greater Tapiola",
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PostalCode)) == 46


def test_loading_again_changes_nothing(app, runner):
    result = runner.invoke(args=["districts", "load"])
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated" in result.output
    result = runner.invoke(args=["districts", "load-postal-codes"])
    assert "0 created, 0 updated" in result.output


def test_a_broken_file_is_refused_with_its_reason(app, runner, tmp_path: Path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"properties": {}}]}')
    result = runner.invoke(args=["districts", "load", str(bad)])
    assert result.exit_code != 0
    assert "feature 1" in result.output
    with app.app_context():
        assert len(queries.list_districts()) == 7


@pytest.mark.parametrize(
    ("lat", "lon", "slug"),
    [
        (60.1756, 24.8050, "suur-tapiola"),  # Tapiola centre
        (60.2190, 24.8130, "suur-leppavaara"),  # Leppävaara station
        (60.1600, 24.7380, "suur-matinkyla"),  # Iso Omena
        (60.2050, 24.6560, "vanha-espoo"),  # Espoon keskus
        (60.1699, 24.9384, None),  # Helsinki railway station
    ],
)
def test_point_in_polygon(app, lat, lon, slug):
    with app.app_context():
        found = queries.district_at(lat, lon)
        assert (found.slug if found else None) == slug


def test_postal_code_lookup(app):
    with app.app_context():
        found = queries.lookup_postal_code("02100")
        assert found.district.slug == "suur-tapiola"
        assert found.alternatives == []
        split = queries.lookup_postal_code(" 02750 ")
        assert split.district.slug == "vanha-espoo"
        assert {d.slug for d in split.alternatives} == {
            "suur-matinkyla",
            "suur-tapiola",
            "suur-leppavaara",
        }
        assert queries.lookup_postal_code("00100") is None
        with pytest.raises(ValueError, match="021OO"):
            queries.lookup_postal_code("021OO")


def test_district_model_refuses_nothing_silently(app):
    with app.app_context():
        assert (
            db.session.scalar(sa.select(District).where(District.code == 2)).slug == "suur-tapiola"
        )
