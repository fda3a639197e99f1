"""The shapes every /api/v1 endpoint shares (docs/api.md), so a kind looks the same everywhere.

- `localised(obj, "name")` → `{"fi": str | None, "sv": str | None, "en": str | None}`: always
  the three keys, `null` where the city has not written that language (the Linked Events
  convention of the Finnish cities' event API).
- `district_object(district)` → `{"slug", "code", "name": {fi, sv, en}}`: the one district
  shape, in lists, in single items, in the lookup and in GeoJSON properties.
- `timestamp(dt)` → ISO 8601 with its UTC offset (`2026-12-06T10:00:00+00:00`) or None.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from participate.districts.models import District
from participate.i18n.locale import LANGS


def localised(obj: Any, field: str) -> dict[str, str | None]:
    """`{lang: obj.<field>_<lang> or None}` for fi, sv and en (empty text counts as missing)."""
    return {lang: (getattr(obj, f"{field}_{lang}", None) or None) for lang in LANGS}


def district_object(district: District) -> dict[str, Any]:
    """The district as the API shows it everywhere: slug, city code and names."""
    return {"slug": district.slug, "code": district.code, "name": localised(district, "name")}


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 with an offset. Stored datetimes are UTC-aware; a naive one is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()
