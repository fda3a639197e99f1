"""Identification requests waiting for (or holding) the identity provider's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from participate.db import Base, utcnow

REQUEST_ID_MAX = 100
RETURN_TO_MAX = 500


class IdentificationRequest(Base):
    """One SAML AuthnRequest, from /<lang>/account/identify to the return page.

    Server-side because the identity provider POSTs to /saml/acs cross-site, where a
    SameSite=Lax session cookie is not sent. /saml/acs fills `result` (what is kept of the
    identity, never the number) once: a second response to the same request is a replay.
    The identity is linked only when the same signed-in account comes back
    (`/<lang>/account/identify/done`), so nobody can link their identification to someone
    else's account by sending them a prepared link.
    """

    __tablename__ = "identification_requests"

    id: Mapped[str] = mapped_column(sa.String(REQUEST_ID_MAX), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(sa.String(2))
    # A path on this site (never a full URL: no open redirect).
    return_to: Mapped[str] = mapped_column(sa.String(RETURN_TO_MAX))
    show_name: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
