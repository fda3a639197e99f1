"""Demo and benchmark data, kept out of the features.

- `participate.seeding.demo`: `flask demo load`, the demo content in fi, sv and en; each
  feature's part is in `participate.seeding.<feature>` (its `load(ctx)`), listed in
  `demo.FEATURE_DEMOS` in the order they depend on each other.
- `participate.seeding.bench`: the benchmark data set at a given scale (`make bench`), which
  calls the `bench_seed(ctx, scale)` hook of the same modules.

This package imports the features; no feature, shared layer or the site shell imports it
(import-linter contract "Nothing imports the seeding"). The app only registers the `demo`
command group here.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register `flask demo …` (the CLI group; nothing runs at start-up)."""
    from participate.seeding import demo

    demo.init_app(app)
