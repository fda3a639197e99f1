"""The outbox: messages are queued in the caller's transaction and delivered with retries."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from participate.db import utcnow
from participate.extensions import db
from participate.mail.models import OutboxMessage, OutboxStatus
from participate.mail.sender import Transport, retry_delay, send_due
from participate.mail.services import queue_email
from tests.factories import create_user


class FakeTransport(Transport):
    def __init__(self, settings, failures: int = 0) -> None:
        super().__init__(settings)
        self.failures = failures
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        if self.failures:
            self.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection lost")
        self.sent.append(message)


def _queue(app, language="fi"):
    with app.test_request_context():
        user = create_user(language=language)
        queue_email(
            to=user.email,
            language=language,
            subject="Vahvista sähköpostiosoitteesi",
            template="accounts/verify_email",
            user=user,
            link="http://participate.test/x",
            hours=72,
        )
        db.session.commit()


def test_message_is_rendered_in_the_recipients_language(app, outbox):
    with app.test_request_context("/en/"):
        user = create_user(language="sv", display_name="Karin")
        queue_email(
            to=user.email,
            language="sv",
            subject="x",
            template="accounts/verify_email",
            user=user,
            link="http://participate.test/x",
            hours=72,
        )
        db.session.commit()
    [message] = outbox()
    assert message.body_text.startswith("Hej Karin")
    assert "72 timmar" in message.body_text


def test_rolled_back_change_sends_nothing(app, outbox):
    with app.test_request_context():
        user = create_user()
        queue_email(
            to=user.email,
            language="fi",
            subject="x",
            template="accounts/verify_email",
            user=user,
            link="http://participate.test/x",
            hours=1,
        )
        db.session.rollback()
    assert outbox() == []


def test_sender_delivers_and_marks_sent(app, settings):
    _queue(app)
    transport = FakeTransport(settings)
    with app.app_context():
        assert send_due(settings, transport) == (1, 0)
        row = db.session.scalar(sa.select(OutboxMessage))
        assert row.status == OutboxStatus.SENT
        assert row.sent_at is not None
    [message] = transport.sent
    assert message["Subject"] == "Vahvista sähköpostiosoitteesi"
    assert message["Content-Language"] == "fi"


def test_failure_is_retried_later_and_recorded(app, settings):
    _queue(app)
    with app.app_context():
        assert send_due(settings, FakeTransport(settings, failures=1)) == (0, 1)
        row = db.session.scalar(sa.select(OutboxMessage))
        assert row.status == OutboxStatus.PENDING
        assert row.attempts == 1
        assert "connection lost" in row.last_error
        assert row.next_attempt_at > utcnow()
        # Not due yet: nothing is sent on the next round.
        assert send_due(settings, FakeTransport(settings)) == (0, 0)
        row.next_attempt_at = utcnow()
        db.session.commit()
        assert send_due(settings, FakeTransport(settings)) == (1, 0)


def test_gives_up_after_max_attempts(app, settings):
    _queue(app)
    with app.app_context():
        for _ in range(settings.mail_max_attempts):
            row = db.session.scalar(sa.select(OutboxMessage))
            row.next_attempt_at = utcnow()
            db.session.commit()
            send_due(settings, FakeTransport(settings, failures=1))
        row = db.session.scalar(sa.select(OutboxMessage))
        assert row.status == OutboxStatus.FAILED
        assert row.attempts == settings.mail_max_attempts


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 2), (4, 8), (10, 60)])
def test_retry_delay_grows_and_is_capped(attempts, minutes):
    assert retry_delay(attempts).total_seconds() == minutes * 60


def test_console_backend_prints(app, settings, capsys):
    from dataclasses import replace

    _queue(app)
    with app.app_context():
        assert send_due(replace(settings, mail_backend="console")) == (1, 0)
    printed = capsys.readouterr().out
    assert "Subject: Vahvista sähköpostiosoitteesi" in printed
    assert "http://participate.test/x" in printed
    with app.app_context():
        assert db.session.scalar(sa.select(OutboxMessage.status)) == OutboxStatus.SENT


def test_cli_send_command(app, runner):
    _queue(app)
    from dataclasses import replace

    original = app.config["SETTINGS"]
    app.config["SETTINGS"] = replace(original, mail_backend="console")
    try:
        result = runner.invoke(args=["mail", "send"])
    finally:
        app.config["SETTINGS"] = original
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0." in result.output


def test_purge_removes_only_old_settled_messages(app, runner, settings):
    from datetime import timedelta

    _queue(app)
    _queue(app)
    _queue(app)
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        rows[0].status = OutboxStatus.SENT
        rows[0].created_at = utcnow() - timedelta(days=40)
        rows[1].status = OutboxStatus.PENDING  # still to deliver: kept however old
        rows[1].created_at = utcnow() - timedelta(days=40)
        rows[2].status = OutboxStatus.SENT  # recent: kept
        db.session.commit()
    result = runner.invoke(args=["mail", "purge", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 messages." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 2


def test_message_is_multipart_with_the_html_part_last(app, settings) -> None:
    from participate.mail.sender import build_message

    _queue(app, language="sv")
    with app.app_context():
        row = db.session.scalars(sa.select(OutboxMessage)).one()
        message = build_message(row, "Delta <noreply@example.fi>", "participate.test")
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="sv">' in html
    assert '<a href="http://participate.test/x"' in html
    assert message["Content-Language"] == "sv"
    # A transactional e-mail (verify your address) has no unsubscribe headers.
    assert message["List-Unsubscribe"] is None


def test_non_transactional_message_has_one_click_unsubscribe_headers(app) -> None:
    from participate.mail.sender import build_message

    with app.test_request_context():
        user = create_user(language="fi")
        row = queue_email(
            to=user.email,
            language="fi",
            subject="x",
            template="accounts/verify_email",
            unsubscribe_url="http://participate.test/fi/unsubscribe/abc",
            user=user,
            link="http://participate.test/x",
            hours=1,
        )
        message = build_message(row, "noreply@example.fi", "participate.test")
        db.session.rollback()
    assert message["List-Unsubscribe"] == "<http://participate.test/fi/unsubscribe/abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "\nhttp://participate.test/fi/unsubscribe/abc\n" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'href="http://participate.test/fi/unsubscribe/abc"' in html


def test_a_sender_stopped_midway_repeats_nothing_already_sent(app, settings):
    """Commit after each message: what was sent before the stop is recorded as sent."""
    for _ in range(5):
        _queue(app)

    class StopsAfterThree(FakeTransport):
        def send(self, message: EmailMessage) -> None:
            if len(self.sent) == 3:
                raise KeyboardInterrupt  # the process is stopped mid-round
            super().send(message)

    transport = StopsAfterThree(settings)
    with app.app_context(), pytest.raises(KeyboardInterrupt):
        send_due(settings, transport)
    with app.app_context():
        db.session.rollback()
        statuses = list(
            db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id))
        )
    assert statuses == [OutboxStatus.SENT] * 3 + [OutboxStatus.PENDING] * 2
