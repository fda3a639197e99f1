"""WTForms' own messages ("Not a valid choice", "This field is required") follow the page's
language in every form: a bare `wtforms.Form` would answer in English on fi and sv pages."""

from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm
from wtforms import Form

import participate
from participate.forms import PlainForm


def _all_form_classes() -> set[type[Form]]:
    for module in pkgutil.walk_packages(participate.__path__, "participate."):
        importlib.import_module(module.name)
    found: set[type[Form]] = set()
    todo = [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("participate.") and sub not in found:
                found.add(sub)
            todo.append(sub)
    return found


def test_every_form_translates_wtforms_messages():
    forms = _all_form_classes()
    assert len(forms) > 20  # the walk found the features' forms
    english_only = sorted(
        f"{cls.__module__}.{cls.__name__}"
        for cls in forms
        if not issubclass(cls, FlaskForm | PlainForm)
    )
    assert english_only == []


def test_a_filter_form_answers_in_the_page_language(app):
    from participate.activities.forms import FilterForm

    with app.test_request_context(
        "/sv/activities/?district=nowhere", headers={"Accept-Language": "sv"}
    ):
        from flask import request

        form = FilterForm(request.args)
        form.district.choices = [("", "Alla"), ("suur-espoonlahti", "Stor-Esboviken")]
        form.language.choices = [("", "Alla"), ("sv", "svenska")]
        assert not form.validate()
        assert form.district.errors == ["Inte ett giltigt val"]  # WTForms' own Swedish catalog
