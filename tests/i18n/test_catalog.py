"""The request's catalog is found once (participate.i18n.catalog) and still follows every
change of language: the URL, `force_locale` (e-mails in the recipient's language) and
`flask_babel.refresh()`."""

from __future__ import annotations

from unittest import mock

import flask_babel
from flask import Flask, g, render_template_string
from flask_babel import force_locale, gettext, lazy_gettext

from participate.extensions import babel
from participate.i18n import catalog

PAGE = '{{ _("Moderation") }} / {{ ngettext("%(num)s report", "%(num)s reports", 2) }}'
WORD = {"fi": "Moderointi", "sv": "Moderering", "en": "Moderation"}


def test_templates_and_python_follow_the_language_in_and_out_of_a_forced_block(
    app: Flask,
) -> None:
    with app.test_request_context("/fi/"):
        g.lang_code = "fi"
        label = lazy_gettext("Moderation")
        assert render_template_string(PAGE).startswith(WORD["fi"])
        with force_locale("sv"):
            assert render_template_string(PAGE).startswith(WORD["sv"])
            assert gettext("Moderation") == str(label) == WORD["sv"]
            with force_locale("en"):
                assert render_template_string(PAGE) == "Moderation / 2 reports"
            assert gettext("Moderation") == WORD["sv"]
        assert render_template_string(PAGE).startswith(WORD["fi"])
        assert str(label) == WORD["fi"]
        g.lang_code = "sv"  # the language chosen again (a person changed it)
        flask_babel.refresh()
        assert render_template_string(PAGE).startswith(WORD["sv"])


def test_a_request_finds_its_catalog_once_per_language(app: Flask) -> None:
    # Flask-Babel's own lookup, under RequestDomain's: it runs only when the cache misses.
    original = flask_babel.Domain.get_translations
    lookups: list[str] = []

    def counted(domain: flask_babel.Domain) -> object:
        lookups.append(str(flask_babel.get_locale()))
        return original(domain)

    with mock.patch.object(flask_babel.Domain, "get_translations", counted):
        with app.test_request_context("/fi/"):
            g.lang_code = "fi"
            for _ in range(50):
                render_template_string(PAGE)
                gettext("Moderation")
            with force_locale("sv"):
                for _ in range(50):
                    render_template_string(PAGE)
            assert render_template_string(PAGE).startswith(WORD["fi"])
        with app.test_request_context("/en/"):
            g.lang_code = "en"
            assert render_template_string(PAGE) == "Moderation / 2 reports"
    # fi, sv, then fi again after the forced block, then the next request's en.
    assert lookups == ["fi", "sv", "fi", "en"]


def test_outside_a_request_nothing_is_translated_and_nothing_fails(app: Flask) -> None:
    assert catalog.locale() is None
    assert gettext("Moderation") == "Moderation"
    assert isinstance(babel.domain_instance, catalog.RequestDomain)
