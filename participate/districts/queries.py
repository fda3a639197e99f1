"""Reads: districts, postal codes and the point-in-polygon lookup."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep
from sqlalchemy.orm import undefer

from participate.districts.models import District, PostalCode
from participate.extensions import db

POSTAL_CODE_RE = re.compile(r"[0-9]{5}")  # ASCII digits only (\d would take "٠٢١٠٠")


def list_districts() -> list[District]:
    return list(db.session.scalars(sa.select(District).order_by(District.code)))


def get_postal_code(code: str) -> PostalCode | None:
    return db.session.get(PostalCode, code)


@dataclass(frozen=True)
class PostalLookup:
    """What a postal code tells: its district and, for split codes, the alternatives."""

    postal_code: PostalCode
    district: District
    alternatives: list[District]


def normalise_postal_code(code: str) -> str | None:
    """ "02100", " 02100 ", "02 100" -> "02100"; None unless five ASCII digits remain.

    The one reading of a postal code: the councillors page and the API accept and refuse
    exactly the same input.
    """
    code = code.strip().replace(" ", "")
    return code if POSTAL_CODE_RE.fullmatch(code) else None


def lookup_postal_code(code: str) -> PostalLookup | None:
    """None when the code is not an Espoo postal code. Raises ValueError when malformed."""
    normalised = normalise_postal_code(code)
    if normalised is None:
        raise ValueError(code)
    code = normalised
    postal = get_postal_code(code)
    if postal is None:
        return None
    slugs = [s for s in postal.other_district_slugs.split(";") if s]
    alternatives = []
    if slugs:
        alternatives = list(
            db.session.scalars(
                sa.select(District).where(District.slug.in_(slugs)).order_by(District.code)
            )
        )
    return PostalLookup(postal, postal.district, alternatives)


@lru_cache(maxsize=32)
def _prepared(geometry_json: str) -> tuple[BaseGeometry, PreparedGeometry]:
    geometry = shape(json.loads(geometry_json))
    return geometry, prep(geometry)


def district_at(lat: float, lon: float) -> District | None:
    """The major district containing the point, or None outside the city."""
    point = Point(lon, lat)
    with_shapes = sa.select(District).options(undefer(District.geometry)).order_by(District.code)
    for district in db.session.scalars(with_shapes):
        _shape, prepared = _prepared(district.geometry)
        if prepared.covers(point):
            return district
    return None
