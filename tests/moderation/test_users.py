"""Administrators manage accounts: list and search, change a role, block and unblock; never
their own admin role or account. A blocked account sends, supports and reports nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g

from participate.accounts.models import Role, User
from participate.extensions import db
from participate.moderation import admin_queries
from participate.moderation.audit import AuditEntry
from participate.workflow.states import AccountBlocked
from tests import factories, pages
from tests.plans import assert_served_by, plans_of


def _user(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def _entries(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_only_admins_manage_accounts(app, client, login_as):
    with app.app_context():
        person = factories.create_user()
    login_as("moderator")
    assert client.get("/fi/admin/users").status_code == 403
    assert client.get(f"/fi/admin/users/{person.id}").status_code == 403
    assert (
        client.post(f"/fi/admin/users/{person.id}/role", data={"role": "admin"}).status_code == 403
    )
    assert _user(app, person.id).role == Role.RESIDENT


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_list_search_and_account_page(app, client, login_as, lang):
    with app.app_context():
        aino = factories.create_user(display_name="Aino Virtanen", email="aino@example.fi")
        factories.create_user(
            display_name="Erik Sjöberg", email="erik@example.fi", role=Role.MODERATOR
        )
        factories.create_user(display_name="Olga Ivanova", blocked_at=factories.utcnow())
    login_as("admin", display_name="Antti Ylläpitäjä")
    soup = pages.get(client, f"/{lang}/admin/users")
    names = [a.get_text(strip=True) for a in soup.select("table.users tbody th a")]
    assert names == ["Aino Virtanen", "Antti Ylläpitäjä", "Erik Sjöberg", "Olga Ivanova"]
    for args, expected in [
        ("?q=AINO", ["Aino Virtanen"]),
        ("?q=erik@", ["Erik Sjöberg"]),
        ("?role=moderator", ["Erik Sjöberg"]),
        ("?blocked=yes", ["Olga Ivanova"]),
        ("?blocked=no&role=resident", ["Aino Virtanen"]),
    ]:
        soup = pages.get(client, f"/{lang}/admin/users{args}")
        assert [a.get_text(strip=True) for a in soup.select("table.users tbody th a")] == expected
    soup = pages.get(client, f"/{lang}/admin/users/{aino.id}")
    assert soup.select_one('input[name="role"][value="resident"]').has_attr("checked")
    assert soup.select_one(f'form[action="/{lang}/admin/users/{aino.id}/block"]')


BAD_FILTERS = [("?role=king", "role"), ("?blocked=maybe", "blocked"), ("?q=" + "x" * 201, "q")]


@pytest.mark.parametrize(("args", "field"), BAD_FILTERS)
def test_bad_filters(app, client, login_as, args, field):
    login_as("admin")
    response = client.get(f"/fi/admin/users{args}")
    assert response.status_code == 400
    assert pages.check_page(response.get_data(as_text=True), "fi").select_one(f"#{field}-error")


def test_users_list_does_not_grow_queries(app, client, login_as, count_queries):
    login_as("admin")

    def make(count):
        with app.app_context():
            for number in range(count):
                factories.create_user(home_district="suur-tapiola" if number % 2 else None)

    make(3)
    client.get("/fi/admin/users")
    with count_queries() as few:
        client.get("/fi/admin/users")
    make(30)
    with count_queries() as many:
        client.get("/fi/admin/users")
    assert len(few) == len(many)


def test_change_a_role_is_audited(app, client, login_as):
    admin = login_as("admin")
    with app.app_context():
        person = factories.create_user()
    response = client.post(
        f"/fi/admin/users/{person.id}/role",
        data={"role": "moderator", "role_reason": "Uusi kehittämispäällikkö."},
    )
    assert response.status_code == 302
    assert _user(app, person.id).role == Role.MODERATOR
    (entry,) = _entries(app)
    assert (entry.action, entry.actor_id, entry.object_id) == ("user.role", admin.id, person.id)
    assert (entry.before_data(), entry.after_data()) == (
        {"role": "resident"},
        {"role": "moderator"},
    )
    assert entry.reason == "Uusi kehittämispäällikkö."
    soup = pages.get(client, f"/fi/admin/users/{person.id}")
    assert "Uusi kehittämispäällikkö." in pages.text(soup.select_one(".history"))


BAD_ROLES = [
    ({"role": ""}, "role"),
    ({"role": "king"}, "role"),
    ({"role": "resident"}, "role"),  # already a resident
    ({"role": "moderator", "role_reason": "x" * 2001}, "role_reason"),
]


@pytest.mark.parametrize(("data", "field"), BAD_ROLES)
def test_bad_role_changes(app, client, login_as, data, field):
    login_as("admin")
    with app.app_context():
        person = factories.create_user()
    response = client.post(f"/en/admin/users/{person.id}/role", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    assert soup.select_one(f"#{field}-error"), field
    assert _user(app, person.id).role == Role.RESIDENT
    assert _entries(app) == []


def test_an_admin_cannot_demote_or_block_themselves(app, client, login_as):
    admin = login_as("admin")
    response = client.post(f"/fi/admin/users/{admin.id}/role", data={"role": "moderator"})
    assert response.status_code == 400
    assert pages.check_page(response.get_data(as_text=True), "fi", csrf=False).select_one(
        "#role-error"
    )
    response = client.post(f"/fi/admin/users/{admin.id}/block", data={"block_reason": "Testi."})
    assert response.status_code == 400
    user = _user(app, admin.id)
    assert (user.role, user.is_blocked) == (Role.ADMIN, False)
    assert _entries(app) == []
    soup = pages.get(client, f"/fi/admin/users/{admin.id}")
    assert soup.select_one('form[action$="/block"]') is None


def test_block_and_unblock_are_audited(app, client, login_as):
    login_as("admin")
    with app.app_context():
        person = factories.create_user()
    response = client.post(f"/fi/admin/users/{person.id}/block", data={"block_reason": ""})
    assert response.status_code == 400  # blocking needs a reason
    assert pages.check_page(response.get_data(as_text=True), "fi", csrf=False).select_one(
        "#block_reason-error"
    )
    response = client.post(
        f"/fi/admin/users/{person.id}/block", data={"block_reason": "Roskapostia."}
    )
    assert response.status_code == 302
    assert _user(app, person.id).is_blocked
    assert (
        client.post(f"/fi/admin/users/{person.id}/block", data={"block_reason": "x"}).status_code
        == 400
    )
    response = client.post(f"/fi/admin/users/{person.id}/unblock", data={"block_reason": ""})
    assert response.status_code == 302
    assert not _user(app, person.id).is_blocked
    assert client.post(f"/fi/admin/users/{person.id}/unblock", data={}).status_code == 400
    assert [e.action for e in _entries(app)] == ["user.block", "user.unblock"]


def test_role_form_keeps_csrf(app, client, login_as, csrf_enabled):
    login_as("admin")
    with app.app_context():
        person = factories.create_user()
    soup = pages.get(client, f"/fi/admin/users/{person.id}")
    assert soup.select_one('#role-form input[name="csrf_token"]')
    assert soup.select_one('#block-form input[name="csrf_token"]')
    response = client.post(f"/fi/admin/users/{person.id}/role", data={"role": "admin"})
    assert response.status_code == 400
    assert _user(app, person.id).role == Role.RESIDENT


# What a blocked account can no longer do ----------------------------------------------


def test_a_blocked_account_sends_supports_and_reports_nothing(app, client, login_as):
    blocked = login_as(blocked_at=factories.utcnow())
    message = str(AccountBlocked().message)
    with app.app_context():
        theme = factories.create_theme()
        published = factories.create_initiative()
        activity = factories.create_activity()
        district_id = factories.district("suur-tapiola").id
        own = factories.create_initiative(author=blocked, status="published", title="Vanha aloite")
    # What was public stays public.
    assert client.get(f"/fi/initiatives/{own.id}").status_code == 200
    # A new initiative.
    response = client.post(
        "/en/initiatives/new",
        data={
            "title": "Uusi",
            "body": "Teksti.",
            "language": "fi",
            "theme": str(theme.id),
            "district": "suur-tapiola",
            "author_display": "name",
            "intent": "submit",
        },
    )
    assert response.status_code == 400
    assert message in pages.text(
        pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    )
    # Support.
    response = client.post(
        f"/en/initiatives/{published.id}/support", data={"intent": "support"}, follow_redirects=True
    )
    assert message in pages.text(
        pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    )
    # An activity proposal.
    response = client.post(
        "/en/activities/new",
        data={
            "title_fi": "Siivoustalkoot",
            "organiser_kind": "residents",
            "organiser_name": "Naapurit",
            "district": str(district_id),
            "place": "Tapiola",
            "starts_at": "2030-06-01T10:00",
            "ends_at": "2030-06-01T12:00",
            "max_group_size": "1",
        },
    )
    assert response.status_code == 400
    assert message in pages.text(
        pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    )
    # A report.
    response = client.post(f"/en/report/activity/{activity.id}", data={"reason": "spam"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
        from participate.initiatives.models import Initiative, Support

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Support)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 2


def test_list_reaches_the_first_max_rows_by_name_and_says_so(app, client, login_as, monkeypatch):
    login_as("admin", display_name="Antti Ylläpitäjä")
    with app.app_context():
        for name in ["Öhman Olli", "Åström Åsa", "Aalto Aino", "Virtanen Ville"]:
            factories.create_user(display_name=name)
    monkeypatch.setattr("participate.paging.MAX_LISTED_ROWS", 3)
    monkeypatch.setattr(admin_queries, "USERS_PER_PAGE", 2)
    soup = pages.get(client, "/fi/admin/users")
    # The Finnish page says "More than 3 accounts" in Finnish (the catalog is compiled).
    assert "Yli 3 tiliä" in pages.text(soup.select_one("#users-capped"))
    assert [a.get_text(strip=True) for a in soup.select("table.users tbody th a")] == [
        "Aalto Aino",
        "Antti Ylläpitäjä",
    ]
    soup = pages.get(client, "/fi/admin/users?page=2")  # the last reachable page: one row
    assert [a.get_text(strip=True) for a in soup.select("table.users tbody th a")] == [
        "Virtanen Ville"
    ]
    soup = pages.get(client, "/fi/admin/users?q=ström")
    assert soup.select_one("#users-capped") is None
    assert "1" in pages.text(soup.select_one("table.users caption"))


@pytest.mark.parametrize(
    ("lang", "index"),
    [("fi", "ix_users_name_fi"), ("sv", "ix_users_name_sv"), ("en", "ix_users_name_fi")],
)
def test_the_name_order_is_read_from_the_collated_index(app, lang, index):
    """Migration 0016: a page of accounts is read in the index's order (no sort of every
    account), in the page's collation, on both databases."""
    with app.test_request_context(f"/{lang}/admin/users"):
        g.lang_code = lang  # what the URL prefix sets when the view is dispatched
        factories.create_user(display_name="Åström Åsa")
        rows, _count = plans_of(lambda: admin_queries.search_users(admin_queries.UserFilters()))
        assert_served_by(rows, index)


def test_role_blocked_and_search_filters_use_indexes(app):
    """The filters that pick a few accounts among many are answered from their indexes (the
    count; the page then sorts those few)."""
    with app.test_request_context("/fi/admin/users"):
        # Enough accounts, and planner statistics, for an index to beat a walk of the names.
        db.session.execute(
            sa.insert(User),
            [
                {"email": f"p{n}@example.fi", "display_name": f"P {n}", "password_hash": "x"}
                for n in range(500)
            ],
        )
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE users"))
        for filters, index in [
            (admin_queries.UserFilters(role=Role.MODERATOR), "ix_users_role"),
            (admin_queries.UserFilters(blocked=True), "ix_users_blocked"),
        ]:
            _rows, count = plans_of(
                lambda f=filters: admin_queries.search_users(f), price_out=("seqscan",)
            )
            assert_served_by(count, index, sorted_by_index=False)
        if db.engine.dialect.name == "postgresql":
            # Migration 0022: a search finds its page's keys and its count in the name-order
            # index that carries `search_text`, without visiting the table (index-only
            # scans), then reads the page's rows; rare words have the pg_trgm index on the
            # same column. SQLite
            # folds case with a Python function, which no index serves.
            rows, count = plans_of(
                lambda: admin_queries.search_users(admin_queries.UserFilters(q="p 4")),
                price_out=("sort", "seqscan", "bitmapscan"),
            )
            assert "Index Only Scan using ix_users_name_fi" in rows, rows
            assert "Index Only Scan using ix_users_name_" in count, count  # either order
            definitions = db.session.scalars(
                sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = 'users'")
            ).all()
            assert any("gin (search_text gin_trgm_ops)" in d for d in definitions), definitions
