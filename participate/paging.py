"""Paging that costs the same on page 1 and on the last page (issue #11).

Two mechanisms, for two kinds of reader:

- `BoundedPagination` (HTML lists a person pages through by number): OFFSET paging over at
  most `max_rows` rows of an indexed order; a page after the first finds its keys in the
  order alone before loading its rows (`_deferred_join`). Its count stops at `max_rows + 1`
  (`SELECT count(*) FROM (… LIMIT max_rows + 1)`), so neither the count nor the deepest
  reachable page grows with the table; `is_capped` tells the page to say that only the
  first rows are listed and to suggest the filters.
- `keyset_page` (the API): `WHERE (a, b) < (:a, :b) ORDER BY a DESC, b DESC LIMIT n + 1`
  from an opaque cursor, which an index on (a, b) answers by reading n + 1 rows wherever
  the cursor points. The cursor is base64url JSON of the last (or first) row's key values
  and the direction; it is not secret, only not meant to be built by hand.

Both need an order that is total (its last column unique, e.g. the primary key) and served by
an index; docs/performance.md lists the indexes and their plans.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import orm as sa_orm

from participate.extensions import db

T = TypeVar("T")

# The deepest an HTML list goes: 50 pages of 20. Past this, the filters narrow the list.
MAX_LISTED_ROWS = 1000
# The deepest a search's results go (10 pages of 20). No index counts text matches: the
# count checks each candidate row's text until it has found this many (about 4,000 rows
# read for 1,000 hits of a common word at 100,000 initiatives), so the bound is what the
# page's cost grows with. A longer or second word narrows the results.
SEARCH_LISTED_ROWS = 200


def listed_rows(*, searching: bool) -> int:
    """How deep a list goes: SEARCH_LISTED_ROWS when a search word narrows it, else
    MAX_LISTED_ROWS (the initiatives' search, the account search and the audit log's)."""
    return SEARCH_LISTED_ROWS if searching else MAX_LISTED_ROWS


class BoundedPagination(SelectPagination):
    """`db.paginate` whose count and deepest page are bounded by `max_rows`.

    `total` is exact up to `max_rows`; above it, `total == max_rows` and `is_capped` is true.
    A page past the last one has no items (the caller shows the "narrow it" message).
    """

    is_capped: bool = False

    def __init__(
        self,
        select: sa.Select[Any],
        *,
        page: int,
        per_page: int,
        max_rows: int,
        keys_first: bool = False,
    ):
        """`keys_first`: find even the first page's keys before its rows (_deferred_join),
        for a filter that an index tests only when nothing else is read (an index-only
        scan: the account search's `search_text`); deeper pages always do."""
        self.max_rows = max_rows
        self.keys_first = keys_first
        super().__init__(
            select=select,
            session=db.session(),
            page=page,
            per_page=per_page,
            max_per_page=per_page,
            error_out=False,
            count=True,
        )

    def _query_items(self) -> list[Any]:
        offset = self._query_offset
        if offset >= self.max_rows:
            return []
        select = self._query_args["select"]
        limit = min(self.per_page, self.max_rows - offset)
        if offset or self.keys_first:
            select = _deferred_join(select, limit=limit, offset=offset)
        else:
            select = select.limit(limit)
        return list(db.session.execute(select).unique().scalars())

    def _query_count(self) -> int:
        select = self._query_args["select"]
        limited = (
            select.options(sa_orm.lazyload("*"))
            .order_by(None)
            # maintain_column_froms: without a WHERE naming the table, `SELECT 1` would
            # lose its FROM and count one row.
            .with_only_columns(sa.literal(1), maintain_column_froms=True)
            .limit(self.max_rows + 1)
            .subquery()
        )
        found = int(db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0)
        self.is_capped = found > self.max_rows
        return min(found, self.max_rows)


def _deferred_join(select: sa.Select[Any], *, limit: int, offset: int) -> sa.Select[Any]:
    """`select` restricted to the primary keys of its rows `offset`…`offset + limit`, found
    first by a subquery of the keys alone (`WHERE id IN (SELECT id … ORDER BY … LIMIT …
    OFFSET …)`), in one statement. A deep page then walks the order's index for the keys
    only instead of building every skipped row with its eager joins (page 50 of the
    initiatives: 1,000 rows joined to their author, theme, district and answer, then 980
    thrown away). `select` must select one entity with a single-column primary key."""
    entity = select.column_descriptions[0]["entity"]
    (key,) = sa.inspect(entity).primary_key
    keys = (
        select.options(sa_orm.lazyload("*"))
        .with_only_columns(key, maintain_column_froms=True)
        .limit(limit)
        .offset(offset)
    )
    return select.where(key.in_(keys.scalar_subquery()))


def abort_past_the_end(page: int, pages: int) -> None:
    """A page number past the last page is a page that does not exist: 404, as on any site
    (not "26 found" over an empty list). Page 1 of an empty list exists."""
    if page > max(pages, 1):
        abort(404)


def bounded_paginate(
    select: sa.Select[Any], *, page: int, per_page: int, max_rows: int | None = None
) -> BoundedPagination:
    """One page of `select` (two queries: bounded count and rows); see BoundedPagination.
    `max_rows` defaults to MAX_LISTED_ROWS."""
    return BoundedPagination(
        select, page=max(page, 1), per_page=per_page, max_rows=max_rows or MAX_LISTED_ROWS
    )


# Keyset paging ----------------------------------------------------------------------------


class InvalidCursor(ValueError):
    """A cursor this API did not write (or one for another list order)."""


@dataclass(frozen=True)
class Cursor:
    """A position in an order: the key values of a row, and which way to read from it."""

    values: tuple[Any, ...]
    backwards: bool = False

    def encode(self) -> str:
        payload = {
            "k": [v.isoformat() if isinstance(v, datetime) else v for v in self.values],
            "b": int(self.backwards),
        }
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, columns: Sequence[sa.ColumnElement[Any]]) -> Cursor:
    """The cursor for an order over `columns`; raises InvalidCursor for anything else.

    Each value must have its column's Python type (int, str, or an ISO 8601 datetime with
    an offset for UTC datetime columns).
    """
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        payload = json.loads(raw)
        values = payload["k"]
        backwards = payload["b"]
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise InvalidCursor(text) from exc
    if not isinstance(values, list) or len(values) != len(columns) or backwards not in (0, 1):
        raise InvalidCursor(text)
    return Cursor(
        tuple(_typed(value, column) for value, column in zip(values, columns, strict=True)),
        bool(backwards),
    )


def _python_type(column: sa.ColumnElement[Any]) -> type:
    """datetime, int or str: what a key value of this column must be."""
    sql_type = column.type
    # A TypeDecorator (such as db.UTCDateTime) wraps the type that says what it stores.
    sql_type = getattr(sql_type, "impl_instance", sql_type)
    if isinstance(sql_type, sa.DateTime):
        return datetime
    if isinstance(sql_type, sa.Integer):
        return int
    return str


def _typed(value: Any, column: sa.ColumnElement[Any]) -> Any:
    python_type = _python_type(column)
    if python_type is datetime:
        if not isinstance(value, str):
            raise InvalidCursor(str(value))
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise InvalidCursor(value) from exc
        if moment.tzinfo is None:
            raise InvalidCursor(value)
        return moment
    # bool is an int in Python, never a key here.
    if python_type is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise InvalidCursor(str(value))
    if python_type is str and not isinstance(value, str):
        raise InvalidCursor(str(value))
    return value


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """Rows of one page; the cursors of the pages after and before it (None: no such page)."""

    items: list[T]
    next_cursor: str | None
    previous_cursor: str | None


def keyset_page(
    select: sa.Select[Any],
    columns: Sequence[sa.ColumnElement[Any]],
    key: Callable[[Any], tuple[Any, ...]],
    *,
    descending: bool,
    cursor: Cursor | None,
    per_page: int,
    scalars: bool = True,
) -> KeysetPage[Any]:
    """One page of `select` in the order of `columns` (all one direction), after or before
    `cursor`. One query of `per_page + 1` rows; `key(row)` gives a row's values of `columns`.

    `select` must not have an ORDER BY of its own. `scalars=False` pages over whole rows
    (e.g. a model with computed columns). "previous" is offered whenever the page was
    reached by a cursor; it may be empty if rows were removed meanwhile.
    """
    backwards = cursor is not None and cursor.backwards
    # Reading backwards means reading the reversed order forwards, then flipping the page.
    read_descending = descending != backwards
    query = select
    if cursor is not None:
        row = sa.tuple_(*columns)
        bound = sa.tuple_(
            *(sa.literal(v, type_=c.type) for v, c in zip(cursor.values, columns, strict=True))
        )
        query = query.where(row < bound if read_descending else row > bound)
    order = [c.desc() if read_descending else c.asc() for c in columns]
    query = query.order_by(*order).limit(per_page + 1)
    result = db.session.execute(query).unique()
    rows = list(result.scalars() if scalars else result)
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None)
    first, last = key(rows[0]), key(rows[-1])
    if backwards:
        next_cursor = Cursor(last).encode()
        previous_cursor = Cursor(first, backwards=True).encode() if has_more else None
    else:
        next_cursor = Cursor(last).encode() if has_more else None
        previous_cursor = Cursor(first, backwards=True).encode() if cursor is not None else None
    return KeysetPage(rows, next_cursor, previous_cursor)


def count_at_most(select: sa.Select[Any], limit: int) -> int | None:
    """How many rows `select` has, or None if more than `limit`: one query that stops
    counting at limit + 1 rows (an API's `count` that never costs more than that)."""
    limited = (
        select.order_by(None)
        .with_only_columns(sa.literal(1), maintain_column_froms=True)
        .limit(limit + 1)
    )
    found = int(db.session.scalar(sa.select(sa.func.count()).select_from(limited.subquery())) or 0)
    return found if found <= limit else None
