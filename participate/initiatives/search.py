"""Full-text search of initiatives: the condition that a title and body match every word
of a query, on PostgreSQL and on SQLite, each through its own indexes (migration 0013).

`queries.public_where` adds it to every public list; the rules of a match (stems, prefixes,
substrings) are `participate.textsearch`'s.
"""

from __future__ import annotations

import sqlalchemy as sa

from participate import textsearch
from participate.extensions import db
from participate.initiatives.models import Initiative


def search_condition(q: str) -> sa.ColumnElement[bool]:
    """Initiatives whose title and body match every word of `q` (participate.textsearch has
    the rules: a stem prefix in the text's language, or a substring of ≥ 3 characters; the
    same on both databases, each through its own indexes). No words: no condition."""
    words = textsearch.query_words(q)
    if db.session.get_bind().dialect.name == "postgresql":
        conditions = [_postgresql_word(word) for word in words]
    else:
        conditions = [_sqlite_word(word) for word in words]
    return sa.and_(sa.true(), *conditions)


def _postgresql_word(word: str) -> sa.ColumnElement[bool]:
    """`search_vector @@ (to_tsquery('finnish', 'word') || …swedish… || …english…)`, or
    `title || ' ' || body ILIKE '%word%'` (GIN indexes of migration 0013: the vector column,
    and pg_trgm on exactly this expression, hence the literal ' '). Short words: `'word:*'`
    and no ILIKE. The word is letters and digits only (query_words): no tsquery operator
    and no LIKE wildcard can reach either."""
    vector = sa.literal_column(f"{Initiative.__tablename__}.{textsearch.PG_VECTOR_COLUMN}")
    star = textsearch.stem_query_suffix(word)
    prefix = sa.literal(word + (":" + star if star else ""), sa.Text)
    queries = [
        sa.func.to_tsquery(sa.literal_column(f"'{name}'::regconfig"), prefix)
        for name in textsearch.ALGORITHMS.values()
    ]
    tsquery = queries[0]
    for query in queries[1:]:
        tsquery = tsquery.op("||")(query)
    condition = vector.bool_op("@@")(tsquery)
    if textsearch.matches_substring(word):
        text = Initiative.title.op("||")(sa.literal_column("' '")).op("||")(Initiative.body)
        condition = sa.or_(condition, text.ilike(f"%{word}%"))
    return condition


def _sqlite_word(word: str) -> sa.ColumnElement[bool]:
    """The initiative's id among the FTS5 stems table's hits for the word's stems, or among
    the trigram table's hits for the word (migration 0013's tables).

    `+initiatives.id` keeps SQLite from driving the query by these lists (a rowid lookup and
    a sort of every hit: 210 ms for a word in 40 % of 100,000 rows): it walks the list's
    order index and checks each id against the lists, built once (44 ms; a word in no text
    costs a whole walk, 27 ms). docs/performance.md has the figures."""
    own_id = sa.literal_column(f"+{Initiative.__tablename__}.id")

    def hits(table: str, match: str) -> sa.ColumnElement[bool]:
        ids = (
            sa.select(sa.literal_column("rowid"))
            .select_from(sa.table(table))
            .where(sa.literal_column(table).op("MATCH")(match))
        )
        return own_id.in_(ids)

    condition = hits(textsearch.SQLITE_STEMS_TABLE, textsearch.fts5_stems_query(word))
    if textsearch.matches_substring(word):
        text_hits = hits(textsearch.SQLITE_TEXT_TABLE, textsearch.fts5_substring_query(word))
        condition = sa.or_(condition, text_hits)
    return condition
