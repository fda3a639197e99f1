"""Parties, councillors, and the version token that tells when the map must be drawn again."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.db import Base, TimestampMixin
from participate.districts.models import District
from participate.i18n.content import Localized, pick

# The languages a councillor can serve residents in; "other" covers every further language.
SERVICE_LANGUAGES: tuple[str, ...] = ("fi", "sv", "en", "other")

SERVICE_LANGUAGE_LABELS = {
    "fi": _l("Finnish"),
    "sv": _l("Swedish"),
    "en": _l("English"),
    # Translators: a councillor also serves residents in languages other than fi/sv/en.
    "other": _l("Other languages"),
}


class CouncillorRole(StrEnum):
    MEMBER = "member"
    DEPUTY = "deputy"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    # Translators: glossary: valtuutettu / fullmäktigeledamot.
    CouncillorRole.MEMBER: _l("Councillor"),
    # Translators: glossary: varavaltuutettu / ersättare.
    CouncillorRole.DEPUTY: _l("Deputy councillor"),
}


class Party(Base):
    """A political party, with its names and abbreviations in the city's languages."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Statistics Finland's code: KOK, SDP, VIHR… Stable key for imports, filters and the API.
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name_fi: Mapped[str] = mapped_column(sa.String(120))
    name_sv: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    abbr_fi: Mapped[str] = mapped_column(sa.String(20))
    abbr_sv: Mapped[str] = mapped_column(sa.String(20))
    # Display order: the order of the city's seat table (largest group first).
    position: Mapped[int] = mapped_column(default=0)

    def name(self, lang: str) -> str:
        return str(getattr(self, f"name_{lang}", None) or self.name_fi)

    def abbr(self, lang: str) -> str:
        # English texts in Finland use the Finnish abbreviations (Kok., Vihr., SDP).
        return self.abbr_sv if lang == "sv" else self.abbr_fi

    def label(self, lang: str) -> str:
        """The name with the abbreviation once: "Vihreä liitto (Vihr.)", and a name that
        already carries its short form stays as it is: "Kansallinen Kokoomus (Kokoomus)"."""
        name, abbr = self.name(lang), self.abbr(lang)
        if not abbr or "(" in name or abbr.rstrip(".").casefold() == name.casefold():
            return name
        return f"{name} ({abbr})"

    def __repr__(self) -> str:
        return f"<Party {self.code}>"


class Councillor(TimestampMixin, Base):
    """A member or deputy member of the city council, listed under a major district."""

    __tablename__ = "councillors"
    __table_args__ = (
        sa.CheckConstraint("role IN ('member', 'deputy')", name="role"),
        sa.Index("ix_councillors_district_party", "district_id", "party_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80))
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"))
    # The import upserts by e-mail address, stored in lower case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    photo_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Codes from SERVICE_LANGUAGES joined with ";" ("fi;sv").
    languages: Mapped[str] = mapped_column(sa.String(40), default="fi")
    committees_fi: Mapped[str] = mapped_column(sa.Text, default="")
    committees_sv: Mapped[str] = mapped_column(sa.Text, default="")
    committees_en: Mapped[str] = mapped_column(sa.Text, default="")
    term: Mapped[str] = mapped_column(sa.String(9))  # "2025-2029"
    role: Mapped[CouncillorRole] = mapped_column(
        sa.Enum(
            CouncillorRole,
            native_enum=False,
            length=20,
            create_constraint=False,  # the named CHECK above
            values_callable=lambda e: [m.value for m in e],
        ),
        default=CouncillorRole.MEMBER,
    )

    # Pages load these explicitly (joinedload); a lazy load in a loop fails the tests.
    party: Mapped[Party] = relationship(lazy="raise")
    district: Mapped[District] = relationship(lazy="raise")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(";") if code]

    def language_names(self, names: Mapping[str, str] | None = None) -> list[str]:
        """The languages by name; `names` saves translating them again for every councillor."""
        if names is None:
            names = {code: str(label) for code, label in SERVICE_LANGUAGE_LABELS.items()}
        return [names.get(code, code) for code in self.language_codes]

    def committees_in(self, lang: str) -> Localized:
        """Committees in `lang`, or in another language with `is_fallback` set."""
        return pick(self, "committees", lang)

    def __repr__(self) -> str:
        return f"<Councillor {self.id} {self.email}>"


class CacheVersion(Base):
    """A token that changes whenever the data behind a cached rendering changes.

    The token lives in the database, not in a process, so every gunicorn worker and machine
    sees a change made by any of them. participate.councillors.maps bumps it on flush.
    """

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))
