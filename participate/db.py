"""Declarative base, naming convention and shared column types."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

from participate import textsearch
from participate.collation import register_sqlite

# Named constraints let Alembic create, find and drop them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes, also on SQLite (which stores naive text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use participate.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    # One explicit registry: Flask-SQLAlchemy subclasses this base, and SQLAlchemy 2.1
    # refuses a per-class type_annotation_map on subclasses.
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# Text search that folds case in the Unicode sense on every database (issue #11). Two kinds
# of search box, one mechanism each: a substring of a short field (names, e-mail addresses,
# the audit log: `contains_text` below) and words in the initiatives' texts (stemmed, indexed:
# participate.textsearch). SQLite's lower(), LIKE and NOCASE fold ASCII only ("Ö" never
# matches "ö"), so every SQLite connection gets a `casefold(text)` function (Python's
# str.casefold) and `contains_text` uses it there; PostgreSQL's ILIKE folds Unicode with the
# database's ctype (C.UTF-8 or a UTF-8 locale). Finnish and Swedish letters stay letters of
# their own: "ä" does not match "a".


def _casefold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_functions(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)
        # The Finnish and Swedish ICU collations under PostgreSQL's names (participate.collation).
        register_sqlite(dbapi_connection)
        # search_stems(), which the initiatives' search triggers call (participate.textsearch).
        textsearch.register_sqlite(dbapi_connection)


_LIKE_SPECIAL = re.compile(r"([\\%_])")


def contains_text(
    column: sa.ColumnElement[Any], needle: str, dialect: str, *, lowered: bool = False
) -> sa.ColumnElement[bool]:
    """`column` contains `needle` as a substring, Unicode case folded, LIKE characters taken
    literally. `dialect` is the session's (`db.session.get_bind().dialect.name`).

    `lowered` (PostgreSQL): `column` already holds `lower(text)`, a generated column that an
    index can carry; it is compared by plain LIKE with `lower(needle)`, which matches what
    ILIKE on the text would and costs a fifth of it a row."""
    if dialect == "sqlite":
        folded = _LIKE_SPECIAL.sub(r"\\\1", needle.casefold())
        return sa.func.casefold(column).like(f"%{folded}%", escape="\\")
    escaped = _LIKE_SPECIAL.sub(r"\\\1", needle)
    if lowered:
        pattern = sa.func.lower(sa.literal(f"%{escaped}%", sa.Text))
        return column.like(pattern, escape="\\")
    return column.ilike(f"%{escaped}%", escape="\\")
