"""Reads for activities: the upcoming list and the archive with filters, one activity with
its numbers, participants and places taken, a sign-up by its private link, a person's own
proposals. Places taken are the `places_taken` column, which database triggers keep equal
to the confirmed sign-ups (migration 0017), so "has places left" is a plain condition on the
row; waiting-list lengths come from the sign-ups in the same SQL statement (scalar
subqueries), so a list costs the same number of queries however long it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import raiseload

from participate import paging
from participate.activities.models import Activity, Signup, SignupStatus, hash_token
from participate.db import utcnow
from participate.districts.models import District
from participate.extensions import db
from participate.i18n.locale import TIMEZONE
from participate.paging import Cursor, KeysetPage, keyset_page
from participate.workflow.states import Status

HELSINKI = ZoneInfo(TIMEZONE)
PER_PAGE = 20


@dataclass(frozen=True)
class ActivityFilters:
    district: str | None = None  # slug
    date_from: date | None = None  # Helsinki dates, inclusive
    date_to: date | None = None
    language: str | None = None
    has_places: bool = False
    archive: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.district or self.date_from or self.date_to or self.language or self.has_places
        )


@dataclass(frozen=True)
class ActivityRow:
    """An activity with its numbers: people with a place and groups on the waiting list."""

    activity: Activity
    taken: int
    waiting: int

    @property
    def places_left(self) -> int | None:
        """None: no limit."""
        if self.activity.capacity is None:
            return None
        return max(0, self.activity.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    @property
    def participants(self) -> int:
        """People taking part; after the purge only the stored count remains."""
        if self.activity.final_participants is not None:
            return self.activity.final_participants
        return self.taken


def _taken() -> Any:
    """Places taken, as a column of the statement (fresh from the database even when the
    Activity itself comes from the session's identity map): `activities.places_taken`,
    which triggers keep equal to the confirmed sign-ups' people (migration 0017)."""
    return Activity.places_taken


def _waiting() -> Any:
    return (
        sa.select(sa.func.count(Signup.id))
        .where(Signup.activity_id == Activity.id, Signup.status == SignupStatus.WAITING)
        .correlate(Activity)
        .scalar_subquery()
    )


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=HELSINKI)


def _filtered(filters: ActivityFilters, now: datetime) -> sa.Select[Any]:
    taken = _taken()
    query = sa.select(Activity, taken.label("taken"), _waiting().label("waiting")).where(
        Activity.status == Status.PUBLISHED
    )
    if filters.archive:
        query = query.where(Activity.ends_at <= now)
    else:
        query = query.where(Activity.ends_at > now)
    if filters.district:
        query = query.join(District, District.id == Activity.district_id).where(
            District.slug == filters.district
        )
    if filters.date_from:
        query = query.where(Activity.ends_at >= local_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(Activity.starts_at < local_midnight(filters.date_to + timedelta(1)))
    if filters.language:
        query = query.where(Activity.spoken_languages.contains(f",{filters.language},"))
    if filters.has_places:
        query = query.where(
            Activity.is_cancelled.is_(False),
            sa.or_(Activity.capacity.is_(None), Activity.capacity > taken),
        )
    return query


@dataclass(frozen=True)
class ActivityPage:
    rows: list[ActivityRow]
    page: int
    pages: int
    total: int  # exact up to paging.MAX_LISTED_ROWS, then that number with is_capped
    is_capped: bool = False


def list_activities(
    filters: ActivityFilters,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> ActivityPage:
    """Published activities: upcoming (and ongoing) soonest first, or the archive newest
    first. Three queries whatever the length: count, rows, districts. The count stops at
    paging.MAX_LISTED_ROWS (then `is_capped`), so the deepest page and the count stay
    cheap however long the archive grows."""
    query = _filtered(filters, now or utcnow())
    limit = paging.MAX_LISTED_ROWS
    counted = query.with_only_columns(sa.literal(1)).limit(limit + 1).subquery()
    found = db.session.scalar(sa.select(sa.func.count()).select_from(counted)) or 0
    total = min(found, limit)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    if filters.archive:
        query = query.order_by(Activity.starts_at.desc(), Activity.id.desc())
    else:
        query = query.order_by(Activity.starts_at, Activity.id)
    offset = (page - 1) * per_page
    result = db.session.execute(query.limit(min(per_page, limit - offset)).offset(offset))
    rows = [ActivityRow(activity, int(taken), int(waiting)) for activity, taken, waiting in result]
    return ActivityPage(rows, page, pages, total, is_capped=found > limit)


# The order of both lists (ascending upcoming, descending in the archive), for keyset paging.
ORDER_COLUMNS = (Activity.starts_at, Activity.id)


def filtered_select(filters: ActivityFilters, *, now: datetime | None = None) -> sa.Select[Any]:
    """(Activity, taken, waiting) rows matching the filters, in no order (counting, the API)."""
    return _filtered(filters, now or utcnow())


def list_activities_keyset(
    filters: ActivityFilters,
    *,
    cursor: Cursor | None,
    per_page: int,
    now: datetime | None = None,
) -> KeysetPage[ActivityRow]:
    """One page after (or before) `cursor`: one query of per_page + 1 rows (the API)."""
    page = keyset_page(
        _filtered(filters, now or utcnow()),
        ORDER_COLUMNS,
        lambda row: (row[0].starts_at, row[0].id),
        descending=filters.archive,
        cursor=cursor,
        per_page=per_page,
        scalars=False,
    )
    rows = [
        ActivityRow(activity, int(taken), int(waiting)) for activity, taken, waiting in page.items
    ]
    return KeysetPage(rows, page.next_cursor, page.previous_cursor)


def get_activity_row(activity_id: int) -> ActivityRow | None:
    """One activity with its numbers, whatever its status (the view decides who sees it)."""
    query = sa.select(Activity, _taken().label("taken"), _waiting().label("waiting")).where(
        Activity.id == activity_id
    )
    found = db.session.execute(query).first()
    if found is None:
        return None
    activity, taken, waiting = found
    return ActivityRow(activity, int(taken), int(waiting))


def live_signups(activity_id: int) -> list[Signup]:
    """Everyone confirmed or waiting (not cancelled), in sign-up order."""
    return list(
        db.session.scalars(
            sa.select(Signup)
            .where(Signup.activity_id == activity_id, Signup.status != SignupStatus.CANCELLED)
            .order_by(Signup.id)
        )
    )


def list_signups(activity_id: int) -> tuple[list[Signup], list[Signup]]:
    """(confirmed, waiting list in order) for the organiser's view."""
    signups = live_signups(activity_id)
    confirmed = [s for s in signups if s.status == SignupStatus.CONFIRMED]
    waiting = [s for s in signups if s.status == SignupStatus.WAITING]
    return confirmed, waiting


def find_live_signup(activity_id: int, email: str) -> Signup | None:
    """The not-cancelled sign-up of a (normalised) e-mail address, if any."""
    return db.session.scalar(
        sa.select(Signup).where(
            Signup.activity_id == activity_id,
            Signup.email == email,
            Signup.status != SignupStatus.CANCELLED,
        )
    )


def count_taken(activity_id: int) -> int:
    """People with a confirmed place: `activities.places_taken`, read from the database
    (the triggers of migration 0017 keep it equal to the confirmed sign-ups' people, also
    after this session's own flushed writes). 0 for an unknown id."""
    return int(
        db.session.scalar(sa.select(Activity.places_taken).where(Activity.id == activity_id)) or 0
    )


def waiting_position(signup: Signup) -> int | None:
    """1 for the first in line; None when not waiting."""
    if signup.status != SignupStatus.WAITING:
        return None
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Signup.activity_id == signup.activity_id,
                Signup.status == SignupStatus.WAITING,
                Signup.id <= signup.id,
            )
        )
        or 0
    )


def get_signup_by_token(token: str) -> Signup | None:
    """The sign-up a private link's token opens; None for an unknown or absurd token."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Signup).where(Signup.token_hash == hash_token(token)))


def list_own_activities(user_id: int) -> list[Activity]:
    """What a resident has proposed, newest first, whatever its status."""
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.author_id == user_id)
            .order_by(Activity.created_at.desc(), Activity.id.desc())
        )
    )


# The subscribable calendar: what is on in the next CALENDAR_DAYS, at most CALENDAR_LIMIT
# events (the ones ending soonest). A subscribed calendar reads the file again every hour,
# so activities further ahead arrive in time; the cap keeps one file (and one render, about
# half a millisecond an event) bounded however many activities a busy season has.
CALENDAR_DAYS = 90
CALENDAR_LIMIT = 300


def list_for_calendar(
    district_id: int | None = None,
    *,
    now: datetime | None = None,
    days: int = CALENDAR_DAYS,
    limit: int = CALENDAR_LIMIT,
) -> list[Activity]:
    """Published activities not yet ended that start within `days`, at most `limit`: the
    ones ending soonest, returned soonest start first. Cancelled ones stay in (as
    STATUS:CANCELLED) so calendars learn of it. Only one district's with `district_id`.

    One query (the district is not loaded; reading it raises): a range scan of the partial index
    `ix_activities_published_ends` from `now`, which stops after `limit` rows, so neither
    the archive of ended activities nor a long upcoming list makes it slower."""
    now = now or utcnow()
    query = (
        sa.select(Activity)
        .where(
            Activity.status == Status.PUBLISHED,
            Activity.ends_at > now,
            Activity.starts_at < now + timedelta(days=days),
        )
        .order_by(Activity.ends_at, Activity.id)
        .limit(limit)
        .options(raiseload(Activity.district))
    )
    if district_id is not None:
        query = query.where(Activity.district_id == district_id)
    return sorted(db.session.scalars(query), key=lambda a: (a.starts_at, a.id))


def list_public_ids_for_sitemap(limit: int = 10_000) -> list[tuple[int, datetime]]:
    """(id, updated_at) of published activities, newest first, for the sitemap."""
    query = (
        sa.select(Activity.id, Activity.updated_at)
        .where(Activity.status == Status.PUBLISHED)
        .order_by(Activity.starts_at.desc())
        .limit(limit)
    )
    return [(row.id, row.updated_at) for row in db.session.execute(query)]
