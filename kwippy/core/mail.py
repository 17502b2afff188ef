"""kwippy's EMAIL_BACKEND: every mail leaves through a job, so no page waits on a mail server."""

import base64

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from kwippy.core.jobs import mail_send


class QueuedEmailBackend(BaseEmailBackend):
    """Queue each message as a `mail_send` job, in the caller's transaction.

    The message is written out here, as Django would send it (headers, Date and Message-ID
    included), so a retry sends the very same bytes and a rolled-back request sends nothing.
    """

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                mail_send.defer(
                    mime=base64.b64encode(message.message().as_bytes()).decode("ascii"),
                    from_email=message.from_email,
                    recipients=message.recipients(),
                )
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                queued += 1
        return queued
