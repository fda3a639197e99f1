"""The one form-handling mechanism (participate.forms.handle_form / handle_action), branch by
branch: not submitted, invalid, a rule the view asks first, a domain error on a field or on
the form, success with a redirect or a page, buttons without a page, form-less actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g, get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from participate.accounts.models import User
from participate.errors import DomainError
from participate.extensions import db
from participate.forms import Done, handle_action, handle_form, required
from tests.factories import create_user


class NameForm(FlaskForm):
    name = StringField("Name", validators=[required()])


class Refused(DomainError):
    pass


def _page(form: NameForm) -> Callable[[], str]:
    def page() -> str:
        parts = ["page", *form.name.errors, *form.form_errors, form.name.data or ""]
        return "|".join(str(part) for part in parts)

    return page


@pytest.fixture
def user_id(app: Flask) -> int:
    with app.app_context():
        return create_user(display_name="Aino Virtanen").id


@pytest.fixture
def request_context(app: Flask) -> Iterator[Callable[..., Any]]:
    contexts = []

    def push(method: str = "POST", data: dict[str, str] | None = None) -> Any:
        context = app.test_request_context("/en/", method=method, data=data or {})
        context.push()
        g.lang_code = "en"  # what the language prefix sets on a real request
        contexts.append(context)
        return context

    yield push
    for context in reversed(contexts):
        context.pop()


def _rename(user_id: int, name: str, *, fail: DomainError | None = None) -> Callable[[], str]:
    """A service: changes the stored name and flushes; raises `fail` after the change."""

    def action() -> str:
        user = db.session.get(User, user_id)
        assert user is not None
        user.display_name = name
        db.session.flush()
        if fail is not None:
            raise fail
        return name

    return action


def _stored_name(app: Flask, user_id: int) -> str:
    db.session.remove()  # a new transaction: only what was committed
    with app.app_context():
        return db.session.execute(
            sa.select(User.display_name).where(User.id == user_id)
        ).scalar_one()


def _status(response: Any) -> int:
    return response.status_code


def test_get_shows_the_page_with_200(app, request_context, user_id):
    request_context(method="GET")
    form = NameForm()
    called = []
    response = handle_form(
        form, lambda: called.append(1), done=lambda _r: Done("/x"), page=_page(form)
    )
    assert _status(response) == 200
    assert response.get_data(as_text=True) == "page|"
    assert called == []


def test_invalid_input_shows_the_page_again_with_400_and_runs_nothing(
    app, request_context, user_id
):
    request_context(data={"name": ""})
    form = NameForm()
    response = handle_form(
        form, _rename(user_id, "Never"), done=lambda _r: Done("/x"), page=_page(form)
    )
    assert _status(response) == 400
    assert "Fill in this field." in response.get_data(as_text=True)
    assert _stored_name(app, user_id) == "Aino Virtanen"


def test_success_commits_flashes_and_redirects(app, request_context, user_id):
    request_context(data={"name": "Aino V."})
    form = NameForm()
    response = handle_form(
        form,
        _rename(user_id, "Aino V."),
        done=lambda name: Done("/fi/account/profile", f"Saved: {name}"),
        page=_page(form),
    )
    assert _status(response) == 302
    assert response.headers["Location"] == "/fi/account/profile"
    assert get_flashed_messages(with_categories=True) == [("success", "Saved: Aino V.")]
    assert _stored_name(app, user_id) == "Aino V."


def test_success_may_answer_with_a_page_after_the_commit(app, request_context, user_id):
    request_context(data={"name": "Aino V."})
    form = NameForm()
    seen = []

    def done(name: str) -> str:
        # The change is stored before `done` runs (it may sign someone in or out).
        seen.append(_stored_name(app, user_id))
        return f"sent to {name}"

    response = handle_form(form, _rename(user_id, "Aino V."), done=done, page=_page(form))
    assert response == "sent to Aino V."
    assert seen == ["Aino V."]
    assert get_flashed_messages() == []


def test_a_domain_error_on_a_field_rolls_back_and_keeps_what_was_typed(
    app, request_context, user_id
):
    request_context(data={"name": "Taken Name"})
    form = NameForm()
    error = Refused("That name is taken.", field="name")
    response = handle_form(
        form,
        _rename(user_id, "Taken Name", fail=error),
        done=lambda _r: Done("/x"),
        page=_page(form),
    )
    assert _status(response) == 400
    assert response.get_data(as_text=True) == "page|That name is taken.|Taken Name"
    assert _stored_name(app, user_id) == "Aino Virtanen"
    assert get_flashed_messages() == []


def test_a_domain_error_without_a_field_goes_on_the_form(app, request_context, user_id):
    request_context(data={"name": "Aino V."})
    form = NameForm()
    for error in (Refused("Not now."), Refused("Not now.", field="no_such_field")):
        form.form_errors.clear()
        response = handle_form(
            form, _rename(user_id, "x", fail=error), done=lambda _r: Done("/x"), page=_page(form)
        )
        assert _status(response) == 400
        assert response.get_data(as_text=True) == "page|Not now.|Aino V."


def test_problems_show_with_the_forms_own_errors_and_stop_the_service(
    app, request_context, user_id
):
    request_context(data={"name": ""})
    form = NameForm()
    response = handle_form(
        form,
        _rename(user_id, "Never"),
        done=lambda _r: Done("/x"),
        page=_page(form),
        problems=[None, Refused("Too many people.", field="name")],
    )
    assert _status(response) == 400
    assert response.get_data(as_text=True) == "page|Fill in this field.|Too many people.|"
    # Valid input with a problem stops too.
    request_context(data={"name": "Aino V."})
    form = NameForm()
    response = handle_form(
        form,
        _rename(user_id, "Never"),
        done=lambda _r: Done("/x"),
        page=_page(form),
        problems=[Refused("Too many people.")],
    )
    assert _status(response) == 400
    assert _stored_name(app, user_id) == "Aino Virtanen"


def test_a_problem_is_not_shown_before_the_form_is_sent(app, request_context, user_id):
    request_context(method="GET")
    form = NameForm()
    response = handle_form(
        form, lambda: None, done=lambda _r: Done("/x"), page=_page(form), problems=[Refused("No.")]
    )
    assert _status(response) == 200
    assert form.form_errors == []


def test_template_renders_with_the_form_and_context(app, request_context):
    from participate.accounts.forms import ForgotPasswordForm

    request_context(data={"email": "not-an-address"})
    form = ForgotPasswordForm()
    response = handle_form(
        form,
        lambda: None,
        done=lambda _r: Done("/x"),
        template="accounts/forgot_password.html",
        problem="The link has expired.",
    )
    assert _status(response) == 400
    body = response.get_data(as_text=True)
    assert "The link has expired." in body
    assert 'value="not-an-address"' in body
    assert "error-summary" in body


def test_without_a_page_handle_form_refuses_to_guess(app, request_context):
    request_context(data={"name": ""})
    with pytest.raises(TypeError):
        handle_form(NameForm(), lambda: None, done=lambda _r: Done("/x"))


def test_a_button_flashes_its_domain_error_on_the_page_it_came_from(app, request_context, user_id):
    request_context(data={"name": "x"})
    response = handle_form(
        NameForm(),
        _rename(user_id, "x", fail=Refused("Support is closed.")),
        done=lambda _r: Done("/x", "Thanks"),
        back="/fi/initiatives/1#support",
    )
    assert _status(response) == 302
    assert response.headers["Location"] == "/fi/initiatives/1#support"
    assert get_flashed_messages(with_categories=True) == [("error", "Support is closed.")]
    assert _stored_name(app, user_id) == "Aino Virtanen"


def test_a_button_with_invalid_input_is_a_plain_400(app, request_context, user_id):
    from werkzeug.exceptions import BadRequest

    request_context(data={"name": ""})
    with pytest.raises(BadRequest):
        handle_form(NameForm(), _rename(user_id, "x"), done=lambda _r: Done("/x"), back="/fi/")
    assert _stored_name(app, user_id) == "Aino Virtanen"


def test_a_button_that_succeeds_commits_and_redirects(app, request_context, user_id):
    request_context(data={"name": "x"})
    response = handle_form(
        NameForm(), _rename(user_id, "Aino V."), done=lambda _r: Done("/fi/", "Thanks"), back="/b"
    )
    assert response.headers["Location"] == "/fi/"
    assert get_flashed_messages() == ["Thanks"]
    assert _stored_name(app, user_id) == "Aino V."


def test_an_action_commits_then_answers(app, request_context, user_id):
    request_context()
    response = handle_action(
        _rename(user_id, "Aino V."),
        done=lambda name: Done("/fi/", None),
        failed=lambda error: ("failed", 400),
    )
    assert response.headers["Location"] == "/fi/"
    assert get_flashed_messages() == []  # no message, nothing flashed
    assert _stored_name(app, user_id) == "Aino V."


def test_an_action_that_fails_rolls_back_and_answers_with_failed(app, request_context, user_id):
    request_context()
    response = handle_action(
        _rename(user_id, "x", fail=Refused("The link has expired.")),
        done=lambda _r: Done("/fi/"),
        failed=lambda error: (str(error.message), 400),
    )
    assert response == ("The link has expired.", 400)
    assert _stored_name(app, user_id) == "Aino Virtanen"


def test_an_action_without_failed_rolls_back_and_lets_the_error_through(
    app, request_context, user_id
):
    request_context()
    with pytest.raises(Refused):
        handle_action(_rename(user_id, "x", fail=Refused("No.")), done=lambda _r: Done("/"))
    assert _stored_name(app, user_id) == "Aino Virtanen"


def test_other_exceptions_are_not_caught(app, request_context, user_id):
    request_context()

    def broken() -> None:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        handle_action(broken, done=lambda _r: Done("/"), failed=lambda error: "failed")
