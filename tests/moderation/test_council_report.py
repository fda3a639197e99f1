"""The report to the city council: exactly the initiatives first sent in the period (Helsinki
days), what was done about each, by district and theme, as a printable page and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from participate.extensions import db
from participate.initiatives.models import Initiative, InitiativeAnswer
from participate.moderation import council_report
from participate.moderation.periods import Period
from tests import factories, pages
from tests.plans import plans_of

ROOT = Path(__file__).resolve().parents[2]
JUNE = "?start=2026-06-01&end=2026-06-30"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _initiative(app, title, submitted, **kwargs):
    with app.app_context():
        initiative = factories.create_initiative(title=title, **kwargs)
        row = db.session.get(Initiative, initiative.id)
        row.first_submitted_at = row.submitted_at = submitted
        db.session.commit()
        return initiative


@pytest.fixture
def boundary_initiatives(app):
    """Around the June period's edges, in Helsinki time (UTC+3 in summer)."""
    return {
        # 31 May 23.59 in Helsinki: May.
        "may": _initiative(app, "Toukokuun viimeinen", at(2026, 5, 31, 20, 59)),
        # 1 June 00.00 in Helsinki: June.
        "june_first": _initiative(app, "Kesäkuun ensimmäinen", at(2026, 5, 31, 21, 0)),
        # 30 June 23.30 in Helsinki (20.30 UTC): June.
        "june_last": _initiative(app, "Juhannuksen jälkeen", at(2026, 6, 30, 20, 30)),
        # 1 July 00.00 in Helsinki (21.00 UTC on 30 June): July.
        "july": _initiative(app, "Heinäkuun ensimmäinen", at(2026, 6, 30, 21, 0)),
    }


def test_the_period_is_in_helsinki_days():
    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    assert june.utc_start == at(2026, 5, 31, 21)
    assert june.utc_end == at(2026, 6, 30, 21)
    winter = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert winter.utc_start == at(2025, 12, 31, 22)
    assert winter.months() == [(2026, 1)]


def test_exactly_the_initiatives_sent_in_the_period(app, boundary_initiatives):
    with app.test_request_context("/fi/"):
        june = council_report.build(Period(date(2026, 6, 1), date(2026, 6, 30)), "fi")
        july = council_report.build(Period(date(2026, 7, 1), date(2026, 7, 31)), "fi")
        may = council_report.build(Period(date(2026, 5, 1), date(2026, 5, 31)), "fi")
        titles = {
            name: {i.title for group in report.groups for i in group.initiatives}
            for name, report in (("june", june), ("july", july), ("may", may))
        }
    assert titles["june"] == {"Kesäkuun ensimmäinen", "Juhannuksen jälkeen"}
    assert titles["july"] == {"Heinäkuun ensimmäinen"}
    assert titles["may"] == {"Toukokuun viimeinen"}


def test_page_lists_exactly_the_period(app, client, login_as, boundary_initiatives):
    login_as("moderator")
    soup = pages.get(client, f"/fi/moderation/council-report{JUNE}")
    titles = {a.get_text(strip=True) for a in soup.select(".report-table tbody th a")}
    assert titles == {"Kesäkuun ensimmäinen", "Juhannuksen jälkeen"}
    soup = pages.get(client, "/fi/moderation/council-report?start=2026-06-30&end=2026-06-30")
    titles = {a.get_text(strip=True) for a in soup.select(".report-table tbody th a")}
    assert titles == {"Juhannuksen jälkeen"}


def test_grouped_by_district_and_theme_with_totals(app, client, login_as):
    with app.app_context():
        traffic = factories.create_theme(name_fi="Liikenne", name_sv="Trafik", position=1)
        parks = factories.create_theme(name_fi="Puistot", name_sv="Parker", position=2)
    sent = at(2026, 6, 10, 9)
    answered = _initiative(app, "Suojatie", sent, theme=traffic, status="answered")
    _initiative(app, "Hidaste", sent, theme=traffic, status="rejected")
    _initiative(app, "Puisto", sent, theme=parks)
    _initiative(app, "Koko kaupungin", sent, theme=parks, district_slug=None, status="submitted")
    _initiative(
        app, "Leppävaaran", sent, theme=parks, district_slug="suur-leppavaara", language="sv"
    )
    with app.app_context():
        factories.persist(
            InitiativeAnswer(
                initiative_id=answered.id,
                body_fi="Suojatie tehdään syksyllä.",
                body_sv="Övergångsstället byggs i höst.",
                decision_maker="Kaupunkiympäristölautakunta",
                decided_on=date(2026, 6, 20),
            )
        )
    login_as("moderator")
    soup = pages.get(client, f"/sv/moderation/council-report{JUNE}")
    sections = soup.select("section.report-district")
    ids = [s.h2["id"] for s in sections]
    assert sorted(ids[:-1]) == ["district-suur-leppavaara", "district-suur-tapiola"]
    assert ids[-1] == "district-city"  # the whole city comes last
    tapiola = soup.select_one("section:has(> h2#district-suur-tapiola)")
    assert [c.get_text(strip=True) for c in tapiola.select("caption")] == ["Trafik", "Parker"]
    assert "Övergångsstället byggs i höst." in pages.text(tapiola)
    assert "Kaupunkiympäristölautakunta" in pages.text(tapiola)
    totals = soup.select_one(".report-summary tfoot tr")
    assert [td.get_text(strip=True) for td in totals.select("td")] == ["5", "1", "2", "1", "1"]
    summary = soup.select_one(".report-summary tbody")
    tapiola_row = [row for row in summary.select("tr") if "Stor-Hagalund" in row.th.get_text()]
    assert [td.get_text(strip=True) for td in tapiola_row[0].select("td")] == [
        "3",
        "0",
        "1",
        "1",
        "1",
    ]


def test_csv(app, client, login_as, boundary_initiatives):
    login_as("moderator")
    response = client.get(f"/en/moderation/council-report.csv{JUNE}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "council-report-2026-06-01-2026-06-30.csv" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header, *lines = rows
    assert header[0] == "Major district"
    assert {line[3] for line in lines} == {"Kesäkuun ensimmäinen", "Juhannuksen jälkeen"}
    assert {line[5] for line in lines} == {"1 June 2026", "30 June 2026"}  # Helsinki dates
    assert all(line[-1].startswith("http://participate.test/en/initiatives/") for line in lines)


def test_csv_cells_never_run_as_formulas(app, client, login_as):
    _initiative(app, "=cmd|' /C calc'!A0", at(2026, 6, 10, 9))
    login_as("moderator")
    body = client.get(f"/fi/moderation/council-report.csv{JUNE}").get_data(as_text=True)
    assert ";'=cmd|" in body


def test_default_period_is_the_last_six_full_months(app, client, login_as):
    login_as("moderator")
    soup = pages.get(client, "/fi/moderation/council-report")
    start = date.fromisoformat(soup.select_one("input#start")["value"])
    end = date.fromisoformat(soup.select_one("input#end")["value"])
    assert start.day == 1
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == 5
    assert (date(end.year + (end.month == 12), end.month % 12 + 1, 1) - end).days == 1


def test_prints_cleanly(app, client, login_as):
    """The page links the desk's stylesheet, whose print rules hide the menus and forms and
    start each district on a new page (a browser test checks the effect)."""
    login_as("moderator")
    soup = pages.get(client, f"/fi/moderation/council-report{JUNE}")
    sheets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    assert "/static/css/moderation.css" in sheets
    css = (ROOT / "static" / "css" / "moderation.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    for rule in (".desk-nav", ".main-nav", "form", ".report-district", "break-before: page"):
        assert rule in print_rules
    assert "no-print" in soup.select_one(".desk-nav")["class"]


def test_report_does_not_grow_queries(app, client, login_as, count_queries):
    login_as("moderator")

    def make(count):
        with app.app_context():
            for number in range(count):
                theme = factories.create_theme()
                initiative = factories.create_initiative(
                    theme=theme, author=factories.create_user()
                )
                row = db.session.get(Initiative, initiative.id)
                row.first_submitted_at = at(2026, 6, 1 + number, 9)
                db.session.commit()

    make(2)
    client.get(f"/fi/moderation/council-report{JUNE}")
    with count_queries() as few:
        client.get(f"/fi/moderation/council-report{JUNE}")
    make(20)
    with count_queries() as many:
        client.get(f"/fi/moderation/council-report{JUNE}")
    assert len(few) == len(many)


def test_page_lists_a_bounded_number_and_counts_every_one(
    app, client, login_as, boundary_initiatives, monkeypatch
):
    # A period with more initiatives than the page lists: the first sent are listed, the
    # counts cover all of them, and the page points to the CSV (which lists every one).
    monkeypatch.setattr(council_report, "PAGE_LISTED", 1)
    _initiative(app, "Kolmas", at(2026, 6, 15, 9), status="answered")
    login_as("moderator")
    soup = pages.get(client, f"/en/moderation/council-report{JUNE}")
    titles = [a.get_text(strip=True) for a in soup.select(".report-table tbody th a")]
    assert titles == ["Kesäkuun ensimmäinen"]
    notice = pages.text(soup.select_one("#report-capped"))
    assert "first 1 of the 3 initiatives" in notice
    assert "3" in pages.text(soup.select_one(".report-summary tfoot td"))
    response = client.get(f"/en/moderation/council-report.csv{JUNE}")
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert len(rows) == 4  # the header and all three
    monkeypatch.setattr(council_report, "PAGE_LISTED", 3)
    soup = pages.get(client, f"/en/moderation/council-report{JUNE}")
    assert soup.select_one("#report-capped") is None


def test_the_counts_read_the_covering_index_alone(app):
    """Migration 0021: the report's counts per district and status, and how many reached the
    threshold, come from ix_initiatives_statistics without reading the table (checked on
    SQLite; PostgreSQL's plan at 100,000 initiatives is in docs/performance.md)."""
    with app.test_request_context("/fi/"):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("a tiny table's PostgreSQL plan does not tell; see docs/performance.md")
        factories.create_initiative()
        period = Period(date(2026, 1, 1), date(2026, 12, 31))
        (plan,) = plans_of(lambda: council_report.count_submitted(period))
        assert "USING COVERING INDEX ix_initiatives_statistics" in plan, plan


def test_the_pages_counts_are_cached_briefly_and_the_csvs_never(app, monkeypatch):
    """The page's GROUP BY is reused for STATISTICS_CACHE_SECONDS, as the statistics'; the
    CSV sent to the council counts every initiative when it is downloaded."""
    app.extensions["aggregate_cache"].clear()
    monkeypatch.setitem(app.config, "STATISTICS_CACHE_SECONDS", 60)
    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    _initiative(app, "Ensimmäinen", at(2026, 6, 10, 9))
    with app.test_request_context("/fi/"):
        assert council_report.build(june, "fi", limit=council_report.PAGE_LISTED).total == 1
    _initiative(app, "Toinen", at(2026, 6, 11, 9))
    with app.test_request_context("/fi/"):
        page = council_report.build(june, "fi", limit=council_report.PAGE_LISTED)
        assert page.total == 1  # the cached counts
        assert page.listed == 2  # the rows are read afresh
        assert council_report.build(june, "fi").total == 2  # the CSV's
    monkeypatch.setitem(app.config, "STATISTICS_CACHE_SECONDS", 0)
    with app.test_request_context("/fi/"):
        assert council_report.build(june, "fi", limit=council_report.PAGE_LISTED).total == 2
