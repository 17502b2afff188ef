"""Password reset and change: throttled reset mail, the site's own address, app passwords."""

import re

import pytest
from django.core import mail
from django.test import Client

from kwippy.auth.models import AppPassword
from kwippy.auth.services import app_password_create
from kwippy.auth.throttle import RESET_MAILS_PER_ADDRESS, RESET_MAILS_PER_CLIENT
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase 42"


def _ask_reset(client, email: str):
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"


def _reset_page(client, settings) -> str:
    """Follow the newest reset mail's link; return the address of the new-password form."""
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/\S+/)", mail.outbox[-1].body)
    page = client.get(link[1], follow=True)
    assert "Choose a new password" in page.text
    return page.redirect_chain[-1][0]


def test_reset_mails_to_one_address_are_limited_and_the_answer_stays_the_same(client, alice):
    for _ in range(15):
        _ask_reset(client, "alice@example.com")
    assert len(mail.outbox) == RESET_MAILS_PER_ADDRESS


def test_an_address_in_another_case_is_the_same_address_for_the_limit(client, alice):
    for spelling in ["alice@example.com", "ALICE@example.com", "Alice@Example.COM"] * 3:
        _ask_reset(client, spelling)
    assert len(mail.outbox) == RESET_MAILS_PER_ADDRESS


def test_one_client_asking_for_many_addresses_is_limited_and_others_are_not(db):
    people = [make_user(f"person{n}") for n in range(RESET_MAILS_PER_CLIENT + 2)]
    here = Client(REMOTE_ADDR="192.0.2.7")
    for person in people:
        _ask_reset(here, person.email)
    assert len(mail.outbox) == RESET_MAILS_PER_CLIENT
    _ask_reset(Client(REMOTE_ADDR="192.0.2.8"), people[-1].email)
    assert len(mail.outbox) == RESET_MAILS_PER_CLIENT + 1


def test_the_reset_mail_names_the_site_by_its_configured_address(client, alice, settings):
    settings.SITE_URL = "https://kwippy.example"
    client.post("/accounts/password/reset/", {"email": "alice@example.com"}, HTTP_HOST="localhost")
    body = mail.outbox[0].body
    assert "https://kwippy.example/accounts/password/reset/" in body
    assert "localhost" not in body


@pytest.fixture
def readers(alice):
    """Two app passwords of alice's; return their secrets."""
    return [app_password_create(user=alice, name=name)[1] for name in ("phone", "laptop")]


def test_a_reset_offers_to_revoke_every_app_password_ticked_by_default(
    client, alice, readers, settings
):
    _ask_reset(client, "alice@example.com")
    form = _reset_page(client, settings)
    page = client.get(form).text
    assert re.search(r'<input type="checkbox" name="revoke_app_passwords"[^>]* checked', page)
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(form, {**data, "revoke_app_passwords": "on"})
    assert response.status_code == 302
    assert not AppPassword.objects.filter(user=alice).exists()


def test_a_reset_keeps_the_app_passwords_when_unticked(client, alice, readers, settings):
    _ask_reset(client, "alice@example.com")
    form = _reset_page(client, settings)
    client.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert AppPassword.objects.filter(user=alice).count() == 2


def test_a_password_change_may_revoke_every_app_password_unticked_by_default(
    client, alice, readers
):
    client.force_login(alice)
    page = client.get("/accounts/password/change/").text
    checkbox = re.search(r'<input type="checkbox" name="revoke_app_passwords"[^>]*>', page)[0]
    assert "checked" not in checkbox
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post("/accounts/password/change/", {**data, "revoke_app_passwords": "on"})
    assert response.status_code == 302
    assert not AppPassword.objects.filter(user=alice).exists()
    assert "Revoked 2 app passwords" in client.get("/accounts/password/change/done/").text


def test_a_password_change_says_what_is_wrong_with_the_new_password_under_it(client, alice):
    client.force_login(alice)
    data = {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    response = client.post("/accounts/password/change/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["new_password1"]
    assert "This password is too common." in errors["new_password1"]
