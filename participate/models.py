"""Every model, imported in one place for Alembic and for string relationships."""

from participate.accounts.models import Identity, User
from participate.activities.models import Activity, Signup
from participate.councillors.models import CacheVersion, Councillor, Party
from participate.districts.models import District, PostalCode
<<<<<<< HEAD
from participate.initiatives.models import (
    Follow,
    Initiative,
    InitiativeAnswer,
    Support,
    Theme,
)
=======
from participate.identification.models import IdentificationRequest
from participate.initiatives.models import Initiative, InitiativeAnswer, Support, Theme
>>>>>>> 8a3dbdd (Initiatives: identity model (keyed hash, municipality, voting age), supports split into identified residents and other supports, threshold from identified residents)
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
<<<<<<< HEAD
    "Follow",
=======
    "IdentificationRequest",
    "Identity",
>>>>>>> 8a3dbdd (Initiatives: identity model (keyed hash, municipality, voting age), supports split into identified residents and other supports, threshold from identified residents)
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
