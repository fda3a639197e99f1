"""Queue an e-mail in the recipient's language, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale

from participate.extensions import db
from participate.mail.models import OutboxMessage


def queue_email(
    *,
    to: str,
    language: str,
    subject: Any,
    template: str,
    **context: Any,
) -> OutboxMessage:
    """Render `templates/emails/<template>.txt` and `subject` (a lazy string) in `language`.

    The row is only added and flushed: the caller's commit sends it or its rollback drops it,
    so a failed change never mails anyone.
    """
    with force_locale(language):
        message = OutboxMessage(
            to_address=to,
            language=language,
            subject=str(subject),
            body_text=render_template(f"emails/{template}.txt", lang=language, **context),
            template=template,
        )
    db.session.add(message)
    db.session.flush()
    return message
