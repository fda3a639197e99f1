"""Conditional requests and caching for what other systems poll: the API, the Atom feeds,
the calendar files and the GeoJSON. One helper, `conditional()`, used by all of them.

- A **strong ETag**: the SHA-256 of the body (the body is byte-for-byte the same for the
  same data, so any change of data changes it; RFC 9110 §8.8.3).
- **Last-Modified** when the caller knows it (the newest `updated_at` of what is shown).
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
from datetime import datetime

from flask import Response, request

LIST_MAX_AGE = 60  # seconds: lists, feeds, calendars
ITEM_MAX_AGE = 300  # seconds: one item
REFERENCE_MAX_AGE = 86_400  # seconds: district boundaries, the OpenAPI description


def conditional(
    response: Response, *, max_age: int, last_modified: datetime | None = None
) -> Response:
    """Add ETag, Last-Modified and Cache-Control to a 200 response, and turn it into a 304
    when the request's validators match. Other statuses pass through unchanged."""
    if response.status_code != 200 or response.is_streamed:
        return response
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest())
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)
