"""A real SMTP server of a test's own (aiosmtpd), on a port the test chooses, that keeps what it
receives."""

import email
import email.message
import email.policy

from aiosmtpd.controller import Controller

from tests.memcached import free_port


class _Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """Start with `with SMTPServer() as smtp:`; `smtp.url` is its EMAIL_URL."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.inbox = _Inbox()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[tuple[list[str], email.message.EmailMessage]]:
        """Return each message received, with the recipients its envelope named."""
        return self.inbox.messages

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
        self.controller = None

    def __enter__(self) -> "SMTPServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
