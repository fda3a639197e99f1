"""The audit log: append-only (ORM guard, PostgreSQL trigger), every step recorded, and the
administrators' search, pages and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from participate.db import utcnow
from participate.extensions import db
from participate.moderation import admin_queries, audit
from participate.moderation.audit import AuditEntry, AuditLogIsAppendOnly
from tests import factories, pages
from tests.conftest import ON_POSTGRES


def _entry(app, **kwargs):
    values = {
        "actor": None,
        "action": "initiative.hide",
        "object_kind": "initiative",
        "object_id": 1,
        "object_title": "Suojatie",
        "reason": "Asiaton kieli.",
    }
    values.update(kwargs)
    with app.app_context():
        entry = audit.record(**values)
        db.session.commit()
        return entry.id


# Append-only --------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_delete_entries(app):
    entry_id = _entry(app)
    with app.app_context():
        entry = db.session.get(AuditEntry, entry_id)
        entry.reason = "Muutettu jälkikäteen."
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        entry = db.session.get(AuditEntry, entry_id)
        db.session.delete(entry)
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEntry).values(reason="x"),
        sa.delete(AuditEntry),
        sa.update(AuditEntry.__table__).values(reason="x"),
        sa.delete(AuditEntry.__table__),
    ],
)
def test_the_orm_refuses_bulk_updates_and_deletes(app, statement):
    _entry(app)
    with app.app_context():
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()
        assert db.session.scalar(sa.select(AuditEntry.reason)) == "Asiaton kieli."


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql", ["UPDATE audit_entries SET reason = 'x'", "DELETE FROM audit_entries"]
)
def test_the_postgresql_trigger_refuses_changes(app, sql):
    assert ON_POSTGRES
    _entry(app)
    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(sa.text(sql))
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT reason FROM audit_entries")).scalar_one() == (
                "Asiaton kieli."
            )


# The administrators' page --------------------------------------------------------------


def test_only_admins_see_the_audit_log(app, client, login_as):
    assert client.get("/fi/admin/audit").status_code == 302
    login_as("moderator")
    assert client.get("/fi/admin/audit").status_code == 403
    assert client.get("/fi/admin/audit.csv").status_code == 403
    login_as("admin")
    assert client.get("/fi/admin/audit").status_code == 200


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_audit_log_page(app, client, login_as, lang):
    with app.app_context():
        moderator = factories.create_user(role="moderator", display_name="Kaisa Kehittäjä")
    _entry(app, actor=moderator, before={"status": "published"}, after={"status": "hidden"})
    _entry(app, action="initiative.approve", object_id=2, object_title="Penkit", reason="")
    login_as("admin")
    soup = pages.get(client, f"/{lang}/admin/audit")
    rows = soup.select("table.audit tbody tr")
    assert [row["data-action"] for row in rows] == ["initiative.approve", "initiative.hide"]
    hide = pages.text(rows[1])
    assert "Kaisa Kehittäjä" in hide
    assert "Asiaton kieli." in hide
    before, after = {
        "fi": ("Ennen", "Jälkeen"),
        "sv": ("Före", "Efter"),
        "en": ("Before", "After"),
    }[lang]
    assert f"status : {before}: published → {after}: hidden" in hide
    assert soup.select_one(f'a[href^="/{lang}/admin/audit.csv"]')


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", {1, 2, 3, 4}),
        ("?actor=kaisa", {1, 3}),
        ("?actor=anna@example", {2}),
        ("?action=initiative.approve", {2, 3}),
        ("?object_kind=activity", {4}),
        ("?object_kind=initiative&object_id=7", {1, 2}),
        ("?q=puhelin", {1}),
        ("?q=published", {1}),
        ("?q=100%", set()),
        ("?actor=kaisa&action=initiative.approve", {3}),
    ],
)
def test_search(app, client, login_as, args, expected):
    with app.app_context():
        kaisa = factories.create_user(role="moderator", display_name="Kaisa Kehittäjä")
        anna = factories.create_user(role="moderator", email="anna@example.fi")
    ids = [
        _entry(
            app,
            actor=kaisa,
            object_id=7,
            reason="Poistettu puhelinnumero",
            before={"status": "published"},
        ),
        _entry(app, actor=anna, action="initiative.approve", object_id=7, reason=""),
        _entry(app, actor=kaisa, action="initiative.approve", object_id=8, reason=""),
        _entry(app, action="activity.hide", object_kind="activity", object_id=7, reason="Mainos"),
    ]
    number = dict(zip(ids, (1, 2, 3, 4), strict=True))
    login_as("admin")
    soup = pages.get(client, f"/fi/admin/audit{args}")
    shown = {number[int(row["data-id"])] for row in soup.select("table.audit tbody tr")}
    assert shown == expected
    # The CSV export applies the same search.
    response = client.get(f"/fi/admin/audit.csv{args}")
    body = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert {number[int(row[0])] for row in rows[1:]} == expected


BAD_SEARCHES = [
    ("?object_id=abc", "object_id"),
    ("?object_id=0", "object_id"),
    ("?action=initiative.nonsense", "action"),
    ("?object_kind=planet", "object_kind"),
    ("?q=" + "x" * 201, "q"),
]


@pytest.mark.parametrize(("args", "field"), BAD_SEARCHES)
def test_bad_searches_are_refused(app, client, login_as, args, field):
    _entry(app)
    login_as("admin")
    response = client.get(f"/en/admin/audit{args}")
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en")
    assert soup.select_one(f"#{field}-error"), field
    assert client.get(f"/en/admin/audit.csv{args}").status_code == 400


def test_pages_and_no_n_plus_one(app, client, login_as, count_queries):
    admin = login_as("admin")

    def make(count):
        with app.app_context():
            for number in range(count):
                actor = factories.create_user(role="moderator")
                audit.record(
                    actor=actor,
                    action="initiative.approve",
                    object_kind="initiative",
                    object_id=number,
                    object_title=f"Aloite {number}",
                )
            db.session.commit()

    make(3)
    client.get("/fi/admin/audit")
    with count_queries() as few:
        client.get("/fi/admin/audit")
    make(60)
    with count_queries() as many:
        soup = pages.get(client, "/fi/admin/audit")
    assert len(few) == len(many)
    assert len(soup.select("table.audit tbody tr")) == 50
    soup = pages.get(client, "/fi/admin/audit?page=2")
    assert len(soup.select("table.audit tbody tr")) == 13
    assert soup.select_one('a[rel="prev"]')
    with count_queries() as export:
        response = client.get("/fi/admin/audit.csv")
    assert len(response.get_data(as_text=True).strip().splitlines()) == 64
    assert len(export) <= len(many)
    assert admin


def test_csv_export(app, client, login_as):
    with app.app_context():
        moderator = factories.create_user(role="moderator", display_name="Åsa Öberg")
    _entry(app, actor=moderator, object_title='=HYPERLINK("http://evil")', reason="Ärligt talat")
    _entry(app, object_title="Automaattinen", reason="")
    login_as("admin")
    response = client.get("/sv/admin/audit.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    assert "\r\n" in body
    header, second, first = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert len(header) == 12
    assert first[3].startswith("Åsa Öberg <")
    assert first[8] == '\'=HYPERLINK("http://evil")'  # never runs as a formula
    assert first[9] == "Ärligt talat"
    assert first[5] == "initiative.hide"
    assert second[3]  # "the system", in Swedish
    assert second[3] != first[3]


def test_every_step_of_an_item_is_in_the_log(app, client, login_as, outbox):
    """Submit (by the author) is a transition; approve, hide, restore, answer, close are
    moderator decisions, each with its own entry."""
    with app.app_context():
        initiative = factories.create_initiative(status="submitted")
    login_as("moderator")
    url = f"/fi/moderation/initiative/{initiative.id}/decide"
    client.post(url, data={"action": "approve"})
    client.post(url, data={"action": "hide", "reason": "Tarkistetaan."})
    client.post(url, data={"action": "unhide", "reason": "Kunnossa."})
    client.post(
        f"/fi/moderation/initiative/{initiative.id}/answer",
        data={
            "body_fi": "Kaupunki selvittää asian.",
            "decision_maker": "Kaupunginhallitus",
            "decided_on": (utcnow() - timedelta(days=1)).date().isoformat(),
        },
    )
    client.post(url, data={"action": "close"})
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == [
        "initiative.approve",
        "initiative.hide",
        "initiative.unhide",
        "initiative.answer",
        "initiative.close",
    ]


def test_pages_reach_the_newest_max_rows_and_choices_come_from_the_index(
    app, client, login_as, monkeypatch
):
    login_as("admin")
    with app.app_context():
        for number, (action, kind) in enumerate(
            [("initiative.approve", "initiative"), ("activity.reject", "activity")] * 3
        ):
            audit.record(
                actor=None, action=action, object_kind=kind, object_id=number, object_title="x"
            )
        db.session.commit()
        assert admin_queries.list_audit_actions() == ["activity.reject", "initiative.approve"]
        assert admin_queries.list_audit_object_kinds() == ["activity", "initiative"]
    monkeypatch.setattr("participate.paging.MAX_LISTED_ROWS", 4)
    soup = pages.get(client, "/en/admin/audit")
    assert "More than 4 entries" in pages.text(soup.select_one("#audit-capped"))
    soup = pages.get(client, "/en/admin/audit?action=activity.reject")
    assert soup.select_one("#audit-capped") is None
    assert len(soup.select("table.audit tbody tr")) == 3
