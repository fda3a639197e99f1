"""Deliver the outbox over SMTP (or print it in development), with retries.

Several senders may run at once on PostgreSQL: rows are claimed with SKIP LOCKED.
A message that fails is retried with a growing delay and marked failed after
`MAIL_MAX_ATTEMPTS`; its last error is kept on the row.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit

import sqlalchemy as sa

from participate.config import Settings
from participate.db import utcnow
from participate.extensions import db
from participate.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def build_message(row: OutboxMessage, sender: str, domain: str) -> EmailMessage:
    """The e-mail for an outbox row; `domain` (BASE_URL's host) ends its Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe_url:
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs
        # "List-Unsubscribe=One-Click" to the URL, with no session and no confirmation.
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body_text)
    if row.body_html:
        # multipart/alternative: text first, HTML last (the part clients prefer).
        message.add_alternative(row.body_html, subtype="html")
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = row.language
    return message


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


class Transport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.settings.mail_backend == "console":
            # Readable in a terminal: decoded headers, then the body as written.
            part = message.get_body(preferencelist=("plain",))
            body = part.get_content() if part is not None else ""
            sys.stdout.write(
                f"{'=' * 72}\nTo: {message['To']}\nSubject: {message['Subject']}\n"
                f"Language: {message['Content-Language']}\n\n{body}\n"
            )
            sys.stdout.flush()
            return
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(message)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.mail_use_ssl:
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(s.mail_server, s.mail_port, timeout=30, context=context)
        else:
            smtp = smtplib.SMTP(s.mail_server, s.mail_port, timeout=30)
            if s.mail_use_tls:
                smtp.starttls(context=ssl.create_default_context())
        if s.mail_username:
            smtp.login(s.mail_username, s.mail_password)
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except smtplib.SMTPException:
                log.debug("SMTP quit failed", exc_info=True)
            self._smtp = None


def send_due(settings: Settings, transport: Transport | None = None) -> tuple[int, int]:
    """Send what is due now; returns (sent, failed attempts).

    Exactly once: each message is claimed alone (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a
    second sender skips it while the first holds it) and its new state is committed right
    after the SMTP transaction, before the next message is claimed. A sender killed
    mid-round can therefore repeat at most the one message it was sending, never a batch.
    SQLite has no row locks; run one sender there (development).
    """
    transport = transport or Transport(settings)
    domain = urlsplit(settings.base_url).hostname or "localhost"
    sent = failed = 0
    try:
        while True:
            row = db.session.scalars(
                sa.select(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= utcnow(),
                )
                .order_by(OutboxMessage.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                db.session.rollback()
                break
            row.attempts += 1
            try:
                transport.send(build_message(row, settings.mail_default_sender, domain))
            except (OSError, smtplib.SMTPException) as exc:
                transport.close()
                failed += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if row.attempts >= settings.mail_max_attempts:
                    row.status = OutboxStatus.FAILED
                    log.error("giving up on message %s: %s", row.id, row.last_error)
                else:
                    row.next_attempt_at = utcnow() + retry_delay(row.attempts)
            else:
                sent += 1
                row.status = OutboxStatus.SENT
                row.sent_at = utcnow()
                row.last_error = None
            db.session.commit()
    finally:
        transport.close()
    return sent, failed


def purge_delivered(older_than: timedelta) -> int:
    """Delete sent and failed messages older than `older_than`: they hold names and addresses
    that the outbox no longer needs once delivery is settled."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED]),
            OutboxMessage.created_at < cutoff,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
