"""Audit log entries in words: "initiative.hide" → "Initiative: Hide" in the page's language.

The administrator's audit page and CSV, and the audit filter form's choices, read these.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.moderation import queries
from participate.workflow.states import Action

# The second half of an audit action name ("initiative.hide" → "hide"), in words.
VERB_LABELS: dict[str, Any] = {
    "report": _l("Reported by a resident"),
    "edit": _l("Text corrected"),
    "reports_closed": _l("Reports closed"),
    "create": _l("Added"),
    "update": _l("Changed"),
    "delete": _l("Removed"),
    "role": _l("Role changed"),
    "block": _l("Blocked"),
    "unblock": _l("Unblocked"),
    "cancel": _l("Cancelled"),
}
KIND_LABELS: dict[str, Any] = {
    "bulk": _l("Several submissions"),
    "reason": _l("Standard reason"),
    "user": _l("Account"),
    "councillor": _l("Councillor"),
}


def describe_kind(kind: str) -> str:
    model = queries.get_kind(kind)
    if model is not None:
        return str(model.moderation_label)
    return str(KIND_LABELS.get(kind, kind))


def describe_action(action: str) -> str:
    """ "initiative.hide" → "Initiative: Hide" in the page's language."""
    kind, _sep, verb = action.partition(".")
    if verb in {action.value for action in Action}:
        verb_label = Action(verb).label
    else:
        verb_label = str(VERB_LABELS.get(verb, verb))
    return _("%(kind)s: %(action)s", kind=describe_kind(kind), action=verb_label)
