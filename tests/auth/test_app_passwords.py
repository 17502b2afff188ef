import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from kwippy.auth.credentials import (
    Authenticated,
    auth_token_authenticate,
    basic_credentials_authenticate,
)
from kwippy.auth.models import AppPassword
from kwippy.auth.services import (
    APP_PASSWORD_SHAPE,
    MAX_APP_PASSWORDS,
    AppPasswordError,
    app_password_create,
    app_password_digest,
    app_password_revoke,
)
from kwippy.auth.throttle import MAX_FAILURES, Throttled
from tests.auth.helpers import post_login_form
from tests.conftest import PASSWORD, basic_authorization

SECRET_IN_PAGE = re.compile(r'<code class="secret-value"[^>]*>(kwp_[a-z2-7]{32})</code>')


# The model and services -------------------------------------------------------------------------


def test_creating_returns_a_long_random_secret_and_stores_only_its_hash(alice):
    app_password, secret = app_password_create(user=alice, name="  NetNewsWire  ")
    assert APP_PASSWORD_SHAPE.fullmatch(secret)
    assert app_password.name == "NetNewsWire"
    stored = AppPassword.objects.get(pk=app_password.pk)
    assert stored.digest == app_password_digest(secret)
    assert secret not in {stored.digest, stored.name}
    assert stored.last_used is None
    assert app_password_create(user=alice, name="other")[1] != secret


def test_names_are_unique_per_person(alice, bob):
    app_password_create(user=alice, name="phone")
    with pytest.raises(AppPasswordError, match="already"):
        app_password_create(user=alice, name="phone")
    assert app_password_create(user=bob, name="phone")[0].user == bob


def test_a_person_has_a_bounded_number_of_app_passwords(alice):
    AppPassword.objects.bulk_create(
        AppPassword(user=alice, name=f"n{i}", digest=f"{i:064x}") for i in range(MAX_APP_PASSWORDS)
    )
    with pytest.raises(AppPasswordError, match="revoke one"):
        app_password_create(user=alice, name="one too many")


def test_revoking_deletes_only_the_persons_own(alice, bob):
    alices, _ = app_password_create(user=alice, name="phone")
    assert app_password_revoke(user=bob, app_password_id=alices.pk) is None
    assert AppPassword.objects.filter(pk=alices.pk).exists()
    pk = alices.pk
    assert app_password_revoke(user=alice, app_password_id=pk).name == "phone"
    assert not AppPassword.objects.filter(pk=pk).exists()


# As the Basic password, over HTTP ---------------------------------------------------------------


def test_an_app_password_works_with_the_username_or_the_email(guarded, dave):
    _, secret = app_password_create(user=dave, name="reader")
    assert guarded("/guarded/feed/", auth=("dave", secret)).status == 200
    assert guarded("/guarded/function/", auth=("DAVE.DOE@example.com", secret)).body == (
        "you are dave"
    )


def test_using_an_app_password_records_when(guarded, alice):
    app_password, secret = app_password_create(user=alice, name="reader")
    guarded("/guarded/function/", auth=("alice", secret))
    app_password.refresh_from_db()
    assert app_password.last_used is not None
    assert app_password.last_used >= app_password.created


def test_a_revoked_app_password_is_refused_on_the_next_request(guarded, alice):
    app_password, secret = app_password_create(user=alice, name="reader")
    assert guarded("/guarded/function/", auth=("alice", secret)).status == 200
    app_password_revoke(user=alice, app_password_id=app_password.pk)
    reply = guarded("/guarded/function/", auth=("alice", secret))
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].startswith("Basic ")


def test_an_app_password_of_another_account_is_refused(guarded, alice, bob):
    _, secret = app_password_create(user=bob, name="reader")
    assert guarded("/guarded/function/", auth=("alice", secret)).status == 401


def test_an_app_password_does_not_sign_in_on_the_login_form(live_server, alice):
    _, secret = app_password_create(user=alice, name="reader")
    assert post_login_form(live_server.url, "alice", secret).status == 422


def test_an_app_password_of_an_inactive_account_is_refused(guarded, alice):
    _, secret = app_password_create(user=alice, name="reader")
    alice.is_active = False
    alice.save()
    assert guarded("/guarded/function/", auth=("alice", secret)).status == 401


# The Pinboard auth_token ------------------------------------------------------------------------


def _request():
    return RequestFactory().get("/api/v1/posts/recent", REMOTE_ADDR="192.0.2.7")


def test_an_auth_token_is_the_username_and_an_app_password(alice):
    _, secret = app_password_create(user=alice, name="pinboard client")
    for token in (f"alice:{secret}", f"alice@example.com:{secret}"):
        assert auth_token_authenticate(request=_request(), auth_token=token) == Authenticated(
            alice, secret
        )


@pytest.mark.parametrize(
    "token",
    [
        "",
        ":",
        "alice",
        "alice:",
        ":kwp_x",
        "alice:kwp_" + "a" * 32,
        f"alice:{PASSWORD}",
        "\x00:\x00",
    ],
)
def test_a_malformed_or_wrong_auth_token_names_nobody(alice, token):
    assert auth_token_authenticate(request=_request(), auth_token=token) is None


def test_a_revoked_token_names_nobody(alice):
    app_password, secret = app_password_create(user=alice, name="pinboard client")
    app_password_revoke(user=alice, app_password_id=app_password.pk)
    assert auth_token_authenticate(request=_request(), auth_token=f"alice:{secret}") is None


def test_auth_tokens_share_the_throttle(alice):
    _, secret = app_password_create(user=alice, name="pinboard client")
    wrong = "alice:kwp_" + "b" * 32
    for _ in range(MAX_FAILURES):
        assert auth_token_authenticate(request=_request(), auth_token=wrong) is None
    with pytest.raises(Throttled) as throttled:
        auth_token_authenticate(request=_request(), auth_token=f"alice:{secret}")
    assert throttled.value.retry_after > 0


# HTTP Basic -------------------------------------------------------------------------------------


def _basic_request(user_id: str, password: str):
    return RequestFactory().get(
        "/feeds/private/",
        REMOTE_ADDR="192.0.2.7",
        HTTP_AUTHORIZATION=basic_authorization(user_id, password),
    )


def test_basic_credentials_with_an_app_password_name_it(alice):
    _, secret = app_password_create(user=alice, name="reader")
    authenticated = basic_credentials_authenticate(request=_basic_request("alice", secret))
    assert authenticated == Authenticated(alice, secret)


def test_basic_credentials_with_the_account_password_name_no_app_password(alice):
    authenticated = basic_credentials_authenticate(request=_basic_request("alice", PASSWORD))
    assert authenticated == Authenticated(alice, None)


def test_an_account_password_shaped_like_an_app_password_is_still_the_account_password(alice):
    password = "kwp_" + "c" * 32
    alice.set_password(password)
    alice.save()
    app_password_create(user=alice, name="reader")
    authenticated = basic_credentials_authenticate(request=_basic_request("alice", password))
    assert authenticated == Authenticated(alice, None)


# The page ---------------------------------------------------------------------------------------


def test_the_page_needs_a_signed_in_person(client, db):
    response = client.get("/settings/app-passwords/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/settings/app-passwords/"


def test_the_page_has_its_own_heading_not_the_settings_sections(client, alice):
    client.force_login(alice)
    page = client.get("/settings/app-passwords/").text
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page) == ["App passwords"]
    assert "<h2" not in page


def test_creating_shows_the_secret_once_and_it_works(client, guarded, alice):
    client.force_login(alice)
    response = client.post("/settings/app-passwords/", {"name": "Miniflux"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = SECRET_IN_PAGE.search(response.text)[1]
    assert guarded("/guarded/function/", auth=("alice", secret)).status == 200
    listing = client.get("/settings/app-passwords/").text
    assert "Miniflux" in listing
    assert secret not in listing
    assert SECRET_IN_PAGE.search(listing) is None


def test_a_new_secret_has_a_copy_button_that_only_the_script_shows(client, alice):
    client.force_login(alice)
    page = client.post("/settings/app-passwords/", {"name": "Miniflux"}).text
    secret = re.search(r'<code class="secret-value" id="([\w-]+)">kwp_', page)
    # Hidden until kwippy.js finds the Clipboard API: without it, the secret is plain text.
    button = f'<button type="button" class="secondary" data-copy="{secret[1]}" hidden>Copy</button>'
    assert button in page
    assert '<span class="copy-status" role="status"></span>' in page
    assert "data-copy" not in client.get("/settings/app-passwords/").text


def test_the_list_shows_created_and_last_used(client, guarded, alice):
    _, secret = app_password_create(user=alice, name="Thunderbird")
    app_password_create(user=alice, name="never used")
    guarded("/guarded/function/", auth=("alice", secret))
    client.force_login(alice)
    page = client.get("/settings/app-passwords/").text
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)[1:]
    assert len(rows) == 2
    never, used = rows
    assert "never used" in never
    assert ">never<" in never
    assert never.count("<time") == 1
    assert "Thunderbird" in used
    assert used.count("<time") == 2


def test_a_bad_name_is_a_form_error(client, alice):
    client.force_login(alice)
    app_password_create(user=alice, name="phone")
    for name in ("", "   ", "x" * 101, "phone"):
        response = client.post("/settings/app-passwords/", {"name": name})
        assert response.status_code == 422, name
        assert 'class="field has-error"' in response.text
    assert alice.app_passwords.count() == 1


def test_revoking_from_the_page(client, guarded, alice, bob):
    app_password, secret = app_password_create(user=alice, name="phone")
    bobs, _ = app_password_create(user=bob, name="bob's")
    client.force_login(alice)
    response = client.post(f"/settings/app-passwords/{bobs.pk}/revoke/", follow=True)
    assert "does not exist" in response.text
    assert AppPassword.objects.filter(pk=bobs.pk).exists()
    response = client.post(f"/settings/app-passwords/{app_password.pk}/revoke/", follow=True)
    assert "Revoked “phone”" in response.text
    assert guarded("/guarded/function/", auth=("alice", secret)).status == 401


def test_revoking_asks_first_and_only_a_post_revokes(client, alice, bob):
    app_password, _ = app_password_create(user=alice, name="phone")
    bobs, _ = app_password_create(user=bob, name="bob's")
    client.force_login(alice)
    listing = client.get("/settings/app-passwords/").text
    confirm_url = f"/settings/app-passwords/{app_password.pk}/revoke/"
    # The list links to the question; no form there revokes anything.
    assert f'href="{confirm_url}"' in listing
    assert f'action="{confirm_url}"' not in listing
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page.text) == ["Revoke “phone”?"]
    assert re.search(r'<form method="post" class="actions">\s*<input type="hidden"', page.text)
    assert 'href="/settings/app-passwords/">Cancel</a>' in page.text
    assert AppPassword.objects.filter(pk=app_password.pk).exists()
    assert client.get(f"/settings/app-passwords/{bobs.pk}/revoke/").status_code == 404
    assert client.get("/settings/app-passwords/999999/revoke/").status_code == 404
    client.logout()
    assert client.get(confirm_url)["Location"].startswith("/accounts/login/")


def test_the_fragment_renders_a_list_for_the_settings_page(alice):
    app_password_create(user=alice, name="phone")
    request = RequestFactory().get("/settings/")
    request.user = alice
    section = Template("{% load auth_sections %}{% app_passwords_section %}")
    html = section.render(Context({"request": request}))
    assert "phone" in html
    assert 'name="name"' in html
    assert 'action="/settings/app-passwords/"' in html
    assert "/revoke/" in html
