"""What the `flask` commands share: loading the city's data files.

Loaders (`districts/loaders.py`, `councillors/loaders.py`) read a file and upsert its rows,
flushing and never committing; they raise `LoadError` with a message that says where and
why. `run_loader` is a command's one call: the loader, then one commit and a line of counts,
or the error as a `click.ClickException` (exit status 1, nothing committed). Like every
`cli.py`, this module owns its transaction (tests/test_architecture.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from participate.extensions import db

T = TypeVar("T")


class LoadError(ValueError):
    """The file cannot be loaded; the message says where and why."""


def run_loader(load: Callable[[Path], T], path: Path, *, report: Callable[[T], str]) -> T:
    """Run `load(path)`, commit, and echo `report(result)` ("Districts: 7 created, …")."""
    try:
        result = load(path)
    except LoadError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(report(result))
    return result
