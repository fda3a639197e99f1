"""the account search reads its page from an index (issue #11)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 16:40:00.000000

Written by hand (docs/performance.md, "Session 5"). PostgreSQL only; SQLite keeps 0016's
indexes and folds case with its `casefold` function.

The account search (moderation.admin_queries.account_contains) matched `display_name ILIKE
'%word%' OR email ILIKE '%word%'` row by row along `ix_users_name_fi` in name order: for a
common name ("virtanen", 5 % of 100,000 accounts) a page walked about 5,000 index entries,
each a heap page (5,057 buffers, 6.7 ms) and the count another 3,800 rows (2.8 ms).

- `users.search_text`, generated: `lower(display_name) || chr(31) || lower(email)`, so one
  plain LIKE (a fifth of ILIKE's cost a row) tests both fields;
- 0016's `ix_users_name_fi` and `ix_users_name_sv` (the account list's name order:
  display_name in the page's collation, id, of accounts not deleted) made again with
  `search_text` INCLUDEd: a search reads its page and its count from the index alone (1.0
  and 1.2 ms);
- `ix_users_search_text_trgm` (pg_trgm, GIN) replaces 0016's two trigram indexes on the
  name and the address: a rare word is found through it and sorted.

The column and the trigram index are not in the models (participate.textsearch.SCHEMA_NAMES keeps them out of
`flask db check`). Adding the column rewrites `users` once (about a second at 100,000).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

COLLATIONS = {"fi": "fi-FI-x-icu", "sv": "sv-FI-x-icu"}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE users ADD COLUMN search_text text GENERATED ALWAYS AS "
        "(lower(display_name) || chr(31) || lower(email)) STORED"
    )
    _name_indexes("INCLUDE (search_text) ")
    op.execute("DROP INDEX IF EXISTS ix_users_display_name_trgm")
    op.execute("DROP INDEX IF EXISTS ix_users_email_trgm")
    op.execute("CREATE INDEX ix_users_search_text_trgm ON users USING gin (search_text gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_users_search_text_trgm")
    _name_indexes("")
    op.execute("ALTER TABLE users DROP COLUMN search_text")
    for column in ("display_name", "email"):
        op.execute(f"CREATE INDEX ix_users_{column}_trgm ON users USING gin ({column} gin_trgm_ops)")


def _name_indexes(include):
    for lang, collation in COLLATIONS.items():
        op.execute(f"DROP INDEX IF EXISTS ix_users_name_{lang}")
        op.execute(
            f"CREATE INDEX ix_users_name_{lang} ON users "
            f'(display_name COLLATE "{collation}", id) {include}WHERE deleted_at IS NULL'
        )
