"""The report to the city council (Local Government Act): the initiatives submitted in a period
and what was done about each, grouped by major district and theme, with totals.

"Submitted in the period" means first sent for review between the period's first day 00:00
and the day after its last day 00:00, Helsinki time (`periods.Period`). The page and the CSV
come from the same `CouncilReport`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from participate.csv import write_csv
from participate.districts.queries import list_districts
from participate.extensions import db
from participate.i18n.formatting import local_date
from participate.initiatives.clock import ClockState, clock_state
from participate.initiatives.models import Initiative
from participate.moderation.periods import Period
from participate.workflow.states import Status

WHOLE_CITY = "city"
# Finnish Excel's list separator is the semicolon; the BOM makes it read UTF-8 (ä, ö, å).


@dataclass(frozen=True)
class ThemeGroup:
    name: str
    initiatives: list[Initiative]


@dataclass(frozen=True)
class DistrictGroup:
    slug: str  # WHOLE_CITY for initiatives about the whole city
    name: str
    themes: list[ThemeGroup]

    @property
    def initiatives(self) -> list[Initiative]:
        return [initiative for theme in self.themes for initiative in theme.initiatives]

    @property
    def total(self) -> int:
        return len(self.initiatives)

    def count(self, *statuses: Status) -> int:
        return sum(1 for initiative in self.initiatives if initiative.status in statuses)


@dataclass(frozen=True)
class CouncilReport:
    period: Period
    groups: list[DistrictGroup]  # every district (also those with none), whole city last
    by_status: list[tuple[Status, int]]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def groups_with_initiatives(self) -> list[DistrictGroup]:
        return [group for group in self.groups if group.total]

    def count(self, *statuses: Status) -> int:
        return sum(group.count(*statuses) for group in self.groups)

    @property
    def answered(self) -> int:
        return self.count(Status.ANSWERED, Status.CLOSED)

    @property
    def threshold_reached(self) -> int:
        return sum(
            1
            for group in self.groups
            for initiative in group.initiatives
            if initiative.threshold_reached_at is not None
        )


def list_submitted(period: Period) -> list[Initiative]:
    """Initiatives first sent for review in the period, with what the report shows: one query."""
    query = (
        sa.select(Initiative)
        .where(
            Initiative.first_submitted_at >= period.utc_start,
            Initiative.first_submitted_at < period.utc_end,
        )
        .options(
            joinedload(Initiative.theme),
            joinedload(Initiative.district),
            joinedload(Initiative.author),
            joinedload(Initiative.answer),
        )
        .order_by(Initiative.first_submitted_at, Initiative.id)
    )
    return list(db.session.scalars(query).unique())


def build(period: Period, lang: str) -> CouncilReport:
    initiatives = list_submitted(period)
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
            district.slug, district.name(lang), themes_of(by_district.get(district.id, []))
        )
        for district in list_districts()
    ]
    groups.append(DistrictGroup(WHOLE_CITY, _("Whole city"), themes_of(by_district.get(None, []))))
    counts = Counter(initiative.status for initiative in initiatives)
    by_status = [(status, counts[status]) for status in Status if counts[status]]
    return CouncilReport(period, groups, by_status)


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
