"""Conditional requests and caching for what other systems poll: the API, the Atom feeds,
the calendar files and the GeoJSON. One helper, `conditional()`, used by all of them, and
per-process caches of rendered bodies, `cached_body()`, for what is polled or fetched by
every page view and costly to render (the feeds, the subscribable calendar, the map's
points). The same timed cache (`TimedCache`) keeps the desk's
aggregates for a minute, `cached_aggregate()` (the statistics, the council report's counts).

- A **strong ETag**: the SHA-256 of the body (the body is byte-for-byte the same for the
  same data, so any change of data changes it; RFC 9110 §8.8.3).
- **Last-Modified** when the caller knows it exactly (the `updated_at` of the one item
  shown). Lists have none: an item leaving a list (ended, withdrawn) changes the body
  without any shown row's `updated_at` changing, so an `If-Modified-Since` would answer a
  wrong 304; their ETag is exact.
- **304 Not Modified** on a matching `If-None-Match` (or, without it, an `If-Modified-Since`
  not older than Last-Modified): werkzeug's `make_conditional` does the comparison
  (RFC 9110 §13.2.2 order) and drops the body.
- **Cache-Control: public, max-age=N**: only for anonymous data, which is all this is used
  for. Lists change often (a minute); the district boundaries seldom (a day). Shared caches
  may store the answer, and clients revalidate with the ETag after max-age.

Never use it on a response that depends on who is signed in.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from flask import Flask, Response, current_app, g, request

from participate.extensions import db

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

LIST_MAX_AGE = 60  # seconds: lists, feeds, calendars
ITEM_MAX_AGE = 300  # seconds: one item
REFERENCE_MAX_AGE = 86_400  # seconds: district boundaries, the OpenAPI description

# How long a rendered feed body is reused in a process (FEED_CACHE_SECONDS; 0 turns it
# off, the default under TESTING so a test sees its own data at once). Not longer than
# LIST_MAX_AGE: a client may already keep the answer that long.
FEED_CACHE_SECONDS = LIST_MAX_AGE
FEED_CACHE_SIZE = 64  # keys (a feed in a language with a filter): up to a few 100 kB each


def etag_of(body: bytes) -> str:
    """The strong ETag value of a body: its SHA-256 in hex (without quotes)."""
    return hashlib.sha256(body).hexdigest()


def conditional(
    response: Response,
    *,
    max_age: int,
    last_modified: datetime | None = None,
    etag: str | None = None,
) -> Response:
    """Add ETag, Last-Modified and Cache-Control to a 200 response, and turn it into a 304
    when the request's validators match. Other statuses pass through unchanged.

    `etag` is `etag_of(body)` when the caller already has it (a cached body), so a large
    body is not hashed again on every request."""
    if response.status_code != 200 or response.is_streamed:
        return response
    response.set_etag(etag or etag_of(response.get_data()))
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)


@dataclass(frozen=True)
class CachedBody:
    """A rendered body and its ETag value (`etag_of(body)`)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> CachedBody:
        return cls(body, etag_of(body))


class Lru(Generic[K, V]):
    """At most `size` values by key, the least recently used out first. Not locked: its
    owner holds a lock around every call (TimedCache here, the compressed bodies in
    participate.web.compression)."""

    def __init__(self, size: int) -> None:
        self._entries: OrderedDict[K, V] = OrderedDict()
        self.size = size

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


class TimedCache(Generic[V]):
    """Values by key for `seconds`, at most `size` keys (least recently used go first),
    shared by a process's threads. Two threads that miss the same key at once may both
    compute it; the later one's value is kept (the same data gives the same value)."""

    def __init__(self, size: int) -> None:
        self._entries: Lru[Hashable, tuple[float, V]] = Lru(size)
        self._lock = threading.Lock()
        self.misses = 0

    @property
    def size(self) -> int:
        return self._entries.size

    def get(
        self,
        key: Hashable,
        compute: Callable[[], V],
        *,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> V:
        """The value under `key` if computed less than `seconds` ago, else `compute()`'s
        (stored when `seconds` > 0; 0 turns the cache off, also for what it holds)."""
        now = clock()
        with self._lock:
            found = self._entries.get(key) if seconds > 0 else None
            if found is not None and found[0] > now:
                return found[1]
        value = compute()  # outside the lock: a slow one does not hold up other keys
        with self._lock:
            self.misses += 1
            if seconds > 0:
                self._entries.put(key, (now + seconds, value))
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class BodyCache(TimedCache[CachedBody]):
    """Rendered bodies with their ETag values (`cached_body`); `renders` counts the misses."""

    def __init__(self, size: int = FEED_CACHE_SIZE) -> None:
        super().__init__(size)

    @property
    def renders(self) -> int:
        return self.misses


# `g` attribute: the ETag value of the cached body this request answers with, so the
# compression can reuse its compressed bytes too (participate.web.compression).
CACHED_ETAG = "cached_body_etag"
# `g` attribute: which cache that body came from, so its compressed forms are kept apart too.
CACHED_IN = "cached_body_cache"


# The caches of rendered bodies, by their name in `app.extensions`: the feeds', and the
# map's points apart, so that its viewport variants (`bbox`) never push a feed out (nor
# its compressed forms: participate.web.compression keeps those per cache as well).
FEED_CACHE = "feed_cache"
MAP_CACHE = "map_cache"


def cached_body(
    key: Hashable, render: Callable[[], bytes], *, cache_name: str = FEED_CACHE
) -> CachedBody:
    """`render()`'s body, reused for FEED_CACHE_SECONDS by this app in this process. The
    key must hold everything the body depends on besides the data (language, filters).
    The response must carry this body unchanged: its ETag value also names the body's
    compressed forms (`g.cached_body_etag`). `cache_name`: FEED_CACHE or MAP_CACHE."""
    cache: BodyCache = current_app.extensions[cache_name]
    seconds = _configured_seconds("FEED_CACHE_SECONDS", FEED_CACHE_SECONDS)
    cached = cache.get(key, lambda: CachedBody.of(render()), seconds=seconds)
    setattr(g, CACHED_ETAG, cached.etag)
    setattr(g, CACHED_IN, cache_name)
    return cached


# The desk's aggregates (the statistics, the council report's counts), per period, for
# AGGREGATE_CACHE_SECONDS (STATISTICS_CACHE_SECONDS; 0, the default under TESTING, turns
# it off): pages read often whose counts change slowly, and whose cost grows with the data
# counted. A minute old at most, as the feeds.
AGGREGATE_CACHE_SECONDS = 60
AGGREGATE_CACHE_SIZE = 64


def cached_aggregate(key: Hashable, compute: Callable[[], V]) -> V:
    """`compute()`'s value, reused for STATISTICS_CACHE_SECONDS by this app in this
    process. The key names what is counted and for which period; the database's URL is
    added (tests and the benchmark run several databases in one process)."""
    cache: TimedCache[Any] = current_app.extensions["aggregate_cache"]
    seconds = _configured_seconds("STATISTICS_CACHE_SECONDS", AGGREGATE_CACHE_SECONDS)
    return cast(V, cache.get((str(db.engine.url), key), compute, seconds=seconds))


def _configured_seconds(setting: str, default: float) -> float:
    """How long the app keeps a cached value: its `setting`, else `default`; 0 (off) under
    TESTING, so a test sees its own data at once."""
    return float(current_app.config.get(setting, 0 if current_app.testing else default))


def init_app(app: Flask) -> None:
    app.extensions[FEED_CACHE] = BodyCache()
    app.extensions[MAP_CACHE] = BodyCache()
    app.extensions["aggregate_cache"] = TimedCache[Any](AGGREGATE_CACHE_SIZE)
