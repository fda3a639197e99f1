"""The desk's reads: the queue of everything waiting (of every moderated kind), reports,
standard reasons, the reason shown on a hidden item's page. The administrator's pages (the
audit log, accounts) read from `admin_queries.py`.

`QUEUE_KINDS` lists the moderated models. To add a kind, follow docs/moderation.md ("Adding a
kind"): the model provides `moderation_kind`, `moderation_label`, `submitted_at`,
`moderation_title()`, `moderation_link()` and, when its partials show more than the author,
`moderation_load_options()`; the templates `moderation/_row_<kind>.html` and
`moderation/_detail_<kind>.html` show it. Every list here costs a fixed number of queries
(one per kind for the queue), whatever its length.

Size: over 400 lines because the queue is one UNION over every moderated kind built from small
parts (filters, waiting rows, keyset pages, counts per kind) that only make sense together; the
administrator's reads are in admin_queries.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from participate.activities.models import Activity
from participate.db import utcnow
from participate.districts.models import District
from participate.extensions import db
from participate.i18n.locale import LANGS
from participate.initiatives.models import Initiative
from participate.moderation.audit import AuditEntry
from participate.moderation.models import Report, StandardReason
from participate.paging import MAX_LISTED_ROWS
from participate.workflow.models import ModeratedMixin
from participate.workflow.states import Status

QUEUE_KINDS: list[type[ModeratedMixin]] = [Initiative, Activity]

# The queue's district filter: the item concerns the whole city (no district).
WHOLE_CITY = "city"
# "Waiting at least N days" choices of the queue's age filter.
AGE_CHOICES = (1, 3, 7, 14, 30)
QUEUE_PER_PAGE = 50


def _dialect() -> str:
    """The database's dialect name, for db.contains_text (Unicode case folding everywhere)."""
    return db.session.get_bind().dialect.name


def kinds() -> dict[str, type[ModeratedMixin]]:
    return {model.moderation_kind: model for model in QUEUE_KINDS}


def get_kind(kind: str) -> type[ModeratedMixin] | None:
    return kinds().get(kind)


# The queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    kind: str | None = None
    district: str | None = None  # a district slug, or WHOLE_CITY
    language: str | None = None  # fi, sv, en
    min_age_days: int | None = None  # waiting at least this many days

    def as_args(self) -> dict[str, Any]:
        args = {
            "kind": self.kind,
            "district": self.district,
            "language": self.language,
            "age": self.min_age_days,
        }
        return {key: value for key, value in args.items() if value is not None}

    @property
    def is_filtered(self) -> bool:
        return any((self.kind, self.district, self.language, self.min_age_days))


def parse_queue_filters(args: Mapping[str, str], district_slugs: set[str]) -> QueueFilters:
    """Filters from the query string; unknown values are ignored (a stale link still works)."""
    kind = args.get("kind") or None
    district = args.get("district") or None
    language = args.get("language") or None
    age = args.get("age") or ""
    return QueueFilters(
        kind=kind if kind in kinds() else None,
        district=district if district == WHOLE_CITY or district in district_slugs else None,
        language=language if language in LANGS else None,
        min_age_days=int(age) if age.isdigit() and int(age) in AGE_CHOICES else None,
    )


@dataclass(frozen=True)
class QueueEntry:
    kind: str
    item: ModeratedMixin
    # Waiting since: the (latest) submission, or the first open report on a published item.
    submitted_at: datetime
    waited: timedelta
    report_count: int = 0

    @property
    def key(self) -> str:
        """`<kind>:<id>`, the value of the bulk form's checkbox."""
        return f"{self.kind}:{self.item.id}"  # type: ignore[attr-defined]

    @property
    def is_reported(self) -> bool:
        return self.report_count > 0

    @property
    def is_submission(self) -> bool:
        return self.item.status == Status.SUBMITTED


def _open_reports(kind: str) -> sa.Subquery:
    return (
        sa.select(
            Report.item_id,
            sa.func.count(Report.id).label("report_count"),
            sa.func.min(Report.created_at).label("first_report_at"),
        )
        .where(Report.item_kind == kind, Report.resolved_at.is_(None))
        .group_by(Report.item_id)
        .subquery()
    )


def _district_condition(model: type[ModeratedMixin], district: str) -> sa.ColumnElement[bool]:
    column = sa.inspect(model).columns.get("district_id")
    if column is None:  # a kind without districts never matches a district filter
        return sa.false()
    if district == WHOLE_CITY:
        return column.is_(None)
    return column == sa.select(District.id).where(District.slug == district).scalar_subquery()


def _language_condition(model: type[ModeratedMixin], lang: str) -> sa.ColumnElement[bool]:
    """Written in `lang`: the `language` column, or a non-empty `title_<lang>`."""
    columns = sa.inspect(model).columns
    if "language" in columns:
        return columns["language"] == lang
    if f"title_{lang}" in columns:
        return columns[f"title_{lang}"] != ""
    return sa.true()


def _waiting_rows(
    model: type[ModeratedMixin],
    filters: QueueFilters,
    now: datetime,
    limit: int | None = None,
    bound: int | None = None,
) -> list[sa.Select[Any]]:
    """(kind, item_id, since, report_count) of the kind's waiting items matching the filters:
    submitted ones, and any with open reports (waiting since the first open report).

    Two halves joined by UNION ALL rather than one `status = 'submitted' OR reported`, which
    scans the whole table: "submitted, no open report" reads `ix_<table>_queue` (waiting
    since COALESCE(submitted_at, status_changed_at), id), "reported" starts from the open
    reports (`ix_reports_open`). With `limit`, each half is cut to its first `limit` rows in
    the queue's order, so a page reads that many index entries per half instead of sorting
    everything waiting. With `bound` (counting), each half stops after that many rows in
    no particular order."""
    reports = _open_reports(model.moderation_kind)
    item_id = model.id  # type: ignore[attr-defined]
    kind = sa.literal(model.moderation_kind, sa.String).label("kind")
    waiting_since = sa.func.coalesce(model.submitted_at, model.status_changed_at)
    open_report = (
        sa.select(Report.id)
        .where(
            Report.item_kind == model.moderation_kind,
            Report.item_id == item_id,
            Report.resolved_at.is_(None),
        )
        .exists()
    )
    submitted = sa.select(
        kind,
        item_id.label("item_id"),
        waiting_since.label("since"),
        sa.literal(0, sa.Integer).label("report_count"),
    ).where(model.status == Status.SUBMITTED, ~open_report)
    reported = (
        sa.select(
            kind,
            item_id.label("item_id"),
            reports.c.first_report_at.label("since"),
            reports.c.report_count.label("report_count"),
        )
        .select_from(model)
        .join(reports, reports.c.item_id == item_id)
    )
    halves = []
    for query, since in ((submitted, waiting_since), (reported, reports.c.first_report_at)):
        if filters.district:
            query = query.where(_district_condition(model, filters.district))
        if filters.language:
            query = query.where(_language_condition(model, filters.language))
        if filters.min_age_days:
            query = query.where(since <= now - timedelta(days=filters.min_age_days))
        if limit is not None:
            query = query.order_by(since, item_id).limit(limit)
        elif bound is not None:
            query = query.limit(bound)
        halves.append(query)
    return halves


def _queue_union(
    filters: QueueFilters, now: datetime, limit: int | None = None, bound: int | None = None
) -> sa.Subquery | None:
    """Everything waiting that matches the filters as one UNION ALL; with `limit`, only each
    half's first `limit` rows in the queue's order (enough for a page ending at `limit`);
    with `bound`, at most `bound` rows of each half (enough to count up to `bound`)."""
    selects = [
        half
        for model in QUEUE_KINDS
        if not filters.kind or model.moderation_kind == filters.kind
        for half in _waiting_rows(model, filters, now, limit, bound)
    ]
    if not selects:
        return None
    if limit is not None or bound is not None:  # ORDER BY/LIMIT only in subqueries
        selects = [sa.select(half.subquery()) for half in selects]
    return sa.union_all(*selects).subquery("queue")


class QueuePage(Pagination):
    """One page of the queue, oldest first (a Pagination, for the desk's page links).

    Pages reach the oldest paging.MAX_LISTED_ROWS items only (`is_capped` above that): a
    page reads every waiting row before its end in both halves, so a bounded range keeps
    the deepest page as cheap as page 20 at any queue length. The filters (kind, district,
    language, waiting time) reach the rest, and the desk says so.

    Three queries whatever the queue's length: the page's (kind, id) rows from one UNION
    ALL over the kinds (each half read in index order up to the page's end, see
    _waiting_rows), then one load per kind on the page; the total comes from the
    caller's per-kind counts when nothing is filtered (counted once per request), else one
    COUNT over the same union.
    """

    @property
    def max_rows(self) -> int:
        return MAX_LISTED_ROWS

    @property
    def is_capped(self) -> bool:
        return bool(self.total and self.total > MAX_LISTED_ROWS)

    @property
    def pages(self) -> int:
        reachable = min(self.total or 0, MAX_LISTED_ROWS)
        return -(-reachable // self.per_page) if self.per_page else 0

    def _query_items(self) -> list[QueueEntry]:
        filters: QueueFilters = self._query_args["filters"]
        now: datetime = self._query_args["now"]
        if self._query_offset >= MAX_LISTED_ROWS:
            return []
        union = _queue_union(filters, now, limit=self._query_offset + self.per_page)
        if union is None:
            return []
        rows = db.session.execute(
            sa.select(union)
            .order_by(union.c.since, union.c.kind, union.c.item_id)
            .limit(self.per_page)
            .offset(self._query_offset)
        ).all()
        items = {
            (kind, item.id): item  # type: ignore[attr-defined]
            for kind, item in get_items([(row.kind, row.item_id) for row in rows])
        }
        entries = []
        for row in rows:
            item = items.get((row.kind, row.item_id))
            if item is None:  # decided between the two queries
                continue
            since = _aware(row.since)
            entries.append(QueueEntry(row.kind, item, since, now - since, int(row.report_count)))
        return entries

    @property
    def is_count_bounded(self) -> bool:
        """True when a filtered count stopped at MAX_LISTED_ROWS + 1: the page says "more
        than MAX_LISTED_ROWS" rather than a number (the unfiltered total is always exact)."""
        return self._query_args["total"] is None and self.is_capped

    def _query_count(self) -> int:
        """The unfiltered total from the caller's per-kind counts; a filtered one counted up
        to MAX_LISTED_ROWS + 1 (each half of the union stops there too), so its cost is
        bounded like the pages' (the indexes of migration 0018 serve the language and
        district filters)."""
        known: int | None = self._query_args["total"]
        if known is not None:
            return known
        bound = MAX_LISTED_ROWS + 1
        union = _queue_union(self._query_args["filters"], self._query_args["now"], bound=bound)
        if union is None:
            return 0
        limited = sa.select(union.c.item_id).limit(bound).subquery()
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0)


def _aware(moment: datetime | str) -> datetime:
    """A UNION's datetime column comes back as the database gives it (text on SQLite)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def list_queue_page(
    filters: QueueFilters,
    *,
    page: int = 1,
    per_page: int | None = None,
    counts: dict[str, int] | None = None,
    now: datetime | None = None,
) -> QueuePage:
    """One page of everything waiting, oldest first. `counts` (from count_waiting_by_kind)
    spares the COUNT when no filter narrows the queue. `per_page` defaults to QUEUE_PER_PAGE."""
    now = now or utcnow()
    per_page = per_page or QUEUE_PER_PAGE
    total = None
    if counts is not None and not (filters.district or filters.language or filters.min_age_days):
        total = counts.get(filters.kind, 0) if filters.kind else sum(counts.values())
    return QueuePage(
        page=max(page, 1),
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        filters=filters,
        total=total,
        now=now,
    )


def list_queue(
    kind: str | None = None, *, filters: QueueFilters | None = None, now: datetime | None = None
) -> list[QueueEntry]:
    """Everything waiting, oldest first, on one list (tests and small callers; the desk's
    page uses list_queue_page)."""
    filters = filters or QueueFilters(kind=kind)
    return list(list_queue_page(filters, per_page=1_000_000, now=now).items)


def count_waiting_by_kind() -> dict[str, int]:
    """What `list_queue()` would show, counted per kind in one query (the menu's badge)."""
    columns = []
    for model in QUEUE_KINDS:
        reported = sa.select(Report.item_id).where(
            Report.item_kind == model.moderation_kind, Report.resolved_at.is_(None)
        )
        # Two indexed counts instead of one `OR`, which would scan the table.
        submitted = (
            sa.select(sa.func.count())
            .select_from(model)
            .where(model.status == Status.SUBMITTED)
            .scalar_subquery()
        )
        other_reported = (
            sa.select(sa.func.count())
            .select_from(model)
            .where(
                model.id.in_(reported),  # type: ignore[attr-defined]
                model.status != Status.SUBMITTED,
            )
            .scalar_subquery()
        )
        waiting = submitted + other_reported
        columns.append(waiting.label(model.moderation_kind))
    row = db.session.execute(sa.select(*columns)).one()
    return {kind: int(count or 0) for kind, count in row._mapping.items()}


def count_waiting() -> int:
    return sum(count_waiting_by_kind().values())


def count_waiting_by_kind_once() -> dict[str, int]:
    """count_waiting_by_kind(), counted once per request (the desk's tabs, its total and the
    menu's badge share it)."""
    if not has_request_context():
        return count_waiting_by_kind()
    if "moderation_waiting_by_kind" not in g:
        g.moderation_waiting_by_kind = count_waiting_by_kind()
    return dict(g.moderation_waiting_by_kind)


def count_waiting_for_menu() -> int:
    """The badge in the moderator's menu: counted once per request, whatever renders."""
    return sum(count_waiting_by_kind_once().values())


def get_item(kind: str, item_id: int) -> ModeratedMixin | None:
    """The item of that kind with what its partials show, or None (unknown kind or id)."""
    model = get_kind(kind)
    if model is None:
        return None
    query = (
        sa.select(model)
        .where(model.id == item_id)  # type: ignore[attr-defined]
        .options(*model.moderation_load_options())
    )
    return db.session.scalars(query).unique().one_or_none()


def get_items(keys: list[tuple[str, int]]) -> list[tuple[str, ModeratedMixin]]:
    """Items by (kind, id), one query per kind; unknown ones are left out."""
    found: list[tuple[str, ModeratedMixin]] = []
    for model in QUEUE_KINDS:
        ids = [item_id for kind, item_id in keys if kind == model.moderation_kind]
        if not ids:
            continue
        query = (
            sa.select(model)
            .where(model.id.in_(ids))  # type: ignore[attr-defined]
            .options(*model.moderation_load_options())
            .order_by(model.submitted_at)
        )
        found += [(model.moderation_kind, item) for item in db.session.scalars(query).unique()]
    return found


# Reports --------------------------------------------------------------------------------


def list_reports(kind: str, item_id: int, *, open_only: bool = False) -> list[Report]:
    """The item's reports with their reporters, newest first."""
    query = (
        sa.select(Report)
        .where(Report.item_kind == kind, Report.item_id == item_id)
        .options(joinedload(Report.reporter))
        .order_by(Report.id.desc())
    )
    if open_only:
        query = query.where(Report.resolved_at.is_(None))
    return list(db.session.scalars(query))


def get_report_by(kind: str, item_id: int, reporter_id: int) -> Report | None:
    return db.session.scalar(
        sa.select(Report).where(
            Report.item_kind == kind, Report.item_id == item_id, Report.reporter_id == reporter_id
        )
    )


def count_open_reports(kind: str, item_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Report.id)).where(
                Report.item_kind == kind, Report.item_id == item_id, Report.resolved_at.is_(None)
            )
        )
        or 0
    )


# Standard reasons -----------------------------------------------------------------------


def list_reasons(*, active_only: bool = False) -> list[StandardReason]:
    query = sa.select(StandardReason).order_by(StandardReason.position, StandardReason.id)
    if active_only:
        query = query.where(StandardReason.is_active.is_(True))
    return list(db.session.scalars(query))


def get_reason(reason_id: int) -> StandardReason | None:
    return db.session.get(StandardReason, reason_id)


def get_reasons(ids: list[int]) -> list[StandardReason]:
    if not ids:
        return []
    query = (
        sa.select(StandardReason)
        .where(StandardReason.id.in_(ids))
        .order_by(StandardReason.position, StandardReason.id)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class PublicHidingReason:
    """Why an item is hidden, as anyone may read it: the standard reasons in `lang`, and
    whether it was hidden automatically after residents' reports. The moderator's own note
    is written to the author and is not shown to the public."""

    standard_reasons: list[str]
    automatic: bool


def public_hiding_reason(kind: str, item_id: int, lang: str) -> PublicHidingReason:
    """The reason of the item's latest hiding (features reach this through
    `app.extensions["public_hiding_reason"]`, so they never import the desk)."""
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(
            AuditEntry.object_kind == kind,
            AuditEntry.object_id == item_id,
            AuditEntry.action == f"{kind}.hide",
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return PublicHidingReason([], automatic=False)
    after = entry.after_data() or {}
    ids = [int(i) for i in after.get("standard_reasons", [])]
    texts = [reason.text(lang).text for reason in get_reasons(ids)] if ids else []
    return PublicHidingReason(texts, automatic=entry.actor_id is None)
