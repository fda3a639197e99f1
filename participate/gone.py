"""410 Gone for a hidden item, one page for every kind (initiatives, activities).

A hidden item was public, so its address was shared and people come back to it: rather than
a 404 that pretends it never existed, the page says the city hid it and why (the standard
reasons in the page's language, from the desk's audit log; the moderator's own note to the
author stays private) and where the others of its kind are. Never-public items stay 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from flask import Response, abort, current_app, make_response, render_template, url_for
from flask_babel.speaklater import LazyString

from participate.i18n.content import current_lang


@dataclass(frozen=True)
class GoneTexts:
    """What the page says for one kind of item (lazy strings, in the page's language)."""

    heading: LazyString  # "This initiative has been hidden"
    hidden: LazyString  # who hid it, and that residents no longer see it
    automatic: LazyString  # it was hidden because residents reported it
    back: LazyString  # the link to the list of the others of its kind
    back_endpoint: str  # that list's endpoint, e.g. "initiatives.index"


def gone_response(kind: str, item_id: int, texts: GoneTexts) -> Response:
    """The 410 page of hidden item `kind` (`"initiative"`, `"activity"`) number `item_id`."""
    reason_of = current_app.extensions.get("public_hiding_reason")
    reason = reason_of(kind, item_id, current_lang()) if reason_of else None
    page = render_template(
        "errors/gone.html", texts=texts, reason=reason, back_url=url_for(texts.back_endpoint)
    )
    return make_response(page, 410)


def abort_gone(kind: str, item_id: int, texts: GoneTexts) -> NoReturn:
    """Stop the request with the 410 page (see `gone_response`)."""
    abort(gone_response(kind, item_id, texts))
