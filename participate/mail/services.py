"""Queue an e-mail in the recipient's language, inside the caller's transaction."""

from __future__ import annotations

from typing import Any, Protocol

from flask import render_template
from flask_babel import force_locale

from participate.extensions import db
from participate.mail.html import to_html
from participate.mail.models import OutboxMessage


class Recipient(Protocol):
    """An account (or anything with an address and a language) to write to."""

    email: str
    language: str


def mail_user(
    recipient: Recipient,
    /,
    *,
    subject: Any,
    template: str,
    unsubscribe_url: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """`queue_email` to a person's address, in the language they chose (templates may still
    get the person as `user`, `author`, … in `context`)."""
    return queue_email(
        to=recipient.email,
        language=recipient.language,
        subject=subject,
        template=template,
        unsubscribe_url=unsubscribe_url,
        **context,
    )


def queue_email(
    *,
    to: str,
    language: str,
    subject: Any,
    template: str,
    unsubscribe_url: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render `templates/emails/<template>.txt` and `subject` (a lazy string) in `language`.

    The message has two parts from the same template data: the plain text, and an HTML
    version of it (`participate.mail.html`). `unsubscribe_url` (absolute) marks a
    non-transactional e-mail, e.g. a notification about something the person follows: both
    parts end with an unsubscribe link and the sender adds `List-Unsubscribe` and
    `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058). Transactional e-mails
    (sign-up confirmations, password resets, decisions on the person's own text) leave it out.

    The row is only added and flushed: the caller's commit sends it or its rollback drops it,
    so a failed change never mails anyone.
    """
    with force_locale(language):
        subject_text = str(subject)
        body = render_template(f"emails/{template}.txt", lang=language, **context)
        body_text = body
        if unsubscribe_url:
            body_text = (
                body.rstrip("\n")
                + "\n\n"
                + render_template("emails/_unsubscribe.txt", unsubscribe_url=unsubscribe_url)
            )
        body_html = to_html(
            body,
            subject=subject_text,
            lang=language,
            context={**context, "unsubscribe_url": unsubscribe_url},
        )
        message = OutboxMessage(
            to_address=to,
            language=language,
            subject=subject_text,
            body_text=body_text,
            body_html=body_html,
            unsubscribe_url=unsubscribe_url,
            template=template,
        )
    db.session.add(message)
    db.session.flush()
    return message
