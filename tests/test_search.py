"""One table of searches and their hits, run on whichever database the suite uses (SQLite by
default, PostgreSQL with TEST_DATABASE_URL). The rules are participate.textsearch's; rows
where the two databases cannot agree name PostgreSQL's own hits, and the reason is in that
module's docstring and docs/performance.md ("Search on the two databases")."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from participate import textsearch
from participate.accounts.models import User
from participate.moderation import admin_queries
from tests import factories, pages

# (title, language the author wrote in)
TEXTS = (
    ("Ölstenin kirjasto", "fi"),
    ("Lähikirjasto Espoonlahteen", "fi"),
    ("Kirjastoon lisää aukioloaikoja", "fi"),
    ("ÄÄNIKIRJOJA LAINAAN", "fi"),
    ("Uimahalli on liian kaukana", "fi"),
    ("Penkkejä puistoon", "fi"),
    ("Åbovägens bibliotek", "sv"),
    ("Fler böcker till biblioteket", "sv"),
    ("More benches for the libraries", "en"),
)
OLSTEN = "Ölstenin kirjasto"
LAHI = "Lähikirjasto Espoonlahteen"
KIRJASTOON = "Kirjastoon lisää aukioloaikoja"
AANI = "ÄÄNIKIRJOJA LAINAAN"
UIMAHALLI = "Uimahalli on liian kaukana"
ABO = "Åbovägens bibliotek"
FLER = "Fler böcker till biblioteket"
BENCHES = "More benches for the libraries"

SAME = object()  # PostgreSQL finds the same as SQLite

# (query, hits, PostgreSQL's hits where they differ)
SEARCHES = [
    # Unicode case: Ä/ä, Ö/ö, Å/å in both cases, on both sides.
    ("ölstenin", {OLSTEN}, SAME),
    ("ÖLSTENIN", {OLSTEN}, SAME),
    ("Ölstenin kirjasto", {OLSTEN}, SAME),
    ("äänikirjoja", {AANI}, SAME),
    ("ÅBOVÄGENS", {ABO}, SAME),
    ("åbo", {ABO}, SAME),
    ("LAINAAN äänikirjoja", {AANI}, SAME),
    # ä is not a, å is not a.
    ("aanikirjoja", set(), SAME),
    ("abovagens", set(), SAME),
    # Compounds: a word of three or more letters anywhere.
    ("kirjasto", {OLSTEN, LAHI, KIRJASTOON}, SAME),
    ("KIRJASTO", {OLSTEN, LAHI, KIRJASTOON}, SAME),
    ("lähi", {LAHI}, SAME),
    ("kirjoja", {AANI}, SAME),
    ("puisto", {"Penkkejä puistoon"}, SAME),
    # Finnish inflections: the same stem (not kirjasto's compounds).
    ("kirjastoon", {OLSTEN, KIRJASTOON}, SAME),
    ("kirjastossa", {OLSTEN, KIRJASTOON}, SAME),
    ("Kirjastosta", {OLSTEN, KIRJASTOON}, SAME),
    ("penkkejä", {"Penkkejä puistoon"}, SAME),
    # Swedish: the base form anywhere, an inflected form by its stem.
    ("bibliotek", {ABO, FLER}, SAME),
    ("biblioteket", {ABO, FLER}, SAME),
    # PostgreSQL 15's older Swedish Snowball keeps the definite "-et" of a text's
    # "biblioteket" (PyStemmer's strips it: *bibliotek*), so another form of the word misses it.
    ("BIBLIOTEKEN", {ABO, FLER}, {ABO}),
    ("böcker", {FLER}, SAME),
    # English stems.
    ("library", {BENCHES}, SAME),
    ("LIBRARIES", {BENCHES}, SAME),
    ("bench", {BENCHES}, SAME),
    # Every word must match.
    ("kirjasto lisää", {KIRJASTOON}, SAME),
    ("kirjasto bibliotek", set(), SAME),
    # Short words match the start of a word.
    ("ä", {AANI}, SAME),
    ("Ö", {OLSTEN}, SAME),
    # PostgreSQL's Finnish dictionary drops the stop word "on" from texts and queries.
    ("on", {UIMAHALLI}, set()),
    # Hostile or empty of words.
    ("100%", set(), SAME),
    ('"kirjasto', {OLSTEN, LAHI, KIRJASTOON}, SAME),
    ("kirjasto*", {OLSTEN, LAHI, KIRJASTOON}, SAME),
    ("-kirjasto (lähi", {LAHI}, SAME),
    # No operators: "and" is a word to find like any other.
    ("kirjasto AND lähi", set(), SAME),
    ("%_\\", {title for title, _lang in TEXTS}, SAME),
]


def _dialect(app) -> str:
    with app.app_context():
        from participate.extensions import db

        return db.engine.dialect.name


@pytest.fixture
def titles_found(app, client):
    with app.app_context():
        theme = factories.create_theme()
        for title, language in TEXTS:
            factories.create_initiative(theme=theme, title=title, body="Teksti.", language=language)

    def found(query: str) -> set[str]:
        soup = pages.get(client, "/fi/initiatives/?" + urlencode({"q": query}))
        return {a.get_text(strip=True) for a in soup.select(".initiative-card h3 a")}

    return found


@pytest.mark.parametrize(("query", "expected", "on_postgresql"), SEARCHES)
def test_search_table(app, titles_found, query, expected, on_postgresql):
    if on_postgresql is not SAME and _dialect(app) == "postgresql":
        expected = on_postgresql
    assert titles_found(query) == expected


def test_search_reads_the_body_and_follows_edits(app, client):
    """Both databases keep their search data current: inserts, edits of the title, body or
    language, and deletes (generated column on PostgreSQL, triggers on SQLite)."""
    from participate.extensions import db
    from participate.initiatives.models import Initiative

    def found(query: str) -> set[str]:
        soup = pages.get(client, "/fi/initiatives/?" + urlencode({"q": query}))
        return {a.get_text(strip=True) for a in soup.select(".initiative-card h3 a")}

    with app.app_context():
        initiative = factories.create_initiative(
            title="Lisää penkkejä", body="Uimahalliin tarvitaan pukukoppeja.", language="fi"
        )
        initiative_id = initiative.id
    assert found("uimahallissa") == {"Lisää penkkejä"}
    assert found("PUKUKOPPEJA") == {"Lisää penkkejä"}
    with app.app_context():
        initiative = db.session.get(Initiative, initiative_id)
        initiative.title = "Fler bänkar"
        initiative.body = "Simhallen behöver omklädningsrum."
        initiative.language = "sv"
        db.session.commit()
    assert found("uimahallissa") == set()
    assert found("simhallens") == {"Fler bänkar"}
    with app.app_context():
        db.session.execute(sa.delete(Initiative).where(Initiative.id == initiative_id))
        db.session.commit()
    assert found("simhallen") == set()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
@example(query="\x00")
@example(query='"')
@example(query="kirjasto*")
@example(query="NOT AND OR NEAR(")
@example(query="-x:y ^z {a b}")
@example(query="\\'; DROP TABLE initiatives; --")
@example(query="a" * 300)
@example(query=" ".join("sana" + str(n) for n in range(40)))
def test_any_query_is_answered(app, client, query):
    """No 5xx and no SQL error for any text: the list, its feed and the API."""
    for url in ("/fi/initiatives/?", "/api/v1/initiatives?", "/fi/initiatives/feed.atom?"):
        response = client.get(url + urlencode({"q": query}))
        assert response.status_code < 500, (url, query)


@given(query=st.text())
def test_query_words_are_letters_and_digits(query):
    words = textsearch.query_words(query)
    assert len(words) <= textsearch.MAX_WORDS
    assert len(set(words)) == len(words)
    for word in words:
        assert word
        assert all(char.isalnum() for char in word), word


def test_stems_follow_the_text_language():
    assert textsearch.text_stems("fi", "Kirjastoon", "kirjastossa") == "kirjasto kirjasto"
    assert textsearch.text_stems("sv", "Biblioteken") == "bibliotek"
    assert textsearch.text_stems("en", "LIBRARIES") == "librari"
    # Unknown languages are stemmed as Finnish; nothing to stem is an empty string.
    assert textsearch.text_stems("xx", "kirjastoon") == "kirjasto"
    assert textsearch.text_stems("fi", None, "") == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [("österberg", {"Östen Österberg"}), ("ÅSA", {"Åsa Ådahl"}), ("ädahl", set())],
)
def test_user_search_folds_unicode_case(app, query, expected):
    with app.app_context():
        factories.create_user(display_name="Östen Österberg")
        factories.create_user(display_name="Åsa Ådahl")
        factories.create_user(display_name="Matti Virtanen")
    with app.test_request_context("/fi/"):
        page = admin_queries.search_users(admin_queries.UserFilters(q=query))
        assert {user.display_name for user in page.items} == expected


ACCOUNTS = [
    ("Östen Österberg", "osten@example.fi"),
    ("Åsa Ådahl", "asa_100%@example.fi"),
    ("Matti Virtanen", "m.virtanen@example.fi"),
    ("Anna \\ Back-Slash", "anna@exämple.fi"),
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(alphabet="aäöåeinrtsAÄÖÅEINRTSV%_\\ .@-\x1f", min_size=1, max_size=6))
@example(query="%")
@example(query="_")
@example(query="\\")
@example(query="N M")
@example(query="n\x1fm")  # the separator of PostgreSQL's search column
@example(query="ÄDAHL")
def test_account_search_finds_exactly_the_folded_substrings(app, query):
    """The account search (and so the audit log's actor box) on either database: the accounts
    whose name or address contains the query, case folded, LIKE's characters literal, and
    never a match spanning the name and the address (PostgreSQL keeps both in one column)."""
    from participate.extensions import db

    with app.app_context():
        if not db.session.scalar(sa.select(sa.func.count()).select_from(User)):
            for name, email in ACCOUNTS:
                factories.create_user(display_name=name, email=email)
    expected = {
        name
        for name, email in ACCOUNTS
        if query.casefold() in name.casefold() or query.casefold() in email.casefold()
    }
    with app.test_request_context("/fi/"):
        page = admin_queries.search_users(admin_queries.UserFilters(q=query))
        assert {user.display_name for user in page.items} == expected


@pytest.mark.parametrize(
    ("query", "actor", "expected"),
    [
        ("ÖLSTENIN", "", {"Ölstenin kirjasto"}),
        ("åbovägens", "", {"Åbovägens bibliotek"}),
        ("", "ÖSTEN", {"Ölstenin kirjasto", "Åbovägens bibliotek"}),
        ("", "åsa", set()),
    ],
)
def test_audit_search_folds_unicode_case(app, query, actor, expected):
    """The audit log's free text and actor boxes: substrings, Unicode case folded."""
    from participate.extensions import db
    from participate.moderation import audit

    with app.app_context():
        moderator = factories.create_user(display_name="Östen Österberg")
        for title in ("Ölstenin kirjasto", "Åbovägens bibliotek"):
            audit.record(
                actor=moderator,
                action="initiative.hide",
                object_kind="initiative",
                object_id=1,
                object_title=title,
            )
        db.session.commit()
    with app.test_request_context("/fi/"):
        page = admin_queries.search_audit(admin_queries.AuditFilters(q=query, actor=actor))
        assert {entry.object_title for entry in page.items} == expected


def test_sqlite_connections_have_the_search_functions(app):
    with app.app_context():
        from participate.extensions import db

        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        assert db.session.scalar(sa.select(sa.func.casefold("ÖLSTEN Å"))) == "ölsten å"
        stems = sa.func.search_stems("fi", "Ölstenin", "kirjastoon")
        assert db.session.scalar(sa.select(stems)) == "ölsten kirjasto"
