"""Statistics: counts per month (Helsinki time), district, theme and status; median and
90th percentile time to the first decision; sign-ups and fill rate; charts and tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from participate.extensions import db
from participate.initiatives import supports
from participate.initiatives.models import Initiative, Support, SupportHour
from participate.moderation import statistics
from participate.moderation.periods import Period, last_full_months, recent_months
from participate.workflow.states import Status
from tests import factories, pages
from tests.plans import plans_of


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_percentile():
    assert statistics.percentile([5.0], 0.5) == 5.0
    assert statistics.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert statistics.percentile([4.0, 1.0, 3.0, 2.0, 10.0], 0.5) == 3.0
    assert statistics.percentile([float(n) for n in range(1, 11)], 0.9) == pytest.approx(9.1)
    with pytest.raises(ValueError, match="no values"):
        statistics.percentile([], 0.5)


def test_default_periods():
    now = at(2026, 11, 23, 10)
    assert last_full_months(6, now) == Period(date(2026, 5, 1), date(2026, 10, 31))
    assert recent_months(12, now) == Period(date(2025, 12, 1), date(2026, 11, 23))
    # Just after midnight on 1 January in Helsinki (still 31 December in UTC).
    assert last_full_months(6, at(2026, 12, 31, 22, 30)) == Period(
        date(2026, 7, 1), date(2026, 12, 31)
    )


def _initiative(app, submitted, decided=None, **kwargs):
    with app.app_context():
        initiative = factories.create_initiative(**kwargs)
        row = db.session.get(Initiative, initiative.id)
        row.first_submitted_at = row.submitted_at = submitted
        row.first_decision_at = decided
        db.session.commit()
        return initiative


def _support(app, initiative, moment):
    with app.app_context():
        support = factories.create_support(initiative)
        db.session.get(Support, support.id).created_at = moment
        db.session.commit()


def test_numbers(app):
    with app.app_context():
        theme = factories.create_theme(name_fi="Liikenne")
        other_theme = factories.create_theme(name_fi="Puistot")
    # 30 June 23.30 in Helsinki is 20.30 UTC: June. 1 July 00.30 in Helsinki: July.
    june = _initiative(
        app, at(2026, 6, 30, 20, 30), at(2026, 7, 1, 20, 30), theme=theme, support_count=0
    )
    _initiative(
        app, at(2026, 6, 30, 21, 30), at(2026, 7, 3, 21, 30), theme=theme, status="rejected"
    )
    _initiative(
        app, at(2026, 7, 10, 9), None, theme=other_theme, status="submitted", district_slug=None
    )
    _initiative(
        app, at(2026, 7, 20, 9), at(2026, 7, 30, 9), theme=other_theme, district_slug="vanha-espoo"
    )
    _initiative(app, at(2026, 5, 31, 20, 59), at(2026, 6, 2, 9), theme=theme)  # 31 May: outside
    _support(app, june, at(2026, 7, 2, 8))
    _support(app, june, at(2026, 7, 31, 21, 30))  # 1 August in Helsinki: outside
    with app.test_request_context("/fi/"):
        stats = statistics.build(Period(date(2026, 6, 1), date(2026, 7, 31)), "fi")
    assert [(row.year, row.month, row.submissions, row.supports) for row in stats.months] == [
        (2026, 6, 1, 0),
        (2026, 7, 3, 1),
    ]
    assert stats.months[0].label == "kesäkuu 2026"
    assert (stats.total_submissions, stats.total_supports) == (4, 1)
    districts = {row.label: (row.submissions, row.supports) for row in stats.districts}
    assert districts["Suur-Tapiola"] == (2, 2)  # today's supporters of those initiatives
    assert districts["Vanha-Espoo"] == (1, 0)
    assert districts["Koko kaupunki"] == (1, 0)
    assert len(stats.districts) == 8
    themes = {row.label: row.submissions for row in stats.themes}
    assert (themes["Liikenne"], themes["Puistot"]) == (2, 2)
    statuses = {row.status: row.initiatives for row in stats.statuses}
    assert statuses[Status.PUBLISHED] == 2
    assert statuses[Status.REJECTED] == 1
    assert statuses[Status.SUBMITTED] == 1
    initiative_times = stats.decision_times[0]
    # Decisions after 1, 3 and 10 days: median 3 days, 90th percentile 8.6 days.
    assert (initiative_times.decided, initiative_times.waiting) == (3, 1)
    assert initiative_times.median == timedelta(days=3)
    assert initiative_times.p90 == timedelta(days=8.6)
    assert stats.decision_times[1].median is None


def test_activities_fill_rate(app):
    with app.app_context():
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        full = factories.create_activity(
            title={"fi": "Täysi"}, capacity=4, starts_in=timedelta(days=3)
        )
        free = factories.create_activity(
            title={"fi": "Vapaa"}, capacity=None, starts_in=timedelta(days=4)
        )
        factories.create_signup(full, people=3)
        factories.create_signup(full, people=1)
        factories.create_signup(full, status="waiting", people=2)
        factories.create_signup(free, people=2)
        factories.create_activity(
            title={"fi": "Ehdotus"}, status="submitted", starts_in=timedelta(days=3)
        )
    with app.test_request_context("/fi/"):
        stats = statistics.build(
            Period(start.date() - timedelta(days=1), start.date() + timedelta(days=5)), "fi"
        )
    rows = {row.activity.title_fi: row for row in stats.activities}
    assert set(rows) == {"Täysi", "Vapaa"}
    assert (rows["Täysi"].participants, rows["Täysi"].waiting, rows["Täysi"].fill_rate) == (
        4,
        1,
        1.0,
    )
    assert (rows["Vapaa"].participants, rows["Vapaa"].fill_rate) == (2, None)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_page_has_charts_and_tables(app, client, login_as, lang):
    login_as("moderator")
    _initiative(app, datetime.now(UTC) - timedelta(days=3), datetime.now(UTC) - timedelta(days=1))
    with app.app_context():
        factories.create_activity()
    soup = pages.get(client, f"/{lang}/moderation/statistics")
    charts = soup.select("svg.chart")
    assert len(charts) == 5
    for chart in charts:
        assert chart["role"] == "img"
        title_id, desc_id = chart["aria-labelledby"].split()
        assert chart.select_one(f"title#{title_id}").get_text(strip=True)
        assert chart.select_one(f"desc#{desc_id}").get_text(strip=True)
        assert chart.select("rect")
        # A visible title too: two charts can share one heading.
        caption = chart.find_parent("figure").select_one("figcaption")
        assert caption.get_text(strip=True) == chart.select_one("title").get_text(strip=True)
    for table in soup.select("table.numbers"):
        assert table.caption.get_text(strip=True)
        assert table.select("th[scope=col]")
        assert table.select("tbody th[scope=row]")
    assert soup.select_one('input#start[type="date"]')["value"]


def test_chart_text_is_escaped(app, client, login_as):
    login_as("moderator")
    with app.app_context():
        theme = factories.create_theme(name_fi='<script>alert("x")</script>')
    _initiative(app, datetime.now(UTC) - timedelta(days=1), theme=theme)
    response = client.get("/fi/moderation/statistics")
    body = response.get_data(as_text=True)
    assert '<script>alert("x")' not in body
    assert "&lt;script&gt;" in body


def test_statistics_do_not_grow_queries(app, client, login_as, count_queries):
    login_as("moderator")
    now = datetime.now(UTC)

    def make(count):
        with app.app_context():
            for number in range(count):
                initiative = factories.create_initiative(theme=factories.create_theme())
                factories.create_support(initiative)
                activity = factories.create_activity(starts_in=timedelta(days=number + 1))
                factories.create_signup(activity)

    make(2)
    start, end = (now - timedelta(days=30)).date(), (now + timedelta(days=60)).date()
    url = f"/fi/moderation/statistics?start={start}&end={end}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    make(12)
    with count_queries() as many:
        soup = pages.get(client, url)
    assert len(soup.select("section[aria-labelledby=activities-title] tbody tr")) == 14
    assert len(few) == len(many)


BAD_PERIODS = [
    ("?start=2026-07-01&end=2026-06-01", "end"),
    ("?start=1.6.2026&end=2026-06-30", "start"),
    ("?start=2026-06-01", "end"),
    ("?start=&end=2026-06-30", "start"),
    ("?start=2026-02-30&end=2026-03-31", "start"),
    ("?start=2010-01-01&end=2026-01-01", "end"),
    ("?start=1999-12-31&end=2000-12-31", "start"),
]


@pytest.mark.parametrize(("args", "field"), BAD_PERIODS)
@pytest.mark.parametrize("page", ["statistics", "council-report"])
def test_bad_periods(app, client, login_as, args, field, page):
    login_as("moderator")
    response = client.get(f"/en/moderation/{page}{args}")
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en")
    assert soup.select_one(f"#{field}-error"), field
    assert soup.select_one("#error-summary")
    if page == "council-report":
        assert client.get(f"/en/moderation/council-report.csv{args}").status_code == 400


def test_numbers_are_cached_briefly(app, count_queries, monkeypatch):
    app.extensions["aggregate_cache"].clear()
    monkeypatch.setitem(app.config, "STATISTICS_CACHE_SECONDS", 60)
    period = Period(date(2026, 6, 1), date(2026, 7, 31))
    _initiative(app, at(2026, 6, 10, 9))
    with app.test_request_context("/fi/"), count_queries() as first:
        assert statistics.build(period, "fi").total_submissions == 1
    _initiative(app, at(2026, 6, 11, 9))
    with app.test_request_context("/sv/"), force_locale("sv"), count_queries() as second:
        stats = statistics.build(period, "sv")
    assert stats.total_submissions == 1  # still the cached numbers
    assert stats.months[0].label == "juni 2026"  # labelled in the page's language
    assert len(second) < len(first)
    monkeypatch.setitem(app.config, "STATISTICS_CACHE_SECONDS", 0)
    with app.test_request_context("/fi/"):
        assert statistics.build(period, "fi").total_submissions == 2


def test_activities_listed_are_bounded_and_the_page_says_so(app, client, login_as, monkeypatch):
    monkeypatch.setattr(statistics, "ACTIVITIES_LISTED", 1)
    with app.app_context():
        factories.create_activity(title={"fi": "Ensin"}, starts_in=timedelta(days=2))
        factories.create_activity(title={"fi": "Sitten"}, starts_in=timedelta(days=3))
    start = datetime.now(UTC).date()
    args = f"?start={start.isoformat()}&end={(start + timedelta(days=5)).isoformat()}"
    login_as("moderator")
    soup = pages.get(client, f"/en/moderation/statistics{args}")
    assert "Only the first 1 activities" in pages.text(soup.select_one("#activities-capped"))
    with app.test_request_context("/fi/"):
        stats = statistics.build(Period(start, start + timedelta(days=5)), "fi")
    assert [row.activity.title_fi for row in stats.activities] == ["Ensin"]
    assert stats.activities_capped
    monkeypatch.setattr(statistics, "ACTIVITIES_LISTED", 2)
    soup = pages.get(client, f"/en/moderation/statistics{args}")
    assert soup.select_one("#activities-capped") is None


def _hours_from_supports() -> dict[datetime, int]:
    counted: dict[datetime, int] = {}
    for (created_at,) in db.session.execute(sa.select(Support.created_at)):
        hour = created_at.replace(minute=0, second=0, microsecond=0)
        counted[hour] = counted.get(hour, 0) + 1
    return counted


def _hours_stored() -> dict[datetime, int]:
    rows = db.session.execute(sa.select(SupportHour.hour, SupportHour.supports))
    return {hour: supports for hour, supports in rows if supports}


def test_support_hours_always_equal_the_supports(app):
    """Migration 0020: the hourly counts the statistics sum are kept by the database on every
    write to `supports` (a support, a withdrawal, a changed time, a bulk statement, the
    cascade when an initiative is deleted), on both databases."""
    with app.test_request_context("/fi/"):
        first = factories.create_initiative()
        second = factories.create_initiative()
        people = [factories.create_user() for _ in range(4)]
        for person in people:
            factories.create_support(first, person)
        factories.create_support(second, people[0])
        db.session.commit()
        assert _hours_stored() == _hours_from_supports() != {}
        # Through the service: withdrawing one support.
        supports.withdraw_support(db.session.get(Initiative, first.id), user=people[1])
        db.session.commit()
        assert _hours_stored() == _hours_from_supports()
        # Moved to other hours, one and several at once.
        db.session.execute(
            sa.update(Support)
            .where(Support.user_id == people[2].id)
            .values(created_at=at(2026, 3, 29, 0, 59))  # the hour before DST starts
        )
        db.session.execute(
            sa.update(Support)
            .where(Support.initiative_id == first.id, Support.user_id != people[2].id)
            .values(created_at=at(2026, 3, 29, 1, 0))
        )
        assert _hours_stored() == _hours_from_supports()
        assert _hours_stored()[at(2026, 3, 29, 1)] == 2
        # Deleting the initiative deletes its supports (ON DELETE CASCADE).
        db.session.execute(sa.delete(Initiative).where(Initiative.id == first.id))
        assert _hours_stored() == _hours_from_supports()
        db.session.commit()
        assert _hours_stored() == _hours_from_supports()


def test_supports_per_month_read_the_hourly_counts_and_the_index(app):
    """The statistics read neither `supports` nor `initiatives` rows: the supports per month
    come from `support_hours`, the initiatives' aggregates from indexes alone
    (ix_initiatives_statistics, or 0014's index for the count per month)."""
    with app.test_request_context("/fi/"):
        factories.create_support(factories.create_initiative())
        period = Period(date(2026, 1, 1), date(2026, 12, 31))
        plans = plans_of(lambda: statistics._aggregate(period), price_out=("seqscan",))
        assert not any("supports" in plan.replace("support_hours", "") for plan in plans), plans
        initiative_plans = [plan for plan in plans if "initiatives" in plan]
        # per month, district, theme and status; the decision times' count and percentiles
        assert len(initiative_plans) == 6, initiative_plans
        if db.engine.dialect.name == "sqlite":  # PostgreSQL's at 100,000: performance.md
            for plan in initiative_plans:  # an index with every column the aggregate needs
                assert "USING COVERING INDEX" in plan, plan
            assert any("ix_initiatives_statistics" in plan for plan in initiative_plans)
