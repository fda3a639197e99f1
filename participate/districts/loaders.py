"""Load the major districts (GeoJSON) and the postal-code table (CSV) the city maintains.

Both loaders upsert: running them again with the same file changes nothing.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from shapely.geometry import shape

from participate.cli import LoadError
from participate.districts.models import District, PostalCode
from participate.extensions import db

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
DISTRICTS_FILE = DATA_DIR / "espoo_major_districts.geojson"
POSTAL_CODES_FILE = DATA_DIR / "espoo_postal_codes_overlap.csv"

# A postal code counts as split when another district holds at least this share of it.
SPLIT_SHARE = 0.10


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def load_districts(path: Path) -> LoadResult:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LoadError(f"{path}: {exc}") from exc
    if data.get("type") != "FeatureCollection":
        raise LoadError(f"{path}: not a GeoJSON FeatureCollection")
    existing = {d.slug: d for d in db.session.scalars(sa.select(District))}
    created = updated = 0
    for number, feature in enumerate(data.get("features", []), start=1):
        props = feature.get("properties") or {}
        try:
            slug = str(props["id"])
            geometry = shape(feature["geometry"])
            values = {
                "code": int(props["code"]),
                "name_fi": str(props["name_fi"]),
                "name_sv": str(props["name_sv"]),
                "name_en": str(props.get("name_en") or props["name_fi"]),
                "geometry": json.dumps(feature["geometry"], separators=(",", ":")),
                "label_lat": float(props.get("label_lat") or geometry.representative_point().y),
                "label_lon": float(props.get("label_lon") or geometry.representative_point().x),
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise LoadError(f"{path}: feature {number}: missing or bad value {exc}") from exc
        if not geometry.is_valid or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
            raise LoadError(f"{path}: feature {number} ({slug}): not a valid (multi)polygon")
        district = existing.get(slug)
        if district is None:
            db.session.add(District(slug=slug, **values))
            created += 1
        elif any(getattr(district, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(district, key, value)
            updated += 1
    db.session.flush()
    return LoadResult(created, updated)


def _other_districts(row: dict[str, str]) -> list[str]:
    if row.get("confidence", "high") != "low":
        return []
    others = []
    for part in filter(None, (row.get("other_districts") or "").split(";")):
        slug, _, share = part.partition("=")
        if float(share or 0) >= SPLIT_SHARE:
            others.append(slug)
    return others


def load_postal_codes(path: Path) -> LoadResult:
    districts = {d.slug: d for d in db.session.scalars(sa.select(District))}
    if not districts:
        raise LoadError("load the districts first")
    existing = {p.code: p for p in db.session.scalars(sa.select(PostalCode))}
    created = updated = 0
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise LoadError(f"{path}: {exc}") from exc
    for line, row in enumerate(rows, start=2):
        code = (row.get("postal_code") or "").strip()
        slug = (row.get("major_district") or "").strip()
        if len(code) != 5 or not code.isdigit():
            raise LoadError(f"{path}:{line}: bad postal code {code!r}")
        if slug not in districts:
            raise LoadError(f"{path}:{line}: unknown district {slug!r}")
        others = [s for s in _other_districts(row) if s in districts]
        values = {
            "name_fi": row["name_fi"].strip(),
            "name_sv": (row.get("name_sv") or row["name_fi"]).strip(),
            "district_id": districts[slug].id,
            "other_district_slugs": ";".join(others),
        }
        postal = existing.get(code)
        if postal is None:
            db.session.add(PostalCode(code=code, **values))
            created += 1
        elif any(getattr(postal, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(postal, key, value)
            updated += 1
    db.session.flush()
    return LoadResult(created, updated)
