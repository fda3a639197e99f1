"""Flask-Migrate's `flask db` commands and settings, without importing Flask-Migrate in
every process.

`Migrate.init_app` imports Flask-Migrate and with it Alembic, Mako and Pygments (about
12 MB) only to register the `flask db` command group and store its settings in
`app.extensions["migrate"]`; a web worker never migrates. `LazyMigrate.init_app` stores
the same settings in an object with the attributes Flask-Migrate's functions and
migrations/env.py read (`.migrate.get_config()`, `.migrate.directory`, `.db`,
`.configure_args`, `.metadata`), and registers a `db` group that imports Flask-Migrate's
own group when a `flask db …` command runs. `flask_migrate.upgrade()` and the other
functions work on an app set up this way. tests/test_worker_memory.py checks that a web
worker has no Alembic; tests/test_cli.py runs `flask db`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

if TYPE_CHECKING:
    from alembic.config import Config


class MigrationSettings:
    """What `app.extensions["migrate"]` holds: Flask-Migrate's `_MigrateConfig` and its
    `Migrate` in one (`.migrate` is the object itself)."""

    def __init__(self, db: SQLAlchemy, directory: str, **configure_args: Any) -> None:
        self.db = db
        self.directory = directory
        self.configure_args = configure_args  # Alembic's context.configure(**…) in env.py
        self.migrate = self

    @property
    def metadata(self) -> Any:
        return self.db.metadata

    def get_config(self, *args: Any, **kwargs: Any) -> Config:
        """Alembic's Config for this directory (Flask-Migrate's `Migrate.get_config`)."""
        from flask_migrate import Migrate

        migrate = Migrate(db=self.db, directory=self.directory, **self.configure_args)
        return migrate.get_config(*args, **kwargs)


class MigrationCommands(click.Group):
    """`flask db …`: Flask-Migrate's group, imported when a command of it runs."""

    @staticmethod
    def _group() -> click.Group:
        from flask_migrate.cli import db

        return db

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The context's command is Flask-Migrate's group: click runs that, with its options.
        return self._group().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._group().get_command(ctx, cmd_name)


class LazyMigrate:
    """`Migrate()` with the same `init_app(app, db, directory=…, **alembic_options)`."""

    def init_app(
        self, app: Flask, db: SQLAlchemy, *, directory: str, **configure_args: Any
    ) -> None:
        app.extensions["migrate"] = MigrationSettings(db, directory, **configure_args)
        app.cli.add_command(
            MigrationCommands("db", help="Perform database migrations (Flask-Migrate)."),
            name="db",
        )
