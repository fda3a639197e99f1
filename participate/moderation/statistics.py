"""Statistics for the development manager: submissions and supports per month, district, theme
and status; time from submission to first decision (median and 90th percentile); sign-ups
and fill rate per activity.

A fixed number of aggregate queries, whatever the period or the data's size (issue #11):
the database counts and groups, Python only labels. Months are Helsinki months:
`date_trunc('month', t AT TIME ZONE 'Europe/Helsinki')` on PostgreSQL; on SQLite (no time
zones) a CASE over the UTC starts of the period's Helsinki months, computed with zoneinfo,
so daylight saving time is right on both. The median and 90th percentile of decision times
are `percentile_cont` on PostgreSQL and the same interpolation in Python on SQLite.
What each aggregate reads does not grow with the supports (migration 0020): supports per
month sum `support_hours`, hourly counts that triggers keep; the initiatives' aggregates
read `ix_initiatives_statistics` alone (one index entry per initiative sent in the period).
The aggregates are cached per period for STATISTICS_CACHE_SECONDS (60 s; 0 in tests) in each
process (participate.caching.cached_aggregate): the page is read often and changes slowly.
The sign-ups per activity list at most ACTIVITIES_LISTED activities, the first to start (a
year of 10,000 activities made a 600 kB page); the page says when there are more.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import raiseload

from participate.activities.models import Activity, Signup, SignupStatus
from participate.caching import cached_aggregate
from participate.districts.queries import list_districts
from participate.extensions import db
from participate.i18n.content import Localized, pick
from participate.i18n.formatting import local_month
from participate.i18n.locale import TIMEZONE
from participate.initiatives.clock import ClockState, clock_state
from participate.initiatives.models import Initiative, SupportHour, Theme
from participate.moderation.periods import HELSINKI, Period
from participate.workflow.states import Status

# The most activities the "sign-ups per activity" table lists: 50, the first to start (each
# row costs about 0.1 ms to render; a shorter period lists the others).
ACTIVITIES_LISTED = 50


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (the median is `fraction=0.5`)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class MonthRow:
    year: int
    month: int
    label: str
    submissions: int
    supports: int


@dataclass(frozen=True)
class CountRow:
    label: str
    submissions: int
    supports: int  # the supports of the initiatives sent in the period (today's count)


@dataclass(frozen=True)
class StatusRow:
    status: Status
    initiatives: int
    activities: int

    @property
    def label(self) -> str:
        return str(self.status.label)


@dataclass(frozen=True)
class DecisionTime:
    kind_label: str
    decided: int  # how many got a first decision
    waiting: int  # sent in the period, not decided yet
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class ActivityFill:
    # The columns the table shows (id, title_fi/_sv/_en, starts_at, capacity), as a plain
    # row: the page lists up to ACTIVITIES_LISTED, and whole Activity objects (descriptions
    # in three languages, twenty columns more) were most of each row's cost.
    activity: Any
    participants: int
    waiting: int

    @property
    def title(self) -> Localized:
        """The title in the page's language, or the first one written (`i18n.content.pick`)."""
        return pick(self.activity, "title")

    @property
    def capacity(self) -> int | None:
        return self.activity.capacity  # type: ignore[no-any-return]

    @property
    def fill_rate(self) -> float | None:
        """Share of places taken (0 to 1), None when there is no limit."""
        if not self.activity.capacity:
            return None
        return self.participants / self.activity.capacity


@dataclass(frozen=True)
class Statistics:
    period: Period
    months: list[MonthRow]
    districts: list[CountRow]
    themes: list[CountRow]
    statuses: list[StatusRow]
    decision_times: list[DecisionTime]
    activities: list[ActivityFill]  # at most ACTIVITIES_LISTED, the first to start
    activities_capped: bool
    total_submissions: int
    total_supports: int
    # Initiatives filed with the city in the period, with the council's clock.
    filed: list[tuple[Initiative, ClockState | None]]


def _in(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.utc_start, column < period.utc_end)


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _month_of(column: Any, period: Period) -> sa.ColumnElement[Any]:
    """The Helsinki month of `column` (a UTC datetime within the period): on PostgreSQL the
    local timestamp of the month's start (`date_trunc`; formatting it in SQL doubled the
    cost at 1,000,000 supports), on SQLite 'YYYY-MM'. `_month_key` reads either."""
    if _is_postgresql():
        return sa.func.date_trunc("month", sa.func.timezone(TIMEZONE, column))
    months = period.months()
    whens = []
    for (year, month), (next_year, next_month) in itertools.pairwise(months):
        next_start = datetime(next_year, next_month, 1, tzinfo=HELSINKI).astimezone(UTC)
        whens.append((column < next_start, f"{year:04d}-{month:02d}"))
    last_year, last_month = months[-1]
    if not whens:
        return sa.literal(f"{last_year:04d}-{last_month:02d}")
    return sa.case(*whens, else_=f"{last_year:04d}-{last_month:02d}")


def _per_month(column: Any, period: Period, weight: Any = None) -> dict[tuple[int, int], int]:
    """Rows per Helsinki month of `column` within the period; with `weight`, the sum of that
    column instead of a count (pre-counted rows such as SupportHour.supports)."""
    bucket = _month_of(column, period).label("month")
    total = sa.func.count() if weight is None else sa.func.sum(weight)
    rows = db.session.execute(
        sa.select(bucket, total).where(_in(column, period)).group_by(bucket)
    ).all()
    return {_month_key(key): int(count or 0) for key, count in rows}


def _month_key(value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        return int(value[:4]), int(value[5:7])
    return value.year, value.month


def _decision_time(label: str, model: Any, period: Period) -> DecisionTime:
    """Counts, median and 90th percentile of first decision minus first submission."""
    in_period = _in(model.first_submitted_at, period)
    decided = model.first_decision_at.is_not(None)
    counts = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(model.first_decision_at)).where(in_period)
    ).one()
    total, decided_count = int(counts[0]), int(counts[1])
    median = p90 = None
    if decided_count and _is_postgresql():
        seconds = sa.extract("epoch", model.first_decision_at - model.first_submitted_at)
        row = db.session.execute(
            sa.select(
                sa.func.percentile_cont(0.5).within_group(seconds),
                sa.func.percentile_cont(0.9).within_group(seconds),
            ).where(in_period, decided)
        ).one()
        median, p90 = timedelta(seconds=float(row[0])), timedelta(seconds=float(row[1]))
    elif decided_count:
        # SQLite has no percentile function: read the decided pairs (only those).
        pairs = db.session.execute(
            sa.select(model.first_submitted_at, model.first_decision_at).where(in_period, decided)
        ).all()
        values = [(decision - sent).total_seconds() for sent, decision in pairs]
        median = timedelta(seconds=percentile(values, 0.5))
        p90 = timedelta(seconds=percentile(values, 0.9))
    return DecisionTime(label, decided_count, total - decided_count, median, p90)


@dataclass(frozen=True)
class _Aggregates:
    """The numbers of a period, without labels (what the cache keeps)."""

    submissions_by_month: dict[tuple[int, int], int]
    supports_by_month: dict[tuple[int, int], int]
    by_district: dict[int | None, tuple[int, int]]  # district id → (submissions, supports)
    by_theme: dict[int, tuple[int, int]]
    initiative_statuses: dict[Status, int]
    proposal_statuses: dict[Status, int]
    initiative_times: DecisionTime
    proposal_times: DecisionTime


def _grouped(column: Any, period: Period) -> dict[Any, tuple[int, int]]:
    rows = db.session.execute(
        sa.select(
            column, sa.func.count(), sa.func.coalesce(sa.func.sum(Initiative.support_count), 0)
        )
        .where(_in(Initiative.first_submitted_at, period))
        .group_by(column)
    ).all()
    return {key: (int(count), int(supports)) for key, count, supports in rows}


def _statuses(model: Any, period: Period) -> dict[Status, int]:
    rows = db.session.execute(
        sa.select(model.status, sa.func.count())
        .where(_in(model.first_submitted_at, period))
        .group_by(model.status)
    ).all()
    return {Status(status): int(count) for status, count in rows}


def _aggregate(period: Period) -> _Aggregates:
    return _Aggregates(
        submissions_by_month=_per_month(Initiative.first_submitted_at, period),
        # Hourly counts kept by triggers (migration 0020): the same numbers as counting the
        # supports of the period, from at most 8,784 rows a year.
        supports_by_month=_per_month(SupportHour.hour, period, SupportHour.supports),
        by_district=_grouped(Initiative.district_id, period),
        by_theme=_grouped(Initiative.theme_id, period),
        initiative_statuses=_statuses(Initiative, period),
        proposal_statuses=_statuses(Activity, period),
        initiative_times=_decision_time(str(Initiative.moderation_label), Initiative, period),
        proposal_times=_decision_time(str(Activity.moderation_label), Activity, period),
    )


def _relabelled(times: DecisionTime, label: str) -> DecisionTime:
    return DecisionTime(label, times.decided, times.waiting, times.median, times.p90)


def build(period: Period, lang: str) -> Statistics:
    """The statistics page of a period, labelled in `lang` (the numbers may be up to
    STATISTICS_CACHE_SECONDS old; the activities' fill rates are always read fresh)."""
    numbers = cached_aggregate(("statistics", period.start, period.end), lambda: _aggregate(period))
    # The labels and the decision-time names follow the page's language, not the cache's.
    months = [
        MonthRow(
            year,
            month,
            local_month(year, month),
            numbers.submissions_by_month.get((year, month), 0),
            numbers.supports_by_month.get((year, month), 0),
        )
        for year, month in period.months()
    ]
    districts = [
        CountRow(d.name(lang), *numbers.by_district.get(d.id, (0, 0))) for d in list_districts()
    ]
    districts.append(CountRow(_("Whole city"), *numbers.by_district.get(None, (0, 0))))
    themes = [
        CountRow(theme.name(lang).text, *numbers.by_theme.get(theme.id, (0, 0)))
        for theme in db.session.scalars(sa.select(Theme).order_by(Theme.position, Theme.id))
        if theme.is_active or theme.id in numbers.by_theme
    ]
    statuses = [
        StatusRow(
            status,
            numbers.initiative_statuses.get(status, 0),
            numbers.proposal_statuses.get(status, 0),
        )
        for status in Status
        if status != Status.DRAFT
    ]
    decision_times = [
        _relabelled(numbers.initiative_times, str(Initiative.moderation_label)),
        _relabelled(numbers.proposal_times, str(Activity.moderation_label)),
    ]

    taken = Activity.places_taken  # kept by triggers on the sign-ups (migration 0017)
    waiting = (
        sa.select(sa.func.count(Signup.id))
        .where(Signup.activity_id == Activity.id, Signup.status == SignupStatus.WAITING)
        .correlate(Activity)
        .scalar_subquery()
    )
    activity_rows = db.session.execute(
        sa.select(
            Activity.id,
            Activity.title_fi,
            Activity.title_sv,
            Activity.title_en,
            Activity.starts_at,
            Activity.capacity,
            Activity.final_participants,
            taken.label("taken"),
            waiting.label("queued"),
        )
        .where(Activity.status == Status.PUBLISHED, _in(Activity.starts_at, period))
        .order_by(Activity.starts_at, Activity.id)
        .limit(ACTIVITIES_LISTED + 1)
    ).all()
    activities_capped = len(activity_rows) > ACTIVITIES_LISTED
    activities = [
        ActivityFill(
            row,
            row.final_participants if row.final_participants is not None else int(row.taken or 0),
            int(row.queued or 0),
        )
        for row in activity_rows[:ACTIVITIES_LISTED]
    ]
    filed_rows = db.session.scalars(
        sa.select(Initiative)
        .where(_in(Initiative.filed_at, period))
        .options(raiseload("*"))
        .order_by(Initiative.filed_at, Initiative.id)
    )
    filed = [(initiative, clock_state(initiative)) for initiative in filed_rows]
    return Statistics(
        period=period,
        months=months,
        districts=districts,
        themes=themes,
        statuses=statuses,
        decision_times=decision_times,
        activities=activities,
        activities_capped=activities_capped,
        total_submissions=sum(numbers.submissions_by_month.values()),
        total_supports=sum(numbers.supports_by_month.values()),
        filed=filed,
    )
