"""The list envelope of /api/v1 and its paging parameters (docs/api.md).

Every list answers

    {"items": [...], "count": <total or null>, "next": <absolute URL or null>,
     "previous": <absolute URL or null>}

and takes `per_page` (1..100; anything else is a 400 naming the parameter) and `page`
(a whole number from 1; `page=abc` is a 400, not page 1). `cursor` is for keyset paging:
an opaque string that a list may accept instead of `page`; `parse_paging` passes it through
untouched, and the list decodes it with `decode_keyset` against its own order (the
initiatives and activities lists do; their `next`/`previous` links carry cursors, see
`keyset_paged`). `count` may be null where counting would cost more than the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from participate.api.errors import ApiError
from participate.inputs import parse_whole
from participate.paging import Cursor, InvalidCursor, KeysetPage, decode_cursor
from participate.urls import external_url

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
# Above this many matching items a keyset list answers "count": null (paging.count_at_most).
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class PageRequest:
    """What the client asked for: page (from 1), per_page (1..MAX_PER_PAGE), cursor."""

    page: int
    per_page: int
    cursor: str | None = None


def parse_paging(
    args: Mapping[str, str],
    *,
    default_per_page: int = 20,
    errors: Mapping[str, str] | None = None,
) -> PageRequest:
    """`page`, `per_page` and `cursor` from the query string.

    Raises ApiError(400) naming every bad parameter, together with the list's own filter
    `errors` (parameter → translated message), so a client learns all mistakes at once.
    """
    fields: dict[str, str] = dict(errors or {})
    page = per_page = None
    if "page" in args:
        page = parse_whole(args["page"], low=1, high=MAX_PAGE)
        if page is None:
            fields["page"] = _("page must be a whole number from 1 to %(max)s.", max=MAX_PAGE)
    if "per_page" in args:
        per_page = parse_whole(args["per_page"], low=1, high=MAX_PER_PAGE)
        if per_page is None:
            fields["per_page"] = _(
                "per_page must be a whole number from 1 to %(max)s.", max=MAX_PER_PAGE
            )
    if fields:
        raise ApiError(400, fields=fields)
    cursor = args.get("cursor") or None
    return PageRequest(page or 1, per_page or default_per_page, cursor)


def envelope(
    items: Sequence[Any], *, count: int | None, next_url: str | None, previous_url: str | None
) -> dict[str, Any]:
    """The one list shape."""
    return {"items": list(items), "count": count, "next": next_url, "previous": previous_url}


def page_links(
    endpoint: str, args: Mapping[str, Any], request: PageRequest, count: int
) -> tuple[str | None, str | None]:
    """(next, previous) absolute URLs for numbered pages of a list of `count` items.

    `args` are the list's own filters (kept in the links); per_page is always written.
    """
    pages = max(1, -(-count // request.per_page))

    def link(number: int) -> str:
        return external_url(endpoint, **args, page=number, per_page=request.per_page)

    following = link(request.page + 1) if request.page < pages else None
    preceding = link(min(request.page - 1, pages)) if request.page > 1 else None
    return following, preceding


def paged(
    endpoint: str,
    args: Mapping[str, Any],
    request: PageRequest,
    items: Sequence[Any],
    count: int,
) -> dict[str, Any]:
    """The envelope of one numbered page of `count` items, with its links."""
    following, preceding = page_links(endpoint, args, request, count)
    return envelope(items, count=count, next_url=following, previous_url=preceding)


# Keyset paging (issue #11): the lists whose data grows answer `next`/`previous` with an
# opaque `cursor` (participate.paging), so any page costs one query of per_page + 1 rows.


def decode_keyset(request: PageRequest, columns: Sequence[Any]) -> Cursor | None:
    """The request's cursor for a list ordered by `columns`; ApiError(400) if it is not one
    this API wrote. None: no cursor (the first page, or a numbered `page`)."""
    if request.cursor is None:
        return None
    try:
        return decode_cursor(request.cursor, columns)
    except InvalidCursor:
        raise ApiError(
            400,
            fields={
                "cursor": _("This cursor is not valid: use the next or previous link."),
            },
        ) from None


def uses_keyset(request: PageRequest) -> bool:
    """Keyset paging unless the client asked for a numbered page past the first."""
    return request.cursor is not None or request.page == 1


def keyset_paged(
    endpoint: str,
    args: Mapping[str, Any],
    request: PageRequest,
    page: KeysetPage[Any],
    items: Sequence[Any],
    count: int | None,
) -> dict[str, Any]:
    """The envelope of one keyset page: `next`/`previous` carry cursors (and per_page)."""

    def link(cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return external_url(endpoint, **args, cursor=cursor, per_page=request.per_page)

    return envelope(
        items,
        count=count,
        next_url=link(page.next_cursor),
        previous_url=link(page.previous_cursor),
    )
