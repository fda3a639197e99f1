"""Every model, imported in one place for Alembic and for string relationships."""

from participate.accounts.models import Identity, User
from participate.activities.models import Activity, Signup
from participate.councillors.models import CacheVersion, Councillor, Party
from participate.districts.models import District, PostalCode
from participate.identification.models import IdentificationRequest
from participate.initiatives.models import (
    Follow,
    Initiative,
    InitiativeAnswer,
    Support,
    Theme,
)
from participate.mail.models import OutboxMessage
from participate.moderation.audit import AuditEntry
from participate.moderation.models import Report, StandardReason
from participate.notifications.models import NotificationSetting, PendingNotification
from participate.workflow.models import Transition

__all__ = [
    "Activity",
    "AuditEntry",
    "CacheVersion",
    "Councillor",
    "District",
    "Follow",
    "IdentificationRequest",
    "Identity",
    "Initiative",
    "InitiativeAnswer",
    "NotificationSetting",
    "OutboxMessage",
    "Party",
    "PendingNotification",
    "PostalCode",
    "Report",
    "Signup",
    "StandardReason",
    "Support",
    "Theme",
    "Transition",
    "User",
]
