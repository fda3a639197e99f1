"""Reporting periods as the city counts them: whole days in Helsinki time.

An initiative sent at 23.30 on 30 June in Helsinki (20.30 UTC) belongs to June, so a period
is turned into UTC bounds only here: [start 00:00 Helsinki, the day after end 00:00 Helsinki).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from participate.db import utcnow
from participate.i18n.locale import TIMEZONE

HELSINKI = ZoneInfo(TIMEZONE)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    @property
    def utc_start(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=HELSINKI).astimezone(UTC)

    @property
    def utc_end(self) -> datetime:
        """The first moment after the period (exclusive)."""
        next_day = self.end + timedelta(days=1)
        return datetime.combine(next_day, time(0), tzinfo=HELSINKI).astimezone(UTC)

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def as_args(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def today_in_helsinki(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(HELSINKI).date()


def _months_back(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + (day.month - 1) - months
    return date(index // 12, index % 12 + 1, 1)


def last_full_months(count: int, now: datetime | None = None) -> Period:
    """The `count` whole months before the current one (the council report's default:
    on 23 November 2026, six months are 1 May to 31 October 2026)."""
    today = today_in_helsinki(now)
    first_of_this_month = today.replace(day=1)
    return Period(_months_back(today, count), first_of_this_month - timedelta(days=1))


def recent_months(count: int, now: datetime | None = None) -> Period:
    """The current month and the `count - 1` before it, up to today (statistics' default)."""
    today = today_in_helsinki(now)
    return Period(_months_back(today, count - 1), today)
