"""Mail leaves through a job: queued with its transaction, sent by a worker over real SMTP."""

import contextlib
import re

import pytest
from django.core.mail import send_mail
from django.db import transaction

from kwippy.core.jobs import mail_send
from tests.jobs import WorkerProcess, job_rows, wait_until
from tests.memcached import free_port
from tests.smtp import SMTPServer


@pytest.fixture
def queued_mail(settings):
    """Mail through kwippy's backend (pytest-django swaps in its in-memory outbox)."""
    settings.EMAIL_BACKEND = "kwippy.core.mail.QueuedEmailBackend"


def test_password_reset_mail_reaches_the_smtp_server_with_the_site_link(
    client, alice, jobs_table, queued_mail, settings
):
    with SMTPServer() as smtp, WorkerProcess("interactive", env={"EMAIL_URL": smtp.url}):
        response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
        assert response.status_code == 302
        wait_until(lambda: smtp.messages, "the reset mail")
    [(recipients, message)] = smtp.messages
    assert recipients == ["alice@example.com"]
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Reset your kwippy password"
    body = message.get_body().get_content()
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/password/reset/\S+/)", body)
    assert link, body
    page = client.get(link[1], follow=True)
    assert "Choose a new password" in page.text


def test_mail_to_a_server_that_is_down_is_sent_when_it_is_back(jobs_table, queued_mail):
    port = free_port()
    with WorkerProcess("interactive", env={"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        send_mail("Later", "Sent on a retry.", None, ["bob@example.com"])
        wait_until(lambda: job_rows(mail_send.name) == [("todo", 1)], "a failed first attempt")
        with SMTPServer(port) as smtp:
            wait_until(lambda: smtp.messages, "the retried mail")
    [(recipients, message)] = smtp.messages
    assert recipients == ["bob@example.com"]
    assert message["Subject"] == "Later"
    assert message.get_body().get_content().strip() == "Sent on a retry."


class SaveFailed(Exception):
    pass


def test_mail_sent_in_a_rolled_back_transaction_is_never_queued(jobs_table, queued_mail):
    with contextlib.suppress(SaveFailed), transaction.atomic():
        send_mail("Never", "Rolled back.", None, ["bob@example.com"])
        queued = job_rows(mail_send.name)
        raise SaveFailed
    assert queued == [("todo", 0)]
    assert job_rows(mail_send.name) == []
