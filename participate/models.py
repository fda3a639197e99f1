"""Every model, imported in one place for Alembic and for string relationships."""

from participate.accounts.models import User
from participate.districts.models import District, PostalCode
from participate.mail.models import OutboxMessage

__all__ = ["District", "OutboxMessage", "PostalCode", "User"]
