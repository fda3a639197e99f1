"""Deliver notifications as each person chose, build digests, apply unsubscribes.

Services flush and never commit; the caller (a view, a CLI command) commits once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.db import utcnow
from participate.extensions import db
from participate.i18n.locale import LANGS
from participate.mail.services import mail_user
from participate.notifications.kinds import ALL_KINDS, EVENT_KINDS
from participate.notifications.models import Frequency, NotificationSetting, PendingNotification
from participate.notifications.tokens import Unsubscribe, make_token
from participate.urls import external_url

DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)


def settings_of(user_id: int) -> dict[str, Frequency]:
    """Every kind's frequency for the person (no row: immediately)."""
    rows = db.session.execute(
        sa.select(NotificationSetting.kind, NotificationSetting.frequency).where(
            NotificationSetting.user_id == user_id
        )
    )
    chosen: dict[str, Frequency] = dict(rows.all())
    return {kind: chosen.get(kind, Frequency.IMMEDIATELY) for kind in EVENT_KINDS}


def save_settings(user: User, frequencies: Mapping[str, Frequency], *, language: str) -> None:
    """Store the person's choices and the language of their e-mails (also the site's)."""
    if language in LANGS:
        user.language = language
    existing = {
        row.kind: row
        for row in db.session.scalars(
            sa.select(NotificationSetting).where(NotificationSetting.user_id == user.id)
        )
    }
    for kind, frequency in frequencies.items():
        if kind not in EVENT_KINDS:
            continue
        row = existing.get(kind)
        if row is None:
            db.session.add(NotificationSetting(user_id=user.id, kind=kind, frequency=frequency))
        else:
            row.frequency = frequency
    db.session.flush()


def unsubscribe(request: Unsubscribe) -> bool:
    """One-click unsubscribe: the kind (or, from a digest, every kind on a digest) becomes
    "never". Returns False when the account no longer exists."""
    user = db.session.get(User, request.user_id)
    if user is None or not user.is_active:
        return False
    current = settings_of(user.id)
    if request.kind == ALL_KINDS:
        changes = {kind: Frequency.NEVER for kind, freq in current.items() if freq in DIGESTS}
    else:
        changes = {request.kind: Frequency.NEVER}
    save_settings(user, changes, language=user.language)
    db.session.execute(
        sa.delete(PendingNotification).where(
            PendingNotification.user_id == user.id,
            PendingNotification.kind.in_(list(changes)),
        )
    )
    return True


def unsubscribe_url(user: User, kind: str) -> str:
    return external_url(
        "notifications.unsubscribe", lang_code=user.language, token=make_token(user.id, kind)
    )


def deliver(
    user: User,
    kind: str,
    *,
    title: str,
    endpoint: str,
    link_values: Mapping[str, Any],
    subject: Any,
    template: str,
    **context: Any,
) -> Frequency:
    """Tell `user` about an event of `kind` as they chose: an e-mail now (with one-click
    unsubscribe), a line in their next daily or weekly digest, or nothing. The e-mail is
    rendered from `templates/emails/<template>.txt` with `context`, `user`, `title` and
    `link`. Returns the frequency used."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not user.is_active:
        return Frequency.NEVER
    frequency = settings_of(user.id)[kind]
    if frequency == Frequency.NEVER:
        return frequency
    if frequency in DIGESTS:
        db.session.add(
            PendingNotification(
                user_id=user.id,
                kind=kind,
                frequency=frequency,
                title=title[:300],
                endpoint=endpoint,
                link_values=dict(link_values),
            )
        )
        db.session.flush()
        return frequency
    with force_locale(user.language):
        line = str(EVENT_KINDS[kind][1] % {"title": title})
    mail_user(
        user,
        subject=subject,
        template=template,
        unsubscribe_url=unsubscribe_url(user, kind),
        user=user,
        title=title,
        line=line,
        link=external_url(endpoint, lang_code=user.language, **link_values),
        **context,
    )
    return frequency


DIGEST_SUBJECTS = {
    Frequency.DAILY: _l("Your daily digest from Participate"),
    Frequency.WEEKLY: _l("Your weekly digest from Participate"),
}


def send_digests(frequency: Frequency, *, now: datetime | None = None) -> int:
    """One e-mail per person with events waiting for their `frequency` digest, every line
    in the person's language; the events are then removed. Returns the e-mails queued.

    Meant for a timer: daily every morning, weekly on Mondays (deploy/ units, docs).
    """
    if frequency not in DIGESTS:
        raise ValueError("daily or weekly")
    now = now or utcnow()
    rows = list(
        db.session.scalars(
            sa.select(PendingNotification)
            .where(
                PendingNotification.frequency == frequency,
                PendingNotification.created_at <= now,
            )
            .order_by(PendingNotification.user_id, PendingNotification.id)
            .with_for_update(skip_locked=True)
        )
    )
    by_user: dict[int, list[PendingNotification]] = defaultdict(list)
    for row in rows:
        by_user[row.user_id].append(row)
    users = {
        user.id: user
        for user in db.session.scalars(sa.select(User).where(User.id.in_(list(by_user))))
    }
    sent = 0
    for user_id, events in by_user.items():
        user = users.get(user_id)
        if user is not None and user.is_active:
            with force_locale(user.language):
                lines = [
                    (
                        str(EVENT_KINDS[event.kind][1] % {"title": event.title}),
                        external_url(event.endpoint, lang_code=user.language, **event.link_values),
                    )
                    for event in events
                    if event.kind in EVENT_KINDS
                ]
            if lines:
                mail_user(
                    user,
                    subject=DIGEST_SUBJECTS[frequency],
                    template="notifications/digest",
                    unsubscribe_url=unsubscribe_url(user, ALL_KINDS),
                    user=user,
                    frequency=frequency.value,
                    lines=lines,
                    settings_link=external_url("notifications.settings", lang_code=user.language),
                )
                sent += 1
        for event in events:
            db.session.delete(event)
    db.session.flush()
    return sent
