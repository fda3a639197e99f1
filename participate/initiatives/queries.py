"""Reads: public lists with filters and full-text search (its condition on each database is
`search.py`), one initiative, a person's own.

Every list loads what its page shows in a fixed number of queries (no N+1): the theme, the
district and the author come with the initiatives (`LIST_OPTIONS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, raiseload

from participate.districts.models import District
from participate.extensions import db
from participate.initiatives.lifecycle import PUBLIC
from participate.initiatives.models import (
    PUBLIC_STATUSES,
    SDG_GOALS,
    WHOLE_CITY,
    Initiative,
    Support,
    Theme,
)
from participate.initiatives.search import search_condition
from participate.paging import (
    BoundedPagination,
    Cursor,
    KeysetPage,
    bounded_paginate,
    keyset_page,
    listed_rows,
)
from participate.workflow.states import Status

PER_PAGE = 20
MAX_PER_PAGE = 100
SORTS = ("newest", "supported")
SEARCH_MAX = 200

LIST_OPTIONS = (
    joinedload(Initiative.theme),
    joinedload(Initiative.district),
    joinedload(Initiative.author),
    joinedload(Initiative.answer),  # one-to-one: a LEFT JOIN, no extra rows
)


@dataclass(frozen=True)
class Filters:
    district: str | None = None  # a district slug, or WHOLE_CITY
    theme: str | None = None  # a theme slug
    status: Status | None = None  # one of the public statuses
    sdg: int | None = None  # 1…17
    q: str = ""
    sort: str = "newest"
    errors: dict[str, str] = field(default_factory=dict, compare=False)

    def as_args(self) -> dict[str, Any]:
        """The non-default values, for links that keep the filters (pagination, feeds)."""
        args = {
            "district": self.district,
            "theme": self.theme,
            "status": self.status.value if self.status else None,
            "sdg": self.sdg,
            "q": self.q or None,
            "sort": self.sort if self.sort != "newest" else None,
        }
        return {key: value for key, value in args.items() if value is not None}

    @property
    def is_filtered(self) -> bool:
        return any((self.district, self.theme, self.status, self.sdg, self.q))


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Filters from query arguments. Unknown values are dropped and named in `errors`."""
    errors: dict[str, str] = {}
    district = (args.get("district") or "").strip() or None
    theme = (args.get("theme") or "").strip() or None
    status: Status | None = None
    raw_status = (args.get("status") or "").strip()
    if raw_status:
        try:
            status = Status(raw_status)
        except ValueError:
            status = None
        if status not in PUBLIC:
            errors["status"] = raw_status
            status = None
    sdg: int | None = None
    raw_sdg = (args.get("sdg") or "").strip()
    if raw_sdg:
        if raw_sdg.isdigit() and int(raw_sdg) in SDG_GOALS:
            sdg = int(raw_sdg)
        else:
            errors["sdg"] = raw_sdg
    sort = (args.get("sort") or "newest").strip()
    if sort not in SORTS:
        errors["sort"] = sort
        sort = "newest"
    q = " ".join((args.get("q") or "").split())[:SEARCH_MAX]
    if district and district != WHOLE_CITY and not _exists(District.slug, district):
        errors["district"] = district
        district = None
    if theme and not _exists(Theme.slug, theme):
        errors["theme"] = theme
        theme = None
    return Filters(district, theme, status, sdg, q, sort, errors)


def _exists(column: Any, value: str) -> bool:
    return db.session.scalar(sa.select(sa.literal(1)).where(column == value)) is not None


def public_statuses() -> sa.ColumnElement[bool]:
    """`initiatives.status IN ('published', 'answered', 'closed')`, with the values inline and
    in the order of the partial indexes' WHERE (models.PUBLIC_STATUS_SQL), so that SQLite, too,
    uses them (PostgreSQL would also prove it from bound values)."""
    return Initiative.status.in_(
        sa.bindparam(
            "public_statuses",
            [Status(value) for value in PUBLIC_STATUSES],
            expanding=True,
            literal_execute=True,
        )
    )


def public_where(filters: Filters) -> sa.Select[Initiative]:
    """Public initiatives matching the filters, in no particular order (no loader options)."""
    query = sa.select(Initiative).where(
        Initiative.status == filters.status if filters.status else public_statuses()
    )
    if filters.district == WHOLE_CITY:
        query = query.where(Initiative.district_id.is_(None))
    elif filters.district:
        query = query.where(
            Initiative.district_id
            == sa.select(District.id).where(District.slug == filters.district).scalar_subquery()
        )
    if filters.theme:
        query = query.where(
            Initiative.theme_id
            == sa.select(Theme.id).where(Theme.slug == filters.theme).scalar_subquery()
        )
    if filters.sdg:
        query = query.where(Initiative.sdg_mask.op("&")(1 << (filters.sdg - 1)) != 0)
    if filters.q:
        query = query.where(search_condition(filters.q))
    return query


def order_columns(sort: str) -> tuple[sa.ColumnElement[Any], ...]:
    """The columns of a list order, all descending, the last one unique (keyset paging).
    Indexes `ix_initiatives_public_newest` / `_supported` / `_district` serve them."""
    if sort == "supported":
        return (Initiative.support_count, Initiative.published_at, Initiative.id)
    return (Initiative.published_at, Initiative.id)


def public_select(filters: Filters) -> sa.Select[Initiative]:
    """Public initiatives matching the filters, in the order asked for (no loader options)."""
    return public_where(filters).order_by(*(c.desc() for c in order_columns(filters.sort)))


def list_public(filters: Filters, *, page: int = 1, per_page: int = PER_PAGE) -> BoundedPagination:
    """One page of public initiatives: two queries (a count bounded by paging.listed_rows,
    fewer for a search, and the rows), whatever the page size or the table's size."""
    return bounded_paginate(
        public_select(filters).options(*LIST_OPTIONS),
        page=page,
        per_page=min(max(per_page, 1), MAX_PER_PAGE),
        max_rows=listed_rows(searching=bool(filters.q)),
    )


def list_public_keyset(
    filters: Filters, *, cursor: Cursor | None, per_page: int
) -> KeysetPage[Initiative]:
    """One page of public initiatives after (or before) `cursor` in the filters' order: one
    query of per_page + 1 rows wherever the cursor is (the API)."""
    columns = order_columns(filters.sort)

    def key(initiative: Initiative) -> tuple[Any, ...]:
        return tuple(getattr(initiative, column.key) for column in columns)  # type: ignore[attr-defined]

    return keyset_page(
        public_where(filters).options(*LIST_OPTIONS),
        columns,
        key,
        descending=True,
        cursor=cursor,
        per_page=per_page,
    )


# The most points one GeoJSON answer carries; past it the map asks again for its viewport.
MAP_POINTS_MAX = 500


@dataclass(frozen=True)
class BBox:
    """A viewport: west, south, east, north in WGS 84 degrees."""

    west: float
    south: float
    east: float
    north: float


def parse_bbox(raw: str) -> BBox | None:
    """`west,south,east,north` (decimal degrees, west < east, south < north); None if not."""
    parts = raw.split(",")
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        return None
    finite = all(-180 <= v <= 180 for v in (west, east)) and all(
        -90 <= v <= 90 for v in (south, north)
    )
    if not finite or west >= east or south >= north:
        return None
    return BBox(west, south, east, north)


def with_point(filters: Filters, bbox: BBox | None = None) -> sa.Select[Initiative]:
    """Public initiatives with a point (inside `bbox` if given), newest first."""
    query = public_select(filters).where(Initiative.lat.is_not(None), Initiative.lon.is_not(None))
    if bbox is not None:
        query = query.where(
            Initiative.lon.between(bbox.west, bbox.east),
            Initiative.lat.between(bbox.south, bbox.north),
        )
    return query


def list_points(
    filters: Filters, bbox: BBox | None = None, *, limit: int | None = None
) -> tuple[list[Any], bool]:
    """(rows of id, title, language, lat, lon, status; whether more matched), newest first:
    plain columns, no ORM objects, for the map's GeoJSON."""
    query = with_point(filters, bbox).with_only_columns(
        Initiative.id,
        Initiative.title,
        Initiative.language,
        Initiative.lat,
        Initiative.lon,
        Initiative.status,
    )
    limit = limit or MAP_POINTS_MAX
    rows = list(db.session.execute(query.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def list_public_with_point(filters: Filters, *, page: int = 1) -> BoundedPagination:
    """One page of the map's text list: public initiatives with a point, newest first."""
    return bounded_paginate(
        with_point(filters).options(*LIST_OPTIONS), page=page, per_page=PER_PAGE
    )


def list_recent_public(*, limit: int = 50) -> list[Initiative]:
    """The newest public initiatives for the Atom feed, with their answers."""
    query = public_select(Filters()).options(*LIST_OPTIONS).limit(limit)
    return list(db.session.scalars(query).unique())


def list_all_public(filters: Filters) -> list[Initiative]:
    """Every public initiative matching the filters (the CSV export)."""
    query = public_select(filters).options(*LIST_OPTIONS)
    return list(db.session.scalars(query).unique())


def get_initiative(initiative_id: int) -> Initiative | None:
    """One initiative with everything its page shows. The caller checks visibility."""
    query = sa.select(Initiative).where(Initiative.id == initiative_id).options(*LIST_OPTIONS)
    return db.session.scalars(query).unique().one_or_none()


def get_public_initiative(initiative_id: int) -> Initiative | None:
    initiative = get_initiative(initiative_id)
    return initiative if initiative is not None and initiative.status in PUBLIC else None


def has_supported(initiative_id: int, user_id: int) -> bool:
    query = sa.select(Support.id).where(
        Support.initiative_id == initiative_id, Support.user_id == user_id
    )
    return db.session.scalar(query) is not None


def count_supports(initiative_id: int) -> int:
    """COUNT(*) of the support rows: the truth the stored `support_count` must equal."""
    query = (
        sa.select(sa.func.count())
        .select_from(Support)
        .where(Support.initiative_id == initiative_id)
    )
    return int(db.session.scalar(query) or 0)


def list_by_author(user_id: int) -> list[Initiative]:
    """A person's own initiatives in every status, newest change first."""
    query = (
        sa.select(Initiative)
        .where(Initiative.author_id == user_id)
        .options(joinedload(Initiative.theme), joinedload(Initiative.district))
        .order_by(Initiative.status_changed_at.desc(), Initiative.id.desc())
    )
    return list(db.session.scalars(query))


def list_supported_by(user_id: int) -> list[Initiative]:
    """Initiatives the person supports that are still public."""
    query = (
        sa.select(Initiative)
        .join(Support, Support.initiative_id == Initiative.id)
        .where(Support.user_id == user_id, Initiative.status.in_(PUBLIC))
        .options(joinedload(Initiative.theme), joinedload(Initiative.district))
        .order_by(Support.created_at.desc())
    )
    return list(db.session.scalars(query))


UNANSWERED_PER_PAGE = 50


def list_unanswered(*, page: int = 1, per_page: int | None = None) -> BoundedPagination:
    """Published initiatives waiting for the city's answer, oldest first (the desk): one page
    (`per_page`, default UNANSWERED_PER_PAGE) and a count up to paging.MAX_LISTED_ROWS (then
    `is_capped`; the pages reach the oldest that many), two queries whatever the number
    waiting. Only the initiative's own columns are shown, so nothing is joined (a
    relationship read by mistake raises)."""
    query = (
        sa.select(Initiative)
        .where(Initiative.status == Status.PUBLISHED)
        .options(raiseload("*"))
        .order_by(Initiative.published_at, Initiative.id)
    )
    return bounded_paginate(query, page=page, per_page=per_page or UNANSWERED_PER_PAGE)


def list_themes(*, active_only: bool = True) -> list[Theme]:
    query = sa.select(Theme).order_by(Theme.position, Theme.slug)
    if active_only:
        query = query.where(Theme.is_active.is_(True))
    return list(db.session.scalars(query))
