"""The queue: everything waiting (submissions, resubmissions, reports), filters, the menu's
count, bulk decisions, and a fixed number of queries whatever its length."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from participate.activities.models import Activity
from participate.db import utcnow
from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation import queries
from participate.moderation.audit import AuditEntry
from participate.workflow.states import Status
from tests import factories, pages
from tests.plans import plans_of


def _status(app, model, item_id):
    with app.app_context():
        return db.session.get(model, item_id).status


def _age(app, model, item_id, days):
    with app.app_context():
        row = db.session.get(model, item_id)
        row.submitted_at = utcnow() - timedelta(days=days)
        db.session.commit()


def _titles(soup):
    return [
        row.select_one("td a").get_text(strip=True) for row in soup.select("table.queue tbody tr")
    ]


def test_reported_items_and_submissions_share_the_queue_oldest_first(app, client, login_as):
    login_as("moderator")
    with app.app_context():
        submitted = factories.create_initiative(status="submitted", title="Uusi aloite")
        published = factories.create_initiative(title="Ilmoitettu aloite")
        activity = factories.create_activity(title={"fi": "Ilmoitettu tapahtuma"})
        factories.create_report(published, created_at=utcnow() - timedelta(days=4))
        factories.create_report(published)
        factories.create_report(activity, created_at=utcnow() - timedelta(days=2))
        factories.create_initiative(title="Julkaistu, ei ilmoituksia")
    _age(app, Initiative, submitted.id, 1)
    soup = pages.get(client, "/fi/moderation/")
    assert _titles(soup) == ["Ilmoitettu aloite", "Ilmoitettu tapahtuma", "Uusi aloite"]
    first = soup.select("table.queue tbody tr")[0]
    assert "reported" in first["class"]
    assert "2" in first.select_one(".tag-report").get_text()
    # Only submissions can be decided in bulk.
    boxes = [box["value"] for box in soup.select('input[name="items"]')]
    assert boxes == [f"initiative:{submitted.id}"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", {"Tapiola fi", "Leppävaara sv", "Koko kaupunki en", "Tapahtuma"}),
        ("?kind=activity", {"Tapahtuma"}),
        ("?kind=initiative", {"Tapiola fi", "Leppävaara sv", "Koko kaupunki en"}),
        ("?district=suur-tapiola", {"Tapiola fi", "Tapahtuma"}),
        ("?district=city", {"Koko kaupunki en"}),
        ("?language=sv", {"Leppävaara sv"}),
        ("?language=fi&kind=activity", {"Tapahtuma"}),
        ("?age=7", {"Leppävaara sv"}),
        ("?age=3&district=suur-tapiola", set()),
        # Unknown values are ignored, as in a stale link.
        (
            "?district=atlantis&language=de&age=5&kind=nothing",
            {"Tapiola fi", "Leppävaara sv", "Koko kaupunki en", "Tapahtuma"},
        ),
    ],
)
def test_filters(app, client, login_as, args, expected):
    login_as("moderator")
    with app.app_context():
        tapiola = factories.create_initiative(status="submitted", title="Tapiola fi")
        leppavaara = factories.create_initiative(
            status="submitted",
            title="Leppävaara sv",
            language="sv",
            district_slug="suur-leppavaara",
        )
        factories.create_initiative(
            status="submitted", title="Koko kaupunki en", language="en", district_slug=None
        )
        factories.create_activity(
            status="submitted", title={"fi": "Tapahtuma"}, author=factories.create_user()
        )
    _age(app, Initiative, leppavaara.id, 10)
    _age(app, Initiative, tapiola.id, 2)
    soup = pages.get(client, f"/fi/moderation/{args}")
    assert set(_titles(soup)) == expected


def test_counts_in_the_menu_for_moderators_only(app, client, login_as):
    with app.app_context():
        factories.create_initiative(status="submitted")
        factories.create_initiative(status="submitted")
        reported = factories.create_initiative()
        factories.create_report(reported)
        factories.create_report(reported)
        factories.create_activity(status="submitted", author=factories.create_user())
        assert queries.count_waiting_by_kind() == {"initiative": 3, "activity": 1}
    login_as("moderator")
    soup = pages.get(client, "/fi/")
    link = soup.select_one('.main-nav a[href="/fi/moderation/"]')
    assert link.select_one(".count").get_text(strip=True) == "4"
    assert "4" in link.select_one(".visually-hidden").get_text()
    # The desk's own tabs count per kind.
    soup = pages.get(client, "/sv/moderation/")
    tabs = pages.text(soup.select_one("nav.kind-tabs"))
    for count in ("(4)", "(3)", "(1)"):
        assert count in tabs
    login_as()
    soup = pages.get(client, "/fi/")
    assert soup.select_one('.main-nav a[href="/fi/moderation/"]') is None


def test_the_menu_count_is_one_query(app, client, login_as, count_queries):
    login_as("moderator")
    client.get("/fi/")
    with count_queries() as empty:
        client.get("/fi/")
    with app.app_context():
        for _ in range(5):
            item = factories.create_initiative()
            factories.create_report(item)
            factories.create_initiative(status="submitted")
    with count_queries() as busy:
        client.get("/fi/")
    assert len(empty) == len(busy)
    with count_queries() as statements, app.test_request_context("/fi/"):
        assert queries.count_waiting() == 10
    assert len(statements) == 1


def test_queue_with_reports_does_not_grow_queries(app, client, login_as, count_queries):
    login_as("moderator")

    def make(count):
        with app.app_context():
            for _ in range(count):
                factories.create_initiative(status="submitted", author=factories.create_user())
                reported = factories.create_initiative(author=factories.create_user())
                factories.create_report(reported)
                factories.create_activity(status="submitted", author=factories.create_user())

    make(2)
    client.get("/fi/moderation/")
    with count_queries() as few:
        client.get("/fi/moderation/")
    make(8)
    with count_queries() as many:
        soup = pages.get(client, "/fi/moderation/")
    assert len(soup.select("table.queue tbody tr")) == 30
    assert len(many) == len(few)


# Bulk decisions --------------------------------------------------------------------------


def _submitted(app, count, **kwargs):
    with app.app_context():
        return [
            factories.create_initiative(status="submitted", author=factories.create_user(**kwargs))
            for _ in range(count)
        ]


def test_bulk_approve(app, client, login_as, outbox):
    moderator = login_as("moderator")
    items = _submitted(app, 3, language="sv")
    keys = [f"initiative:{item.id}" for item in items[:2]]
    response = client.post(
        "/fi/moderation/bulk?kind=initiative", data={"items": keys, "action": "approve"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/fi/moderation/?kind=initiative"
    assert [_status(app, Initiative, item.id) for item in items] == [
        Status.PUBLISHED,
        Status.PUBLISHED,
        Status.SUBMITTED,
    ]
    assert {m.language for m in outbox() if m.template == "moderation/decision"} == {"sv"}
    assert len(outbox()) == 2
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
        bulk = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "bulk.approve"))
        assert actions == ["initiative.approve", "initiative.approve", "bulk.approve"]
        assert bulk.actor_id == moderator.id
        assert [entry["id"] for entry in bulk.after_data()["items"]] == [i.id for i in items[:2]]


def test_bulk_reject_with_one_standard_reason_in_each_authors_language(
    app, client, login_as, outbox
):
    login_as("moderator")
    with app.app_context():
        reason = factories.create_reason()
        finn = factories.create_user(language="fi")
        swede = factories.create_user(language="sv")
        one = factories.create_initiative(status="submitted", author=finn)
        other = factories.create_initiative(status="submitted", author=swede)
        activity = factories.create_activity(
            status="submitted", author=factories.create_user(language="en")
        )
    keys = [f"initiative:{one.id}", f"initiative:{other.id}", f"activity:{activity.id}"]
    response = client.post(
        "/en/moderation/bulk",
        data={"items": keys, "action": "reject", "reasons": [str(reason.id)], "reason": "Kiitos."},
    )
    assert response.status_code == 302
    assert _status(app, Initiative, one.id) == Status.REJECTED
    assert _status(app, Activity, activity.id) == Status.REJECTED
    (fi_mail,) = outbox(to=finn.email)
    (sv_mail,) = outbox(to=swede.email)
    assert "Teksti sisältää henkilötietoja." in fi_mail.body_text
    assert "Texten innehåller personuppgifter." in sv_mail.body_text
    assert "Kiitos." in sv_mail.body_text


def test_bulk_skips_what_someone_else_decided_meanwhile(app, client, login_as, outbox):
    login_as("moderator")
    first, second = _submitted(app, 2)
    with app.app_context():
        row = db.session.get(Initiative, second.id)
        row.status = Status.PUBLISHED
        db.session.commit()
    response = client.post(
        "/fi/moderation/bulk",
        data={"items": [f"initiative:{first.id}", f"initiative:{second.id}"], "action": "approve"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    soup = pages.check_page(response.get_data(as_text=True), "fi", csrf=False)
    assert len(soup.select(".flash-success")) == 1
    assert len(soup.select(".flash-error")) == 1
    assert _status(app, Initiative, first.id) == Status.PUBLISHED
    assert len(outbox()) == 1


BAD_BULK = [
    ({"action": "approve"}, None),  # nothing chosen
    ({"items": ["initiative:999999"], "action": "approve"}, None),
    ({"items": ["nonsense"], "action": "approve"}, None),
    ({"items": ["KEY"], "action": ""}, "action"),
    ({"items": ["KEY"], "action": "hide"}, "action"),
    ({"items": ["KEY"], "action": "reject"}, "reasons"),  # rejecting needs a standard reason
    ({"items": ["KEY"], "action": "reject", "reasons": ["999999"]}, "reasons"),
    ({"items": ["KEY"], "action": "approve", "reason": "x" * 4001}, "reason"),
]


@pytest.mark.parametrize(("data", "field"), BAD_BULK)
def test_bad_bulk_input_is_refused(app, client, login_as, outbox, data, field):
    login_as("moderator")
    (item,) = _submitted(app, 1)
    with app.app_context():
        factories.create_reason()
    data = {
        key: [f"initiative:{item.id}" if v == "KEY" else v for v in value]
        if isinstance(value, list)
        else value
        for key, value in data.items()
    }
    response = client.post("/sv/moderation/bulk", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "sv", csrf=False)
    assert soup.select_one("#error-summary")
    if field:
        assert soup.select_one(f"#{field}-error"), field
    assert _status(app, Initiative, item.id) == Status.SUBMITTED
    assert outbox() == []


def test_bulk_form_keeps_csrf(app, client, login_as, csrf_enabled):
    login_as("moderator")
    (item,) = _submitted(app, 1)
    soup = pages.get(client, "/fi/moderation/")
    assert soup.select_one('#bulk-form input[name="csrf_token"]')
    response = client.post(
        "/fi/moderation/bulk", data={"items": [f"initiative:{item.id}"], "action": "approve"}
    )
    assert response.status_code == 400
    assert _status(app, Initiative, item.id) == Status.SUBMITTED


def test_queue_is_paged_oldest_first_and_counted_once(
    app, client, login_as, count_queries, monkeypatch
):
    monkeypatch.setattr(queries, "QUEUE_PER_PAGE", 4)
    with app.app_context():
        author = factories.create_user()
        made = [
            factories.create_initiative(status="submitted", title=f"Aloite {n}", author=author)
            for n in range(5)
        ]
        activity = factories.create_activity(status="submitted", author=author)
    for days, item in enumerate(reversed(made), start=2):
        _age(app, Initiative, item.id, days)  # "Aloite 0" is the oldest
    _age(app, Activity, activity.id, 1)
    login_as("moderator")
    with count_queries() as statements:
        soup = pages.get(client, "/en/moderation/")
    assert _titles(soup) == ["Aloite 0", "Aloite 1", "Aloite 2", "Aloite 3"]
    assert "6 items are waiting" in pages.text(soup.select_one(".lead"))
    counting = ("SELECT COUNT(", "SELECT (SELECT COUNT(")
    counts = [s for s in statements if s.lstrip().upper().startswith(counting)]
    assert len(counts) == 1, counts  # the tabs, the total and the menu share one count
    next_link = soup.select_one('a[rel="next"]')["href"]
    soup = pages.get(client, next_link)
    assert len(soup.select("table.queue tbody tr")) == 2
    assert _titles(soup)[0] == "Aloite 4"
    soup = pages.get(client, "/en/moderation/?kind=initiative&page=2")
    assert _titles(soup) == ["Aloite 4"]
    assert "5 items are waiting" in pages.text(soup.select_one(".lead"))


def test_queue_pages_reach_the_oldest_max_rows_and_say_how_to_find_the_rest(
    app, client, login_as, monkeypatch
):
    # The deepest page reads every earlier waiting row: the page range is bounded.
    monkeypatch.setattr(queries, "QUEUE_PER_PAGE", 2)
    monkeypatch.setattr(queries, "MAX_LISTED_ROWS", 4)
    with app.app_context():
        author = factories.create_user()
        made = [
            factories.create_initiative(status="submitted", title=f"Aloite {n}", author=author)
            for n in range(5)
        ]
    for days, item in enumerate(reversed(made), start=2):
        _age(app, Initiative, item.id, days)
    login_as("moderator")
    soup = pages.get(client, "/en/moderation/?page=2")
    assert _titles(soup) == ["Aloite 2", "Aloite 3"]
    assert "5 items are waiting" in pages.text(soup.select_one(".lead"))
    assert "oldest 4" in pages.text(soup.select_one("#queue-capped"))
    assert soup.select_one('a[rel="next"]') is None
    soup = pages.get(client, "/en/moderation/?page=3")
    assert _titles(soup) == []
    assert soup.select_one("#queue-capped")
    soup = pages.get(client, "/en/moderation/?page=3&language=fi")  # filtered: 5, capped too
    assert _titles(soup) == []
    # A filtered count stops after the bound: "more than", not a number it did not count.
    assert "More than 4 items are waiting" in pages.text(soup.select_one(".lead"))
    assert soup.select_one("#queue-capped")
    soup = pages.get(client, "/en/moderation/?language=fi&age=3")  # 4 of 5: at the bound
    assert _titles(soup) == ["Aloite 0", "Aloite 1"]
    assert "4 items are waiting" in pages.text(soup.select_one(".lead"))
    # Under the bound, no notice.
    monkeypatch.setattr(queries, "MAX_LISTED_ROWS", 10)
    soup = pages.get(client, "/en/moderation/?page=3")
    assert _titles(soup) == ["Aloite 4"]
    assert soup.select_one("#queue-capped") is None


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (queries.QueueFilters(kind="initiative", language="sv"), "ix_initiatives_queue_language"),
        (queries.QueueFilters(language="sv"), "ix_initiatives_queue_language"),
        (
            queries.QueueFilters(kind="initiative", district="suur-tapiola"),
            "ix_initiatives_queue_district",
        ),
    ],
)
def test_filtered_queue_pages_read_their_index(app, filters, index):
    """Migration 0018: a filtered page reads the submitted half in order from the filter's
    index (no sort of every waiting item). Checked on SQLite, whose planner takes an index
    that serves ORDER BY … LIMIT on a tiny table; PostgreSQL's plans at 100,000 initiatives,
    every filter combination, are in docs/performance.md ("The desk's filters")."""
    with app.test_request_context("/fi/moderation/"):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("a tiny table's PostgreSQL plan does not tell; see docs/performance.md")
        factories.create_initiative(status="submitted", language="sv")
        plans = plans_of(lambda: queries.list_queue_page(filters, page=2, per_page=2).total)
        assert index in plans[0], plans[0]


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (queries.QueueFilters(), "ix_initiatives_queue"),
        (queries.QueueFilters(), "ix_activities_queue"),
        (queries.QueueFilters(language="fi"), "ix_initiatives_queue_language"),
        (queries.QueueFilters(district="suur-tapiola"), "ix_initiatives_queue_district"),
        (queries.QueueFilters(district="suur-tapiola"), "ix_activities_queue_district"),
    ],
)
def test_queue_pages_read_their_keys_from_the_index_alone(app, filters, index):
    """Migration 0023 (PostgreSQL): the queue's indexes carry the columns of its order's
    expression, so a deep page's submitted halves are index-only scans (no table row per
    skipped entry). Without those columns PostgreSQL cannot plan an index-only scan at all,
    whatever the costs."""
    with app.test_request_context("/fi/moderation/"):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("INCLUDE and index-only scans of expressions: PostgreSQL")
        factories.create_initiative(status="submitted", language="fi")
        plans = plans_of(
            lambda: queries.list_queue_page(filters, page=2, per_page=2).items,
            price_out=("sort", "seqscan", "bitmapscan", "indexscan"),
        )
        assert any(f"Index Only Scan using {index} " in plan for plan in plans), plans
