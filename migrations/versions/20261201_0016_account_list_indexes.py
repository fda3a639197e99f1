"""indexes for the administrator's account list and its search (issue #11)

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-01 10:45:00.000000

Written by hand (docs/performance.md, "Accounts, places left, the desk and statistics", has
the plans). The account list (moderation.admin_queries.search_users) orders the accounts
that are not deleted by name in the page's collation, then by id:

- `ix_users_name_fi`, `ix_users_name_sv`: (display_name COLLATE "fi-FI-x-icu" | "sv-FI-x-icu",
  id) WHERE deleted_at IS NULL, on both databases: a page is read in index order and stops
  after its rows instead of sorting every account. SQLite's collations of these names are
  registered by participate.db on every connection (PyICU), so, as since 0013, write `users`
  through the app's engine, not the sqlite3 shell. After an ICU upgrade that changes the
  Finnish or Swedish order, `REINDEX` both (PostgreSQL warns of a collation version
  mismatch).
- `ix_users_role` and the partial `ix_users_blocked` (blocked_at) WHERE blocked_at IS NOT
  NULL: the role and "blocked" filters pick a few staff or blocked accounts from 100,000
  without walking the name order.
- PostgreSQL only: pg_trgm GIN indexes `ix_users_display_name_trgm`, `ix_users_email_trgm`,
  which serve the search's `ILIKE '%word%'` on the name and the address (db.contains_text).
  SQLite's search folds case with a Python function, which no index serves. These two are not
  in the models (participate.textsearch.SCHEMA_NAMES keeps them out of `flask db check`).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

COLLATIONS = {"fi": "fi-FI-x-icu", "sv": "sv-FI-x-icu"}
NOT_DELETED = "deleted_at IS NULL"


def upgrade():
    for lang, collation in COLLATIONS.items():
        op.create_index(
            f"ix_users_name_{lang}",
            "users",
            [sa.text(f'display_name COLLATE "{collation}"'), "id"],
            postgresql_where=sa.text(NOT_DELETED),
            sqlite_where=sa.text(NOT_DELETED),
        )
    op.create_index("ix_users_role", "users", ["role"])
    op.create_index(
        "ix_users_blocked",
        "users",
        ["blocked_at"],
        postgresql_where=sa.text("blocked_at IS NOT NULL"),
        sqlite_where=sa.text("blocked_at IS NOT NULL"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("display_name", "email"):
            op.execute(
                f"CREATE INDEX ix_users_{column}_trgm ON users USING gin ({column} gin_trgm_ops)"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for column in ("display_name", "email"):
            op.execute(f"DROP INDEX IF EXISTS ix_users_{column}_trgm")
    op.drop_index("ix_users_blocked", table_name="users")
    op.drop_index("ix_users_role", table_name="users")
    for lang in COLLATIONS:
        op.drop_index(f"ix_users_name_{lang}", table_name="users")
