"""The kinds of events a person can choose how to hear about (notification settings).

Each kind has a label for the settings page and a line for the digest, both lazy-translated
so they are rendered in the recipient's language when the e-mail or the page is made.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# kind -> (settings label, digest line with %(title)s)
EVENT_KINDS: dict[str, tuple[Any, Any]] = {
    "published": (
        _l("A new initiative is published in a theme or major district you follow"),
        _l("New initiative: %(title)s"),
    ),
    "answered": (
        _l("The city answers an initiative you follow"),
        _l("The city has answered: %(title)s"),
    ),
    "threshold": (
        _l("An initiative you follow reaches the threshold"),
        _l("Reached the threshold: %(title)s"),
    ),
    "filed": (
        _l("An initiative you follow is filed with the city"),
        _l("Filed with the city: %(title)s"),
    ),
    "council_decision": (
        _l("The city council decides on an initiative you follow"),
        _l("The city council has decided: %(title)s"),
    ),
    "hidden": (
        _l("An initiative you follow is hidden"),
        _l("Hidden by the development manager: %(title)s"),
    ),
}
# The unsubscribe link of a digest stops every digest (all kinds the person has on daily or
# weekly); a single e-mail's link stops its kind.
ALL_KINDS = "all"
