"""A small smoke test of the benchmark (`make bench`), so it does not rot between big runs.

Seeds a tiny scale into the test database through the same code as the benchmark (bulk
COPY on PostgreSQL, executemany on SQLite), checks the data is consistent, and that every
URL the benchmark would load answers 200 (the desk's signed in as the seeded administrator).
The report's comparison of two scales is checked on made-up figures. The big run is never
part of the suite: docs/performance.md has its figures.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from flask import Flask

from participate.activities.models import Activity, Signup
from participate.extensions import db
from participate.initiatives.models import Initiative, Support
from participate.moderation.audit import AuditEntry
from participate.seeding import bench as benchdata
from participate.workflow.states import Status

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench_script() -> ModuleType:
    from scripts import bench

    return bench


def _count(model: type) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_a_tiny_scale_seeds_consistent_data_and_every_bench_url_answers(app: Flask) -> None:
    with app.app_context():
        ctx, steps = benchdata.seed(60, seed=7)
        assert [step.note for step in steps if step.failed] == []
        # SCALE is the number of initiatives; activities and sign-ups grow with it.
        assert _count(Initiative) == 60
        assert _count(Activity) == 6
        assert _count(Signup) == 120
        supports = _count(Support)
        assert supports > 60
        assert db.session.scalar(sa.select(sa.func.sum(Initiative.support_count))) == supports
        waiting = db.session.scalar(
            sa.select(sa.func.count()).where(Initiative.status == Status.SUBMITTED)
        )
        assert waiting
        # The desk's queue holds both kinds: residents' activity proposals wait too, and
        # nobody has signed up to one yet.
        proposals = db.session.scalars(
            sa.select(Activity.id).where(Activity.status == Status.SUBMITTED)
        ).all()
        assert proposals
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(Signup.activity_id.in_(proposals))
        )
        # Every moderator decision has its audit entry, as the desk would have written it.
        assert _count(AuditEntry) > 0
        urls, notes = benchdata.feature_urls(ctx.url_params)
        desk, desk_notes = benchdata.feature_urls(ctx.url_params, "BENCH_SIGNED_IN_URLS")
        assert notes == []
        assert desk_notes == []
        assert "/fi/moderation/statistics" in desk
        admin = ctx.admin_id

    client = app.test_client()
    for url in urls:
        assert client.get(url).status_code == 200, url
    with client.session_transaction() as session:
        session["_user_id"] = str(admin)
        session["_fresh"] = True
    for url in desk:
        assert client.get(url).status_code == 200, url


def test_scales_are_parsed_sorted_and_checked(bench_script: ModuleType) -> None:
    assert bench_script.parse_scales("100_000, 1000") == [1000, 100000]
    for bad in ("", "2", "1000,x"):
        with pytest.raises(argparse.ArgumentTypeError):
            bench_script.parse_scales(bad)


def test_the_comparison_flags_a_page_that_slows_down_or_takes_too_long(
    bench_script: ModuleType,
) -> None:
    row = bench_script.Row
    args = argparse.Namespace()

    def report(scale: int, rps: dict[str, float], single_ms: float) -> object:
        result = bench_script.Report(args, scale=scale, database_label="PostgreSQL")
        result.rows = [
            row(url, "feature", rps=value, single_ms=single_ms) for url, value in rps.items()
        ]
        result.worker_rss_mb = [150.0]
        return result

    small = report(1000, {"/fi/initiatives/?page=5": 100.0, "/fi/": 100.0}, 10.0)
    large = report(100000, {"/fi/initiatives/?page=50": 50.0, "/fi/": 95.0}, 60.0)
    comparison = bench_script.Comparison(
        [small, large], [row("/", "hello", rps=1000.0, single_ms=1.0)]
    )
    text = bench_script.render_comparison(comparison)

    # The deep page is the same page at both scales (its number grows with the data).
    deep = next(line for line in text.splitlines() if "?page=50" in line)
    assert "| 100 | 50.0 | 0.50 |" in deep
    assert "growth < 0.8" in deep
    home = next(line for line in text.splitlines() if line.startswith("| `/fi/`"))
    assert "| 0.95 |" in home
    assert "growth" not in home
    assert "> 50 ms" in home
