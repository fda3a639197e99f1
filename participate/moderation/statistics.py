"""Statistics for the development manager: submissions and supports per month, district, theme
and status; time from submission to first decision (median and 90th percentile); sign-ups
and fill rate per activity.

A fixed number of plain column queries, whatever the period: months (in Helsinki time),
medians and percentiles are computed here in Python, so the same code runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import raiseload

from participate.activities.models import Activity, Signup, SignupStatus
from participate.districts.queries import list_districts
from participate.extensions import db
from participate.initiatives.models import Initiative, Support, Theme
from participate.moderation.periods import Period, helsinki_month
from participate.workflow.states import Status


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


@dataclass(frozen=True)
class DecisionTime:
    kind_label: str
    decided: int  # how many got a first decision
    waiting: int  # sent in the period, not decided yet
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class ActivityFill:
    activity: Activity
    participants: int
    waiting: int

    @property
    def capacity(self) -> int | None:
        return self.activity.capacity

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
    activities: list[ActivityFill]
    total_submissions: int
    total_supports: int


def _in(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.utc_start, column < period.utc_end)


def _decision_time(label: str, rows: Sequence[Any]) -> DecisionTime:
    seconds = [
        (row.first_decision_at - row.first_submitted_at).total_seconds()
        for row in rows
        if row.first_decision_at is not None
    ]
    return DecisionTime(
        kind_label=label,
        decided=len(seconds),
        waiting=len(rows) - len(seconds),
        median=timedelta(seconds=percentile(seconds, 0.5)) if seconds else None,
        p90=timedelta(seconds=percentile(seconds, 0.9)) if seconds else None,
    )


def month_label(year: int, month: int) -> str:
    return str(format_date(date(year, month, 1), "LLLL yyyy"))


def build(period: Period, lang: str) -> Statistics:
    initiatives = db.session.execute(
        sa.select(
            Initiative.first_submitted_at,
            Initiative.first_decision_at,
            Initiative.status,
            Initiative.district_id,
            Initiative.theme_id,
            Initiative.support_count,
        ).where(_in(Initiative.first_submitted_at, period))
    ).all()
    support_times = db.session.scalars(
        sa.select(Support.created_at).where(_in(Support.created_at, period))
    ).all()
    proposals = db.session.execute(
        sa.select(Activity.first_submitted_at, Activity.first_decision_at, Activity.status).where(
            _in(Activity.first_submitted_at, period)
        )
    ).all()

    submissions_by_month = Counter(helsinki_month(row.first_submitted_at) for row in initiatives)
    supports_by_month = Counter(helsinki_month(moment) for moment in support_times)
    months = [
        MonthRow(
            year,
            month,
            month_label(year, month),
            submissions_by_month[(year, month)],
            supports_by_month[(year, month)],
        )
        for year, month in period.months()
    ]

    def grouped(key: str) -> tuple[Counter[int | None], Counter[int | None]]:
        counts: Counter[int | None] = Counter()
        supports: Counter[int | None] = Counter()
        for row in initiatives:
            counts[getattr(row, key)] += 1
            supports[getattr(row, key)] += row.support_count
        return counts, supports

    district_counts, district_supports = grouped("district_id")
    districts = [
        CountRow(d.name(lang), district_counts[d.id], district_supports[d.id])
        for d in list_districts()
    ]
    districts.append(CountRow(_("Whole city"), district_counts[None], district_supports[None]))

    theme_counts, theme_supports = grouped("theme_id")
    themes = [
        CountRow(theme.name(lang).text, theme_counts[theme.id], theme_supports[theme.id])
        for theme in db.session.scalars(sa.select(Theme).order_by(Theme.position, Theme.id))
        if theme.is_active or theme_counts[theme.id]
    ]

    initiative_statuses = Counter(row.status for row in initiatives)
    proposal_statuses = Counter(row.status for row in proposals)
    statuses = [
        StatusRow(status, initiative_statuses[status], proposal_statuses[status])
        for status in Status
        if status != Status.DRAFT
    ]

    decision_times = [
        _decision_time(str(Initiative.moderation_label), initiatives),
        _decision_time(str(Activity.moderation_label), proposals),
    ]

    taken = (
        sa.select(sa.func.coalesce(sa.func.sum(Signup.people), 0))
        .where(Signup.activity_id == Activity.id, Signup.status == SignupStatus.CONFIRMED)
        .correlate(Activity)
        .scalar_subquery()
    )
    waiting = (
        sa.select(sa.func.count(Signup.id))
        .where(Signup.activity_id == Activity.id, Signup.status == SignupStatus.WAITING)
        .correlate(Activity)
        .scalar_subquery()
    )
    activity_rows = db.session.execute(
        sa.select(Activity, taken, waiting)
        .where(Activity.status == Status.PUBLISHED, _in(Activity.starts_at, period))
        .options(raiseload(Activity.district))
        .order_by(Activity.starts_at, Activity.id)
    ).all()
    activities = [
        ActivityFill(
            activity,
            activity.final_participants
            if activity.final_participants is not None
            else int(count or 0),
            int(queued or 0),
        )
        for activity, count, queued in activity_rows
    ]
    return Statistics(
        period=period,
        months=months,
        districts=districts,
        themes=themes,
        statuses=statuses,
        decision_times=decision_times,
        activities=activities,
        total_submissions=len(initiatives),
        total_supports=len(support_times),
    )
