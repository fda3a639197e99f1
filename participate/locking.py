"""One way to lock a row while counting or deciding: `lock_row`.

Used wherever a check and the write that follows must not interleave with another request's
(two sign-ups for the last place, two moderators deciding the same item). The row stays
locked until the transaction ends, so the caller's single commit or rollback releases it.

- PostgreSQL: `SELECT … FOR UPDATE OF <the model's table>` (a refresh). "OF" matters because
  the refresh repeats the model's eager joined relationships as LEFT OUTER JOINs, and
  PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
- SQLite has no row locks, and Python's sqlite3 driver runs a plain SELECT outside any
  transaction. A no-op `UPDATE … SET id = id` first takes the database's write lock at once,
  so a concurrent writer waits for our commit (written as text, so no `onupdate` column
  such as `updated_at` changes).
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa

from participate.extensions import db

T = TypeVar("T")


def lock_row(item: T) -> T:
    """Re-read `item`'s row from the database and keep it locked until the transaction ends.

    `item`: a persistent model instance. Its column attributes are reloaded, so the caller
    sees what a concurrent transaction committed before the lock was granted (and unflushed
    changes to it are lost: lock first, then change). Returns it.
    """
    mapper: Any = sa.inspect(type(item))
    if db.session.get_bind().dialect.name == "sqlite":
        (key,) = mapper.primary_key
        table, column = mapper.local_table.name, key.name  # from the model, never input
        statement = f'UPDATE "{table}" SET "{column}" = "{column}" WHERE "{column}" = :ident'  # noqa: S608
        ident = sa.inspect(item).identity[0]
        db.session.execute(sa.text(statement), {"ident": ident})
    db.session.refresh(item, with_for_update={"of": type(item)})
    return item
