"""Kept so branches written before `participate.urls` still import: use `external_url`.

`absolute_url` is the same function as `participate.urls.external_url` (always `BASE_URL`,
never the request's Host); remove this module once no branch imports it (docs/notes.md).
"""

from __future__ import annotations

from participate.urls import external_url as absolute_url

__all__ = ["absolute_url"]
