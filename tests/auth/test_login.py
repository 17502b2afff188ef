import pytest

from kwippy.accounts.models import User
from tests.auth.helpers import fetch, post_login_form, stored_items
from tests.conftest import PASSWORD


def _session_cookie(reply) -> str | None:
    for header in reply.headers.get_all("Set-Cookie") or []:
        if header.startswith("sessionid="):
            return header.split(";", 1)[0]
    return None


def test_the_page_has_the_two_fields_and_extends_the_site_layout(live_server, db):
    reply = fetch(live_server.url + "/accounts/login/")
    assert reply.status == 200
    assert 'name="username"' in reply.body
    assert 'name="password"' in reply.body
    assert 'maxlength="254"' in reply.body
    assert "Username or email" in reply.body
    assert 'class="site-header"' in reply.body


def test_signing_in_with_the_username_starts_a_session(live_server, alice):
    reply = post_login_form(live_server.url, "alice", PASSWORD)
    assert reply.status == 302
    assert reply.headers["Location"] == "/"
    cookie = _session_cookie(reply)
    assert cookie is not None
    home = fetch(live_server.url + "/", headers={"Cookie": cookie})
    assert "Your network" in home.body


def test_signing_in_with_the_email_in_any_case(live_server, dave):
    reply = post_login_form(live_server.url, "DAVE.DOE@EXAMPLE.COM", PASSWORD)
    assert reply.status == 302
    assert _session_cookie(reply) is not None


def test_a_wrong_password_re_renders_the_form_with_an_error(live_server, alice):
    sessions = stored_items("sessions")
    reply = post_login_form(live_server.url, "alice", "wrong")
    assert reply.status == 422
    # Boxed above the fields, as every form's errors about the form as a whole.
    assert '<div class="form-errors" role="alert">' in reply.body
    assert "do not match an account" in reply.body.split('class="form-errors"')[1]
    assert 'value="alice"' in reply.body
    assert _session_cookie(reply) is None
    assert stored_items("sessions") == sessions


def test_an_email_two_accounts_share_signs_in_neither(live_server, alice):
    User.objects.create_user("alice2", email="alice@example.com", password=PASSWORD)
    assert post_login_form(live_server.url, "alice@example.com", PASSWORD).status == 422


def test_an_inactive_account_cannot_sign_in(live_server, alice):
    alice.is_active = False
    alice.save()
    assert post_login_form(live_server.url, "alice", PASSWORD).status == 422


@pytest.mark.parametrize(
    ("username", "password"),
    [("", PASSWORD), ("alice", ""), ("a\x00lice", PASSWORD), ("x" * 300, PASSWORD)],
)
def test_bad_input_is_a_form_error(live_server, alice, username, password):
    reply = post_login_form(live_server.url, username, password)
    assert reply.status == 422
    assert "errorlist" in reply.body


@pytest.mark.parametrize("next_url", ["/settings/app-passwords/", "/u/alice/?page=2"])
def test_next_leads_to_our_own_pages(live_server, alice, next_url):
    reply = post_login_form(live_server.url, "alice", PASSWORD, next_url=next_url)
    assert reply.status == 302
    assert reply.headers["Location"] == next_url


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        "https:///evil.example",
        " //evil.example",
    ],
)
def test_next_never_leads_off_the_site(live_server, alice, next_url):
    reply = post_login_form(live_server.url, "alice", PASSWORD, next_url=next_url)
    assert reply.status == 302
    assert reply.headers["Location"] == "/"


def test_the_login_page_keeps_next_in_the_form(live_server, db):
    reply = fetch(live_server.url + "/accounts/login/?next=/settings/app-passwords/")
    assert 'name="next" value="/settings/app-passwords/"' in reply.body


def test_the_page_leads_to_a_password_reset_and_to_a_new_account_keeping_next(live_server, db):
    reply = fetch(live_server.url + "/accounts/login/?next=/settings/app-passwords/")
    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in reply.body
    assert (
        '<a href="/accounts/signup/?next=%2Fsettings%2Fapp-passwords%2F">Create an account</a>'
        in reply.body
    )
    plain = fetch(live_server.url + "/accounts/login/")
    assert '<a href="/accounts/signup/">Create an account</a>' in plain.body
