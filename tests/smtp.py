"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd): slow, refusing, or hanging on demand."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes

#: The ports these tests may use (a range kept free for them on a shared machine); any free one.
PORTS = range(5120, 5140)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


class MailServer:
    """An SMTP server's handler: answers each message after `delay` seconds; with `hold_first`, never
    answers the first one (as a server whose client vanished mid-message), which is not delivered;
    with `refuse`, refuses every recipient with that reply (e.g. "550 No such user")."""

    def __init__(self, delay: float = 0.0, hold_first: bool = False, refuse: str | None = None) -> None:
        self.delay, self.hold_first, self.refuse = delay, hold_first, refuse
        self.messages: list = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, _server, _session, envelope, address, _options):  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.hold_first and not self.first_arrived.is_set():
            self.first_arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Requested action aborted"
        await asyncio.sleep(self.delay)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"
