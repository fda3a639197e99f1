"""Supports: give and withdraw one, the threshold, and the counts kept exact under races.

Services flush and never commit; the calling view or CLI command commits once. A support
counts toward the threshold when a strongly identified resident of MUNICIPALITY_CODE of
voting age gives it; everything else is an "other support" (docs/identification.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from participate.accounts.identity import get_identity
from participate.accounts.models import User
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.initiatives import follows, queries
from participate.initiatives.lifecycle import SUPPORTABLE
from participate.initiatives.models import Initiative, Support
from participate.initiatives.services import NotVerified
from participate.workflow.states import check_can_contribute


class AlreadySupported(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("You have already supported this initiative."))


class NotSupported(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("You have not supported this initiative."))


class SupportClosed(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _l("Support can only be given or withdrawn while the initiative is published.")
        )


def support_threshold() -> int:
    return int(current_app.config["SETTINGS"].initiative_threshold)


class AlreadySupportedByPerson(AlreadySupported):
    """The same strongly identified person supported already, through another account."""

    def __init__(self) -> None:
        DomainError.__init__(
            self,
            _l(
                "You have already supported this initiative with another account. "
                "One person can support an initiative once."
            ),
        )


class IdentificationRequired(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("Identify yourself with Suomi.fi first. Then you can support."))


def _change_counts(initiative: Initiative, delta: int, resident_delta: int) -> int:
    """Add to both counts in one atomic UPDATE; returns the new identified residents' count."""
    row = db.session.execute(
        sa.update(Initiative)
        .where(Initiative.id == initiative.id)
        .values(
            support_count=Initiative.support_count + delta,
            resident_support_count=Initiative.resident_support_count + resident_delta,
        )
        .returning(Initiative.support_count, Initiative.resident_support_count)
        .execution_options(synchronize_session=False)
    ).one()
    set_committed_value(initiative, "support_count", int(row[0]))
    set_committed_value(initiative, "resident_support_count", int(row[1]))
    return int(row[1])


def add_support(initiative: Initiative, *, user: User) -> Support:
    """One support per account and per identified person; counts stay exact under races.

    A strongly identified resident of MUNICIPALITY_CODE of voting age counts toward the
    threshold (Local Government Act 410/2015 s. 23); anyone else is an "other support",
    refused when OTHER_SUPPORTS is "identified-only". Raises AlreadySupported (this account)
    or AlreadySupportedByPerson (the same person through another account), also when racing.
    """
    check_can_contribute(user)
    settings = current_app.config["SETTINGS"]
    identity = get_identity(user.id)
    if identity is None:
        if settings.other_supports == "identified-only":
            raise IdentificationRequired()
        if not user.is_verified:
            raise NotVerified(
                _l(
                    "Verify your e-mail address first: open the link we sent you. "
                    "Then you can support."
                )
            )
    if initiative.status not in SUPPORTABLE or (
        settings.close_supports_on_filing and initiative.filed_at is not None
    ):
        raise SupportClosed()
    is_resident = identity is not None and identity.counts_toward_threshold(
        settings.municipality_code
    )
    support = Support(
        initiative_id=initiative.id,
        user_id=user.id,
        person_hash=identity.person_hash if identity else None,
        is_resident=is_resident,
    )
    try:
        # A savepoint: losing a race on a unique constraint rolls back only this row.
        with db.session.begin_nested():
            db.session.add(support)
    except sa.exc.IntegrityError as exc:
        if identity is not None and not queries.has_supported(initiative.id, user.id):
            raise AlreadySupportedByPerson() from exc
        raise AlreadySupported() from exc
    residents = _change_counts(initiative, +1, +1 if is_resident else 0)
    follows.follow(user, "initiative", initiative.id)  # supporters follow what they support
    if residents >= support_threshold() and initiative.threshold_reached_at is None:
        reached = utcnow()
        db.session.execute(
            sa.update(Initiative)
            .where(Initiative.id == initiative.id, Initiative.threshold_reached_at.is_(None))
            .values(threshold_reached_at=reached)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(initiative, "threshold_reached_at", reached)
        follows.notify_followers(initiative, "threshold")
    return support


def withdraw_support(initiative: Initiative, *, user: User) -> None:
    """Remove the account's support; the date the threshold was first reached stays."""
    if initiative.status not in SUPPORTABLE:
        raise SupportClosed()
    removed = db.session.execute(
        sa.delete(Support)
        .where(Support.initiative_id == initiative.id, Support.user_id == user.id)
        .returning(Support.is_resident)
    ).all()
    if len(removed) != 1:
        raise NotSupported()
    _change_counts(initiative, -1, -1 if removed[0][0] else 0)
