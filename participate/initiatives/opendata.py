"""Public initiatives as open data: JSON records, an Atom feed, CSV.

Only what the public pages show goes out: no e-mail addresses, no supporters' names, no
drafts, nothing submitted, rejected or hidden (the queries give only public statuses, and
`public_record` refuses anything else as a second line).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from flask import current_app
from flask_babel import gettext as _

from participate.api.shapes import district_object, localised, timestamp
from participate.csv import write_csv
from participate.i18n.formatting import number
from participate.initiatives.clock import council_deadline
from participate.initiatives.lifecycle import PUBLIC
from participate.initiatives.models import SDG_GOALS, WHOLE_CITY, Initiative
from participate.text import excerpt
from participate.theme import current_theme

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def public_record(initiative: Initiative, url: str) -> dict[str, Any]:
    """One public initiative as JSON (theme, district, author and answer loaded).

    The shapes are the API's own (participate.api.shapes): `district` is the one district
    object or null for the whole city; `theme.name` and `answer.text` are {fi, sv, en}.
    """
    if initiative.status not in PUBLIC:
        raise ValueError(f"initiative {initiative.id} is not public")
    district = initiative.district
    answer = initiative.answer
    return {
        "id": initiative.id,
        "url": url,
        "title": initiative.title,
        "body": initiative.body,
        "language": initiative.language,
        "status": initiative.status.value,
        "theme": {"slug": initiative.theme.slug, "name": localised(initiative.theme, "name")},
        # null: the initiative concerns the whole city.
        "district": district_object(district) if district else None,
        "point": ({"lat": initiative.lat, "lon": initiative.lon} if initiative.has_point else None),
        "sdg_goals": initiative.goals,
        "author": initiative.public_author(),
        "support_count": initiative.support_count,
        # Local Government Act 410/2015 s. 23: only identified residents of voting age count.
        "supports": supports_object(initiative),
        "threshold_reached_at": timestamp(initiative.threshold_reached_at),
        # Filing and the council's six-month clock (dates in Europe/Helsinki).
        "filed_at": timestamp(initiative.filed_at),
        "council_deadline": _date(council_deadline(initiative)),
        "council_decision_at": _date(initiative.council_decision_at),
        "submitted_at": timestamp(initiative.first_submitted_at),
        "published_at": timestamp(initiative.published_at),
        "status_changed_at": timestamp(initiative.status_changed_at),
        "answer": (
            {
                "text": localised(answer, "body"),
                "decision_maker": localised(answer, "decision_maker"),
                "decided_on": answer.decided_on.isoformat(),
            }
            if answer is not None
            else None
        ),
    }


def supports_object(initiative: Initiative) -> dict[str, int]:
    """{"identified_residents", "other", "threshold"}: the two kinds and the legal threshold."""
    return {
        "identified_residents": initiative.resident_support_count,
        "other": initiative.other_support_count,
        "threshold": int(current_app.config["SETTINGS"].initiative_threshold),
    }


# The feed carries the two kinds of support as an Atom category in a scheme of our own.
SUPPORTS_SCHEME = "urn:participate:supports"


def support_summary(initiative: Initiative) -> str:
    """The two support counts as one sentence in the current language."""
    return _(
        "Supports from identified residents: %(residents)s. Other supports: %(other)s.",
        residents=number(initiative.resident_support_count),
        other=number(initiative.other_support_count),
    )


EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
TAG_DATE = "2026"  # RFC 4151: a date on which the city held the host name of BASE_URL


def tag_uri(host: str, specific: str) -> str:
    """A `tag:` URI (RFC 4151) such as ``tag:osallistu.espoo.fi,2026:initiative/12``.

    Atom ids must never change (RFC 4287 §4.2.6): unlike a page URL, this one is the same
    in the three language feeds and does not depend on the language prefix or the request.
    """
    return f"tag:{host},{TAG_DATE}:{specific}"


def atom_feed(
    initiatives: Iterable[Initiative],
    *,
    lang: str,
    host: str,
    feed_url: str,
    page_url: str,
    entry_url: Any,
) -> bytes:
    """A valid Atom 1.0 document (RFC 4287); `entry_url(initiative)` gives each entry's link.

    `host` is the host name of BASE_URL, the authority of the `tag:` ids: an entry's id is
    `tag:<host>,2026:initiative/<id>` in every language, so a reader that follows two
    language feeds shows an initiative once.
    """
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    items = list(initiatives)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: lang})
    sub(feed, "id", tag_uri(host, f"initiatives/feed/{lang}"))
    title_parts = (_("Initiatives"), _("Participate"), current_theme().organisation_name())
    sub(feed, "title", " \u2013 ".join(title_parts))  # the same as the pages' <title>
    sub(
        feed,
        "subtitle",
        _(
            "Initiatives published by residents (%(organisation)s)",
            organisation=current_theme().organisation_name(),
        ),
    )
    # The newest entry's time; an empty feed has a fixed one, so that the same data always
    # gives the same bytes (and ETag) and a reader's If-None-Match gets its 304.
    updated = max((i.status_changed_at for i in items), default=EMPTY_FEED_UPDATED)
    sub(feed, "updated", updated.isoformat())
    sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = sub(feed, "author")
    sub(author, "name", current_theme().organisation_name())
    for initiative in items:
        url = entry_url(initiative)
        entry = sub(feed, "entry")
        sub(entry, "id", tag_uri(host, f"initiative/{initiative.id}"))
        sub(entry, "title", initiative.title, **{XML_LANG: initiative.language})
        sub(entry, "updated", initiative.status_changed_at.isoformat())
        if initiative.published_at:
            sub(entry, "published", initiative.published_at.isoformat())
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        entry_author = sub(entry, "author")
        sub(entry_author, "name", initiative.public_author())
        sub(
            entry,
            "category",
            term=initiative.theme.slug,
            label=initiative.theme.name(lang).text,
        )
        sub(entry, "summary", excerpt(initiative.body, 300), **{XML_LANG: initiative.language})
        sub(
            entry,
            "category",
            scheme=SUPPORTS_SCHEME,
            term=f"supports:{initiative.resident_support_count}+{initiative.other_support_count}",
            label=support_summary(initiative),
        )
        sub(entry, "content", initiative.body, type="text", **{XML_LANG: initiative.language})
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def csv_export(initiatives: Iterable[Initiative], *, lang: str, entry_url: Any) -> str:
    """One row per initiative, through the one CSV writer (participate.csv: UTF-8 with a
    BOM, `;`, formula guard)."""
    header = [
        "id",
        "url",
        "title",
        "language",
        "status",
        "theme",
        "district",
        "lat",
        "lon",
        "sdg_goals",
        "author",
        "support_count",
        "identified_resident_supports",
        "other_supports",
        "threshold_reached_at",
        "filed_at",
        "council_deadline",
        "council_decision_at",
        "published_at",
        "status_changed_at",
        "answer_decided_on",
        "answer_decision_maker",
        "body",
    ]

    def row(initiative: Initiative) -> list[Any]:
        answer = initiative.answer
        return [
            initiative.id,
            entry_url(initiative),
            initiative.title,
            initiative.language,
            initiative.status.value,
            initiative.theme.name(lang).text,
            initiative.district.name(lang) if initiative.district else WHOLE_CITY,
            initiative.lat if initiative.lat is not None else "",
            initiative.lon if initiative.lon is not None else "",
            " ".join(str(goal) for goal in initiative.goals),
            initiative.public_author(),
            initiative.support_count,
            initiative.resident_support_count,
            initiative.other_support_count,
            _iso(initiative.threshold_reached_at) or "",
            _iso(initiative.filed_at) or "",
            _date(council_deadline(initiative)) or "",
            _date(initiative.council_decision_at) or "",
            _iso(initiative.published_at) or "",
            _iso(initiative.status_changed_at) or "",
            answer.decided_on.isoformat() if answer else "",
            answer.decider(lang).text if answer else "",
            initiative.body,
        ]

    return write_csv(header, (row(initiative) for initiative in initiatives))


def goal_names() -> dict[int, str]:
    return {number: str(name) for number, name in SDG_GOALS.items()}
