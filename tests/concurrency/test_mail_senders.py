"""Two mail senders at once on PostgreSQL deliver every message exactly once (aiosmtpd sink).

Each sender claims one row at a time with FOR UPDATE SKIP LOCKED and commits after the SMTP
transaction; the sink counts what arrives per recipient.
"""

from __future__ import annotations

import asyncio
import smtplib
import socket
import threading
from collections import Counter
from dataclasses import replace

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from participate.extensions import db
from participate.mail.models import OutboxMessage, OutboxStatus
from participate.mail.sender import send_due

pytestmark = pytest.mark.postgres

REAL_SMTP = smtplib.SMTP  # taken before the suite's guard replaces it
MESSAGES = 40


class Sink:
    def __init__(self) -> None:
        self.received: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(0.01)  # a real server takes time: the senders overlap
        for recipient in envelope.rcpt_tos:
            self.received[recipient] += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sink(monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", REAL_SMTP)
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def test_two_senders_deliver_every_message_exactly_once(app, settings, sink):
    handler, port = sink
    with app.app_context():
        for n in range(MESSAGES):
            db.session.add(
                OutboxMessage(
                    to_address=f"resident{n}@example.fi",
                    language="fi",
                    subject="Hei",
                    body_text="Viesti",
                    template="test",
                )
            )
        db.session.commit()
    smtp_settings = replace(settings, mail_backend="smtp", mail_server="127.0.0.1", mail_port=port)
    barrier = threading.Barrier(2, timeout=30)
    results: list[tuple[int, int]] = []

    def sender() -> None:
        with app.app_context():
            barrier.wait()
            results.append(send_due(smtp_settings))
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(handler.received.values()) == [1] * MESSAGES
    assert sum(sent for sent, _failed in results) == MESSAGES
    assert all(sent > 0 for sent, _failed in results), results  # both really worked
    with app.app_context():
        statuses = set(db.session.scalars(sa.select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}
