"""The report to the city council (Local Government Act): the initiatives submitted in a period
and what was done about each, grouped by major district and theme, with totals.

"Submitted in the period" means first sent for review between the period's first day 00:00
and the day after its last day 00:00, Helsinki time (`periods.Period`). The page and the CSV
come from the same `CouncilReport`.

The counts (per district and status, and the threshold) come from one GROUP BY, so they are
always complete; the page's may be up to STATISTICS_CACHE_SECONDS old (60 s,
participate.caching.cached_aggregate), the CSV's are counted when it is downloaded. The
page lists at most PAGE_LISTED (100) initiatives, the first sent (issue #11: a page's cost
must not grow with the data; a period with tens of thousands of initiatives made a 13 MB
page); it says so and points to the CSV, which lists every one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from participate.caching import cached_aggregate
from participate.csv import write_csv
from participate.districts.queries import list_districts
from participate.extensions import db
from participate.i18n.formatting import local_date
from participate.initiatives.clock import ClockState, clock_state
from participate.initiatives.models import Initiative
from participate.moderation.periods import Period
from participate.workflow.states import Status

WHOLE_CITY = "city"
# The most initiatives the report's page lists. Each costs about 0.3 ms of HTML (links,
# answers, the council's clock): 100 keep the page within 50 ms of server time; the CSV
# lists every one.
PAGE_LISTED = 100
# Finnish Excel's list separator is the semicolon; the BOM makes it read UTF-8 (ä, ö, å).


@dataclass(frozen=True)
class ThemeGroup:
    name: str
    initiatives: list[Initiative]


@dataclass(frozen=True)
class DistrictGroup:
    slug: str  # WHOLE_CITY for initiatives about the whole city
    name: str
    themes: list[ThemeGroup]  # the listed initiatives (all of them unless the report is capped)
    statuses: Mapping[Status, int] = field(default_factory=dict)  # every one sent, by status

    @property
    def initiatives(self) -> list[Initiative]:
        return [initiative for theme in self.themes for initiative in theme.initiatives]

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def count(self, *statuses: Status) -> int:
        return sum(self.statuses.get(status, 0) for status in statuses)


@dataclass(frozen=True)
class CouncilReport:
    period: Period
    groups: list[DistrictGroup]  # every district (also those with none), whole city last
    by_status: list[tuple[Status, int]]
    threshold_reached: int = 0
    listed: int = 0  # initiatives in the groups' themes

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def is_capped(self) -> bool:
        """True when the page lists only the first `listed` of `total`."""
        return self.listed < self.total

    @property
    def groups_with_initiatives(self) -> list[DistrictGroup]:
        return [group for group in self.groups if group.initiatives]

    def count(self, *statuses: Status) -> int:
        return sum(group.count(*statuses) for group in self.groups)

    @property
    def answered(self) -> int:
        return self.count(Status.ANSWERED, Status.CLOSED)


def _in_period(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        Initiative.first_submitted_at >= period.utc_start,
        Initiative.first_submitted_at < period.utc_end,
    )


def count_submitted(period: Period) -> tuple[dict[int | None, Counter[Status]], int]:
    """({district id: {status: initiatives}}, how many reached the threshold) of the
    initiatives first sent in the period: one GROUP BY over the covering
    ix_initiatives_statistics (migration 0021), which has every column it reads."""
    rows = db.session.execute(
        sa.select(
            Initiative.district_id,
            Initiative.status,
            sa.func.count(),
            sa.func.count(Initiative.threshold_reached_at),
        )
        .where(_in_period(period))
        .group_by(Initiative.district_id, Initiative.status)
    ).all()
    counts: dict[int | None, Counter[Status]] = {}
    for district_id, status, number, _reached in rows:
        counts.setdefault(district_id, Counter())[Status(status)] += int(number)
    return counts, sum(int(reached) for *_rest, reached in rows)


def list_submitted(period: Period, *, limit: int | None = None) -> list[Initiative]:
    """Initiatives first sent for review in the period, with what the report shows, the first
    sent first (at most `limit`): one query."""
    query = (
        sa.select(Initiative)
        .where(_in_period(period))
        .options(
            joinedload(Initiative.theme),
            joinedload(Initiative.district),
            joinedload(Initiative.author),
            joinedload(Initiative.answer),
        )
        .order_by(Initiative.first_submitted_at, Initiative.id)
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def build(period: Period, lang: str, *, limit: int | None = None) -> CouncilReport:
    """The report of the period; with `limit` (the page: PAGE_LISTED) only the first `limit`
    initiatives are listed, the counts still cover every one (the CSV passes no limit)."""
    # The page's counts are cached briefly, as the statistics' (their GROUP BY reads every
    # initiative sent in the period); the CSV, the record sent to the council, counts afresh.
    counts, threshold_reached = (
        count_submitted(period)
        if limit is None
        else cached_aggregate(
            ("council-report", period.start, period.end), lambda: count_submitted(period)
        )
    )
    initiatives = list_submitted(period, limit=limit)
    by_district: dict[int | None, list[Initiative]] = {}
    for initiative in initiatives:
        by_district.setdefault(initiative.district_id, []).append(initiative)

    def themes_of(items: list[Initiative]) -> list[ThemeGroup]:
        by_theme: dict[int, list[Initiative]] = {}
        for item in items:
            by_theme.setdefault(item.theme_id, []).append(item)
        ordered = sorted(
            by_theme.values(), key=lambda group: (group[0].theme.position, group[0].theme_id)
        )
        return [ThemeGroup(group[0].theme.name(lang).text, group) for group in ordered]

    groups = [
        DistrictGroup(
            district.slug,
            district.name(lang),
            themes_of(by_district.get(district.id, [])),
            counts.get(district.id, Counter()),
        )
        for district in list_districts()
    ]
    groups.append(
        DistrictGroup(
            WHOLE_CITY,
            _("Whole city"),
            themes_of(by_district.get(None, [])),
            counts.get(None, Counter()),
        )
    )
    totals: Counter[Status] = Counter()
    for by_district_status in counts.values():
        totals.update(by_district_status)
    by_status = [(status, totals[status]) for status in Status if totals[status]]
    return CouncilReport(period, groups, by_status, threshold_reached, len(initiatives))


def _met(state: ClockState | None) -> str:
    """Yes / No / "" (no clock, or still running) for the council's six-month deadline."""
    if state is None or state.was_met is None:
        return ""
    return _("Yes") if state.was_met else _("No")


def report_csv(report: CouncilReport, *, lang: str, entry_url: Callable[[Initiative], str]) -> str:
    """One row per initiative, in the page's language: UTF-8 with a BOM, semicolons, CRLF."""
    header = [
        _("Major district"),
        _("Theme"),
        _("Number"),
        _("Title"),
        _("Language"),
        _("Sent"),
        _("Status"),
        _("Supporters"),
        _("Supports from identified residents"),
        _("Other supports"),
        _("Threshold reached"),
        _("Filed with the city"),
        _("Council deadline"),
        _("Taken up by the council"),
        _("Deadline met"),
        _("First decision"),
        _("Decision-maker"),
        _("Date of the decision"),
        _("The city's answer"),
        _("Address"),
    ]
    rows = []
    for group in report.groups:
        for theme in group.themes:
            for initiative in theme.initiatives:
                answer = initiative.answer
                state = clock_state(initiative)
                rows.append(
                    [
                        group.name,
                        theme.name,
                        initiative.id,
                        initiative.title,
                        initiative.language,
                        local_date(initiative.first_submitted_at),
                        initiative.status.label,
                        initiative.support_count,
                        initiative.resident_support_count,
                        initiative.other_support_count,
                        _("Yes") if initiative.threshold_reached_at else _("No"),
                        local_date(initiative.filed_at),
                        local_date(state.deadline) if state else "",
                        local_date(initiative.council_decision_at),
                        _met(state),
                        local_date(initiative.first_decision_at),
                        answer.decision_maker if answer else "",
                        local_date(answer.decided_on) if answer else "",
                        answer.body(lang).text if answer else "",
                        entry_url(initiative),
                    ]
                )
    return write_csv(header, rows)
