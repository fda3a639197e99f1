"""Reads: parties, councillors by district and party, district summaries, the cache token."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, raiseload, undefer

from participate.collation import collate
from participate.councillors.models import CacheVersion, Councillor, CouncillorRole, Party
from participate.districts.models import District, PostalCode
from participate.extensions import db

MAP_CACHE_NAME = "councillors-map"
_NAMES = (District.name_fi, District.name_sv, District.name_en)


# Members before deputies, then by last and first name in the page language's order
# (participate.collation: Å, Ä, Ö after Z), the id breaking ties.
def _councillor_order() -> tuple[sa.ColumnElement[Any], ...]:
    return (
        sa.case((Councillor.role == CouncillorRole.MEMBER, 0), else_=1),
        collate(Councillor.last_name),
        collate(Councillor.first_name),
        Councillor.id,
    )


def list_parties() -> list[Party]:
    return list(db.session.scalars(sa.select(Party).order_by(Party.position, Party.code)))


def get_party_by_code(code: str) -> Party | None:
    return db.session.scalar(sa.select(Party).where(Party.code == code.strip().upper()))


def get_councillor(councillor_id: int) -> Councillor | None:
    return db.session.scalar(
        sa.select(Councillor)
        .options(joinedload(Councillor.party), joinedload(Councillor.district))
        .where(Councillor.id == councillor_id)
    )


def list_councillors(
    *, district_id: int | None = None, party_id: int | None = None
) -> list[Councillor]:
    """Councillors with their party and district loaded (one query): members first, then by
    last and first name in the page language's order (Å, Ä, Ö after Z)."""
    query = sa.select(Councillor).options(
        joinedload(Councillor.party),
        joinedload(Councillor.district).options(
            load_only(District.id, District.slug, District.code, *_NAMES)
        ),
    )
    if district_id is not None:
        query = query.where(Councillor.district_id == district_id)
    if party_id is not None:
        query = query.where(Councillor.party_id == party_id)
    return list(db.session.scalars(query.order_by(*_councillor_order())))


def list_district_summaries() -> list[District]:
    """The districts without their (large) geometry: for lists, menus and forms."""
    return list(
        db.session.scalars(
            sa.select(District)
            .options(load_only(District.id, District.slug, District.code, *_NAMES))
            .order_by(District.code)
        )
    )


def list_districts_with_geometry() -> list[District]:
    return list(
        db.session.scalars(
            sa.select(District).options(undefer(District.geometry)).order_by(District.code)
        )
    )


def get_district_summary(slug: str) -> District | None:
    return db.session.scalar(
        sa.select(District)
        .options(load_only(District.id, District.slug, District.code, *_NAMES))
        .where(District.slug == slug)
    )


@dataclass(frozen=True)
class DistrictCouncillors:
    district: District
    councillors: list[Councillor]


def group_by_district(
    districts: Iterable[District], councillors: Iterable[Councillor]
) -> list[DistrictCouncillors]:
    by_district: dict[int, list[Councillor]] = {}
    for councillor in councillors:
        by_district.setdefault(councillor.district_id, []).append(councillor)
    return [DistrictCouncillors(d, by_district.get(d.id, [])) for d in districts]


def cache_token(name: str = MAP_CACHE_NAME) -> str:
    """The current version of the data behind a cached rendering ("0" before any change)."""
    token = db.session.scalar(sa.select(CacheVersion.token).where(CacheVersion.name == name))
    return token or "0"


def list_postal_codes(district_id: int) -> list[PostalCode]:
    """The postal codes mostly inside the district (split codes also name others)."""
    return list(
        db.session.scalars(
            sa.select(PostalCode)
            .options(raiseload(PostalCode.district))
            .where(PostalCode.district_id == district_id)
            .order_by(PostalCode.code)
        )
    )


def parse_point(lat: str, lon: str) -> tuple[float, float] | None:
    """(lat, lon) from query strings, or None when either is not a usable coordinate."""
    try:
        point = float(lat), float(lon)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in point):
        return None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        return None
    return point
