"""Word search in the initiatives' texts, the same rules on SQLite and PostgreSQL (issue #11).

A query is cut into words (runs of letters and digits, lower-cased, NFC; at most `MAX_WORDS`
distinct ones). An initiative matches when it matches every word, and it matches a word when

- **stem**: the word's Snowball stem in Finnish, Swedish or English is a stem of the
  initiative's text, stemmed in the language it was written in (`initiatives.language`):
  "kirjastossa" (stem *kirjasto*) finds "Kirjastoon" and "Ölstenin kirjasto", "libraries"
  finds "library", "biblioteken" finds "bibliotek"; or
- **substring**: the word has at least `SUBSTRING_MIN` (3) characters and appears anywhere in
  the title or the body: "kirjasto" finds "Lähikirjasto" (Finnish and Swedish compounds),
  "lähi" finds it too, "åbo" finds "Åbovägens".
- Words shorter than that match as the start of a stem instead ("ä" finds "äänikirjoja"):
  a one- or two-letter substring would match nearly every text, and no index serves it.

Stems match whole, not as prefixes: Finnish stems are short ("kirjoja", books, is *kirj*),
and the prefix `kirj*` would also find kirjasto, kirje and kirjaamo. The substring rule
already finds what a typed prefix meant. There are no operators: "and", "or", "-" and quotes
are words or separators like any other.

Case folds in the Unicode sense (Ö = ö, Å = å); letters with diacritics stay letters of their
own (ä is not a, as Finns and Swedes read them).

How each database does it (migration 0013 builds both):

- PostgreSQL: the generated column `initiatives.search_vector` (`to_tsvector` with the
  `finnish`, `swedish` or `english` configuration by language) in the GIN index
  `ix_initiatives_search_vector`, queried with `to_tsquery(cfg, 'word')` (short words:
  `'word:*'`) in the three configurations; substrings by `ILIKE '%word%'` on
  `title || ' ' || body`, served by the pg_trgm GIN index `ix_initiatives_search_text`.
  ILIKE folds case with the database's ctype (Unicode under a UTF-8 ctype such as C.UTF-8;
  ASCII only under plain "C").
- SQLite: two FTS5 tables kept by triggers on `initiatives`: `initiatives_search_stems`
  (`unicode61 remove_diacritics 0`, holding `search_stems(language, title, body)`: this
  module's stems, computed by a function every SQLite connection gets) queried with
  `"stem"` (short words: `"stem"*`), and `initiatives_search_text` (`trigram`, external
  content on the title and body) queried with `"word"`.

Where they differ (tests/test_search.py asserts these; docs/performance.md, "Search"):
PostgreSQL's dictionaries drop stop words ("ja", "och", "the") from texts and queries, SQLite
keeps them; PostgreSQL 15 ships an older Snowball whose Swedish stemmer keeps definite forms
("biblioteket" stays *biblioteket*) where PyStemmer's newer one strips them (*bibliotek*); and
PostgreSQL's parser also indexes hyphenated words, e-mail addresses and URLs whole.

Stemming on SQLite uses PyStemmer (C Snowball; pip `PyStemmer`). After an upgrade of it the
stored stems of old rows may differ from new ones; recompute them with
`DELETE FROM initiatives_search_stems` and `INSERT INTO initiatives_search_stems(rowid, stems)
SELECT id, search_stems(language, title, body) FROM initiatives` (as the migration does).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from typing import Any, Final

import Stemmer

MAX_WORDS: Final = 10
SUBSTRING_MIN: Final = 3
# initiatives.language → Snowball algorithm, the same names as PostgreSQL's configurations.
# Any other language code is stemmed as Finnish (the city's majority language).
ALGORITHMS: Final = {"fi": "finnish", "sv": "swedish", "en": "english"}
DEFAULT_ALGORITHM: Final = "finnish"

# SQLite objects of migration 0013 (FTS5 tables with their shadow tables, triggers) and
# PostgreSQL ones outside the models: `flask db check` must not see them as strays.
SQLITE_STEMS_TABLE: Final = "initiatives_search_stems"
SQLITE_TEXT_TABLE: Final = "initiatives_search_text"
PG_VECTOR_COLUMN: Final = "search_vector"
ACCOUNT_SEARCH_COLUMN: Final = "search_text"
SCHEMA_NAMES: Final = frozenset(
    {
        SQLITE_STEMS_TABLE,
        SQLITE_TEXT_TABLE,
        PG_VECTOR_COLUMN,
        "ix_initiatives_search_vector",
        "ix_initiatives_search_text",
        # The account search on PostgreSQL (migration 0022): a name and an e-mail address
        # lower-cased in one generated column, which the name-order indexes carry and a
        # pg_trgm index serves (participate.moderation.admin_queries).
        ACCOUNT_SEARCH_COLUMN,
        "ix_users_search_text_trgm",
    }
)
_FTS5_SHADOW = re.compile(r"_(data|idx|content|docsize|config)$")

# Letters and digits: the tokens of FTS5's unicode61 (no underscore, no punctuation).
_WORD = re.compile(r"[^\W_]+")

# PyStemmer's stemmers are not thread-safe: one set per thread.
_local = threading.local()


def is_search_object(name: str | None) -> bool:
    """True for the tables, shadow tables, columns and indexes this module's search adds
    outside the models (for Alembic's include_name / include_object)."""
    if not name:
        return False
    return name in SCHEMA_NAMES or _FTS5_SHADOW.sub("", name) in SCHEMA_NAMES


def _stemmer(algorithm: str) -> Any:
    stemmers: dict[str, Any] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if algorithm not in stemmers:
        stemmers[algorithm] = Stemmer.Stemmer(algorithm)
    return stemmers[algorithm]


def words(text: str) -> list[str]:
    """Letters-and-digits runs of `text`, lower-cased and NFC normalised, in order."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def query_words(q: str) -> list[str]:
    """The distinct words of a search query, first `MAX_WORDS` of them, in order. Only
    letters and digits: no quote, operator or LIKE wildcard survives (any input is safe)."""
    return list(dict.fromkeys(words(q)))[:MAX_WORDS]


def text_stems(language: str | None, *texts: str | None) -> str:
    """The stems of `texts` in the language's Snowball algorithm, space-separated (what
    SQLite's stems table holds; the `search_stems` SQL function)."""
    stemmer = _stemmer(ALGORITHMS.get(language or "", DEFAULT_ALGORITHM))
    tokens = [token for text in texts if text for token in words(text)]
    return " ".join(stemmer.stemWords(tokens))


def word_stems(word: str) -> list[str]:
    """A query word's distinct stems in every search language (the text's language is not
    known for a query)."""
    return list(dict.fromkeys(_stemmer(name).stemWord(word) for name in ALGORITHMS.values()))


def matches_substring(word: str) -> bool:
    return len(word) >= SUBSTRING_MIN


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def stem_query_suffix(word: str) -> str:
    """ "*" (FTS5) or ":*" (tsquery) is appended to a word's stems when they match as
    prefixes: for words too short for the substring rule."""
    return "" if matches_substring(word) else "*"


def fts5_stems_query(word: str) -> str:
    """FTS5 MATCH text for the stems table: any of the word's stems as a token (as a token's
    start for short words)."""
    star = stem_query_suffix(word)
    return " OR ".join(_fts5_string(stem) + star for stem in word_stems(word))


def fts5_substring_query(word: str) -> str:
    """FTS5 MATCH text for the trigram table: the word anywhere (≥ SUBSTRING_MIN chars)."""
    return _fts5_string(word)


def _search_stems(language: Any, title: Any, body: Any) -> str:
    return text_stems(
        language if isinstance(language, str) else None,
        title if isinstance(title, str) else None,
        body if isinstance(body, str) else None,
    )


def register_sqlite(connection: sqlite3.Connection) -> None:
    """Give a SQLite connection `search_stems(language, title, body)`, which the triggers of
    migration 0013 call (participate.db's connect hook calls this for every connection)."""
    connection.create_function("search_stems", 3, _search_stems, deterministic=True)
