"""Major districts and the postal-code table."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.db import Base


class District(Base):
    """One of the city's major districts, with its boundary as GeoJSON (WGS84)."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    code: Mapped[int] = mapped_column(unique=True)
    name_fi: Mapped[str] = mapped_column(sa.String(100))
    name_sv: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    # GeoJSON geometry (Polygon or MultiPolygon) as text: portable across SQLite and PostgreSQL.
    # Deferred: 3 to 28 kB a district, and every list that shows a district name joins it (a
    # council report of 500 rows carried 5 MB of polygons). The maps, the boundary API and
    # the point lookup ask for it (`undefer`).
    geometry: Mapped[str] = mapped_column(sa.Text, deferred=True)
    label_lat: Mapped[float]
    label_lon: Mapped[float]

    postal_codes: Mapped[list[PostalCode]] = relationship(
        back_populates="district", lazy="raise", order_by="PostalCode.code"
    )

    def name(self, lang: str) -> str:
        return str(getattr(self, f"name_{lang}", None) or self.name_fi)

    def __repr__(self) -> str:
        return f"<District {self.slug}>"


class PostalCode(Base):
    """A postal code, the district holding most of it, and others it reaches into."""

    __tablename__ = "postal_codes"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    name_fi: Mapped[str] = mapped_column(sa.String(100))
    name_sv: Mapped[str] = mapped_column(sa.String(100))
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"))
    # Slugs of other districts holding at least 10 % of the area ("" when none): the
    # resident is asked to pick one for these.
    other_district_slugs: Mapped[str] = mapped_column(sa.String(200), default="")

    district: Mapped[District] = relationship(back_populates="postal_codes", lazy="joined")

    @property
    def is_split(self) -> bool:
        return bool(self.other_district_slugs)

    def name(self, lang: str) -> str:
        return self.name_sv if lang == "sv" else self.name_fi
