"""The administrator's reads: the audit log (search, CSV, filter choices) and the accounts.

Every list costs a fixed number of queries whatever its length; the counts stop at
paging.listed_rows (fewer with a search word; the log only grows, its filters reach older
entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from participate.accounts.models import Role, User
from participate.collation import collate
from participate.db import contains_text
from participate.extensions import db
from participate.moderation.audit import AuditEntry
from participate.paging import BoundedPagination, listed_rows
from participate.textsearch import ACCOUNT_SEARCH_COLUMN

AUDIT_PER_PAGE = 50
USERS_PER_PAGE = 50
# Between the name and the address in `users.search_text` (migration 0022).
SEPARATOR = "\x1f"


def _dialect() -> str:
    """The database's dialect name, for db.contains_text (Unicode case folding everywhere)."""
    return db.session.get_bind().dialect.name


def account_contains(needle: str) -> sa.ColumnElement[bool]:
    """Accounts whose name or e-mail address contains `needle` (db.contains_text's folding).

    On PostgreSQL through `users.search_text` (migration 0022: `lower(display_name) || chr(31)
    || lower(email)`, generated), which the indexes of the account list's name order carry:
    a search reads its page and its count from the index alone, a common name ("virtanen",
    5 % of 100,000 accounts) in about a millisecond each instead of 7 and 3 with ILIKE on
    the table's two columns; its pg_trgm index serves rare words. The separator is a
    control character (U+001F) that neither field holds; a needle holding it matches
    nothing, as on SQLite, so a match never spans the two (tests/test_search.py checks the
    same results on both databases).
    """
    dialect = _dialect()
    if dialect == "postgresql":
        if SEPARATOR in needle:  # in neither field: only a span of the two could match
            return sa.false()
        column = sa.literal_column(f"{User.__tablename__}.{ACCOUNT_SEARCH_COLUMN}", sa.Text)
        return contains_text(column, needle, dialect, lowered=True)
    return sa.or_(
        contains_text(User.display_name, needle, dialect),
        contains_text(User.email, needle, dialect),
    )


# The audit log --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # part of a name or an e-mail address
    action: str = ""  # an action name such as "initiative.hide"
    object_kind: str = ""
    object_id: int | None = None
    q: str = ""  # free text in the title, the reason, before and after

    def as_args(self) -> dict[str, Any]:
        args = {
            "actor": self.actor or None,
            "action": self.action or None,
            "object_kind": self.object_kind or None,
            "object_id": self.object_id,
            "q": self.q or None,
        }
        return {key: value for key, value in args.items() if value is not None}


def audit_select(filters: AuditFilters) -> sa.Select[AuditEntry]:
    query = sa.select(AuditEntry).options(joinedload(AuditEntry.actor))
    if filters.actor:
        people = sa.select(User.id).where(account_contains(filters.actor))
        query = query.where(AuditEntry.actor_id.in_(people))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.object_kind:
        query = query.where(AuditEntry.object_kind == filters.object_kind)
    if filters.object_id is not None:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.q:
        query = query.where(
            sa.or_(
                *(
                    contains_text(column, filters.q, _dialect())
                    for column in (
                        AuditEntry.object_title,
                        AuditEntry.reason,
                        AuditEntry.before,
                        AuditEntry.after,
                    )
                )
            )
        )
    return query.order_by(AuditEntry.id.desc())


def search_audit(filters: AuditFilters, *, page: int = 1) -> BoundedPagination:
    """Newest first, with the actors: two queries (count and rows) per page. The count
    stops at paging.listed_rows (fewer with a search word) and the pages reach that far
    (`is_capped` above it): the log only grows, and its filters find older entries."""
    return BoundedPagination(
        audit_select(filters),
        page=max(page, 1),
        per_page=AUDIT_PER_PAGE,
        max_rows=listed_rows(searching=bool(filters.q or filters.actor)),
    )


def list_audit(filters: AuditFilters, *, limit: int = 100_000) -> list[AuditEntry]:
    """Every matching entry (the CSV export), newest first."""
    return list(db.session.scalars(audit_select(filters).limit(limit)))


def _distinct_values(column: sa.Column[str]) -> list[str]:
    """The column's distinct values in order, one index probe per value (a "loose index
    scan" as a recursive CTE) instead of `SELECT DISTINCT`, which reads every row: the audit
    log's filter choices stay as cheap at a million entries as at ten. The column must lead
    an index (ix_audit_entries_action, ix_audit_entries_object)."""
    values = sa.select(sa.func.min(column).label("value")).cte("found", recursive=True)
    following = sa.select(
        sa.select(sa.func.min(column))
        .where(column > values.c.value)
        .scalar_subquery()
        .label("value")
    ).where(values.c.value.is_not(None))
    values = values.union_all(following)
    return list(
        db.session.scalars(
            sa.select(values.c.value).where(values.c.value.is_not(None)).order_by(values.c.value)
        )
    )


def list_audit_actions() -> list[str]:
    return _distinct_values(AuditEntry.__table__.c.action)


def list_audit_object_kinds() -> list[str]:
    return _distinct_values(AuditEntry.__table__.c.object_kind)


# Accounts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserFilters:
    q: str = ""  # part of a name or an e-mail address
    role: Role | None = None
    blocked: bool | None = None

    def as_args(self) -> dict[str, Any]:
        args = {
            "q": self.q or None,
            "role": self.role.value if self.role else None,
            "blocked": {True: "yes", False: "no", None: None}[self.blocked],
        }
        return {key: value for key, value in args.items() if value is not None}


def search_users(filters: UserFilters, *, page: int = 1) -> BoundedPagination:
    """Accounts (not deleted ones) by name in the page's collation, then id: two queries per
    page (count and rows, the home district joined), whatever the number of accounts.

    Like the audit log, the count stops at paging.listed_rows and the pages reach that far
    (`is_capped` above it): the search, role and status filters find the rest. Indexes of
    migration 0016 serve each part on PostgreSQL: the order by `ix_users_name_fi`/`_sv` (a
    page reads its rows in index order instead of sorting every account; SQLite too), the
    role and "blocked" filters by `ix_users_role`/`ix_users_blocked`, and the search by
    `account_contains`'s column and indexes (migration 0022)."""
    query = sa.select(User).where(User.deleted_at.is_(None))
    if filters.q:
        query = query.where(account_contains(filters.q))
    if filters.role is not None:
        query = query.where(User.role == filters.role)
    if filters.blocked is True:
        query = query.where(User.blocked_at.is_not(None))
    elif filters.blocked is False:
        query = query.where(User.blocked_at.is_(None))
    query = query.order_by(collate(User.display_name), User.id)
    return BoundedPagination(
        query,
        page=max(page, 1),
        per_page=USERS_PER_PAGE,
        max_rows=listed_rows(searching=bool(filters.q)),
        keys_first=bool(filters.q),
    )


def get_user(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.deleted_at is None else None


def list_audit_for(object_kind: str, object_id: int, *, limit: int = 50) -> list[AuditEntry]:
    """The latest entries about one object (a user's page shows its own history)."""
    return list(
        db.session.scalars(
            audit_select(AuditFilters(object_kind=object_kind, object_id=object_id)).limit(limit)
        )
    )
