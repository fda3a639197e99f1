"""The request's locale and message catalog, found once per request rather than per string.

Flask-Babel finds both again for every string it translates or formats: through `g`, the
domain, the locale selector's cached answer and the catalog cache, a few dozen attribute
lookups, many of them through Werkzeug's context-local proxies. A desk page translates and
formats 300 to 600 strings, and those lookups were a quarter of its CPU (issue #11's
profile, docs/performance.md). `locale()` and `RequestDomain` read Flask-Babel's own
per-request answer and keep the catalog beside it, keyed by that locale object, so
`force_locale` (an e-mail in its recipient's language) and `flask_babel.refresh()` still
take effect at once: both replace the object.

`install` puts `RequestDomain` in Flask-Babel's place, so every translation (Python's
`gettext` and `lazy_gettext`, the templates' `_`) takes the short way; the date and number
filters use `locale()`. Only the default domain is used: a `Domain.as_default()` for one
request would not reach the templates.
"""

from __future__ import annotations

from typing import Any

import flask_babel
from babel import Locale
from babel.support import NullTranslations
from flask import Flask, g

# Where the catalog is kept: Flask-Babel's per-request namespace, beside its `babel_locale`.
_CACHED = "participate_catalog"


def _babel_namespace() -> Any:
    """Flask-Babel's per-request namespace (`g._flask_babel`), or None outside a context
    or before Flask-Babel made it."""
    try:
        return g.__dict__.get("_flask_babel")
    except RuntimeError:  # outside an application context
        return None


def locale() -> Locale | None:
    """The locale Flask-Babel chose for this request (or forced for this block); None
    outside a request, as `flask_babel.get_locale`."""
    namespace = _babel_namespace()
    if namespace is not None:
        chosen = namespace.__dict__.get("babel_locale")
        if chosen is not None:
            return chosen  # type: ignore[no-any-return]
    return flask_babel.get_locale()


class RequestDomain(flask_babel.Domain):
    """Flask-Babel's message domain, with each request's catalog found once per locale.

    Every translation goes through a domain's `get_translations` (`gettext`, `lazy_gettext`,
    the templates' `_`), so this one override makes all of them cheap.
    """

    def get_translations(self) -> NullTranslations:
        namespace = _babel_namespace()
        if namespace is not None:
            cached = namespace.__dict__.get(_CACHED)
            if (
                cached is not None
                and cached[0] is self
                and cached[1] is namespace.__dict__.get("babel_locale")
            ):
                return cached[2]  # type: ignore[no-any-return]
        catalog = super().get_translations()
        namespace = _babel_namespace()  # Flask-Babel made it if it was missing
        chosen = namespace.__dict__.get("babel_locale") if namespace is not None else None
        if chosen is not None:
            setattr(namespace, _CACHED, (self, chosen, catalog))
        return catalog  # type: ignore[no-any-return]


def install(app: Flask, babel: flask_babel.Babel) -> None:
    """Make `babel` (the extension, after `init_app`) translate through a RequestDomain, and
    the templates' `_`, `gettext`, `ngettext`, `pgettext` and `npgettext` ask that domain
    directly (Flask-Babel's own callables first look the domain up through `g` again, three
    context-local lookups a string)."""
    # `domain_instance` is a cached property that needs an app context to compute: look at
    # what is stored, not at the property.
    domain = babel.__dict__.get("domain_instance")
    if not isinstance(domain, RequestDomain):
        domain = babel.domain_instance = RequestDomain()  # type: ignore[misc]
    catalog = domain.get_translations
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: catalog().ugettext(string),
        ngettext=lambda singular, plural, n: catalog().ungettext(singular, plural, n),
        pgettext=lambda context, string: catalog().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: catalog().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
