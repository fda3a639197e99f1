"""What the development manager may correct in each kind's text, and the feature service that
does it. The desk builds its edit form from `EDITORS` and keeps before/after in the audit log.

A kind without an entry here cannot be edited on the desk (its own pages may still allow it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.activities import services as activities
from participate.initiatives import services as initiatives
from participate.initiatives.models import BODY_MAX, TITLE_MAX


@dataclass(frozen=True)
class EditableField:
    name: str
    label: Any  # a lazy string
    max_length: int
    multiline: bool = False
    lang: str | None = None  # the language of the text; None: the item's own language


@dataclass(frozen=True)
class Editor:
    fields: tuple[EditableField, ...]
    # (item, {field: new text}, actor) -> {field: (before, after)} of what changed
    apply: Callable[[Any, dict[str, str], User], dict[str, tuple[str, str]]]


def _edit_initiative(item: Any, values: dict[str, str], actor: User) -> dict[str, tuple[str, str]]:
    return initiatives.edit_as_moderator(
        item,
        title=values.get("title", item.title),
        body=values.get("body", item.body),
        actor=actor,
    )


def _edit_activity(item: Any, values: dict[str, str], actor: User) -> dict[str, tuple[str, str]]:
    return activities.edit_as_moderator(item, values, actor=actor)


_LANG_LABELS = {
    "title": {
        "fi": _l("Title in Finnish"),
        "sv": _l("Title in Swedish"),
        "en": _l("Title in English"),
    },
    "description": {
        "fi": _l("Description in Finnish"),
        "sv": _l("Description in Swedish"),
        "en": _l("Description in English"),
    },
    "accessibility": {
        "fi": _l("Accessibility in Finnish"),
        "sv": _l("Accessibility in Swedish"),
        "en": _l("Accessibility in English"),
    },
}


def _activity_fields() -> tuple[EditableField, ...]:
    limits = activities.MODERATOR_EDITABLE
    fields = [
        EditableField(
            f"{part}_{lang}",
            _LANG_LABELS[part][lang],
            limits[f"{part}_{lang}"],
            multiline=part != "title",
            lang=lang,
        )
        for lang in ("fi", "sv", "en")
        for part in ("title", "description", "accessibility")
    ]
    fields.append(EditableField("place", _l("Place"), limits["place"], lang="fi"))
    fields.append(
        EditableField("place_sv", _l("Place in Swedish (optional)"), limits["place_sv"], lang="sv")
    )
    fields.append(
        EditableField("place_en", _l("Place in English (optional)"), limits["place_en"], lang="en")
    )
    fields.append(
        EditableField(
            "organiser_contact", _l("Contact for questions (optional)"), limits["organiser_contact"]
        )
    )
    return tuple(fields)


EDITORS: dict[str, Editor] = {
    "initiative": Editor(
        fields=(
            EditableField("title", _l("Title"), TITLE_MAX),
            EditableField("body", _l("Text"), BODY_MAX, multiline=True),
        ),
        apply=_edit_initiative,
    ),
    "activity": Editor(fields=_activity_fields(), apply=_edit_activity),
}
