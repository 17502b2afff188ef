"""Profiles, following, sign-up, settings, sign-out and passwords."""

import re

import pytest
from django.core import mail
from django.test import Client

from kwippy.accounts.models import Follow, User
from kwippy.sessions.backends.memcached import SessionStore
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase 42"


def test_profile_shows_name_bio_website_and_follow_counts(client, alice, bob, charlie):
    alice.bio = "Reads about <databases>"
    alice.website = "https://alice.example/"
    alice.save()
    Follow.objects.create(follower=bob, followee=alice)
    Follow.objects.create(follower=charlie, followee=alice)
    page = client.get("/u/alice/").text
    assert "Alice Archer" in page
    assert "Reads about &lt;databases&gt;" in page
    assert 'href="https://alice.example/"' in page
    assert "<strong>2</strong> followers" in page
    assert "<strong>0</strong> following" in page


def test_profile_of_an_unknown_person_is_not_found(client, db):
    assert client.get("/u/nobody/").status_code == 404


def test_profile_address_ignores_case(client, alice):
    assert client.get("/u/ALICE/").status_code == 200


def test_follow_and_unfollow_from_the_profile(client, alice, bob):
    client.force_login(bob)
    assert ">Follow</button>" in client.get("/u/alice/").text
    assert client.post("/u/alice/follow/").status_code == 302
    assert Follow.objects.filter(follower=bob, followee=alice).exists()
    assert client.post("/u/alice/follow/").status_code == 302  # twice is once
    page = client.get("/u/alice/").text
    assert ">Unfollow</button>" in page
    assert "<strong>1</strong> follower" in page
    client.post("/u/alice/unfollow/")
    assert not Follow.objects.exists()


def test_following_needs_post_and_a_signed_in_person(client, alice, bob):
    assert client.post("/u/alice/follow/")["Location"].startswith("/accounts/login/")
    client.force_login(bob)
    assert client.get("/u/alice/follow/").status_code == 405
    assert not Follow.objects.exists()


def test_you_cannot_follow_yourself(client, alice):
    client.force_login(alice)
    client.post("/u/alice/follow/")
    assert not Follow.objects.exists()
    assert ">Follow</button>" not in client.get("/u/alice/").text


def _signup(client, **changes):
    data = {
        "username": "dora",
        "email": "dora@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post("/accounts/signup/", {**data, **changes})


def test_signup_creates_the_account_and_signs_in(client, db):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="dora")
    assert user.check_password(PASSWORD)
    assert client.get("/").context["user"] == user


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "ALICE"}, "username", "A user with that username already exists."),
        (
            {"email": "ALICE@example.com"},
            "email",
            "An account with that email address exists already.",
        ),
        ({"password2": "something else entirely"}, "password2", "The two password fields didn"),
        ({"password1": "short", "password2": "short"}, "password1", "This password is too short."),
        ({"password1": "password", "password2": "password"}, "password1", "too common"),
        ({"password1": "dora", "password2": "dora"}, "password1", "too similar to the username"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"username": "has space"}, "username", "Enter a valid username."),
    ],
)
def test_signup_explains_what_is_wrong_under_the_field_concerned(
    client, alice, changes, field, message
):
    response = _signup(client, **changes)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    # On the page, under that field's input: the field's block holds the error.
    block = re.search(
        rf'<div class="field has-error">\s*<label for="id_{field}">.*?</div>\s*</div>',
        response.text,
        re.S,
    )
    assert block
    assert message in block[0].replace("&#x27;", "'")
    assert not User.objects.filter(username="dora").exists()


def test_signup_says_the_password_fields_are_emptied_after_an_error(client, alice):
    response = _signup(client, username="ALICE")
    assert 'name="password1"' in response.text
    assert PASSWORD not in response.text
    assert "type your password again" in response.text


def test_signup_follows_only_a_local_next(client, db):
    assert _signup(client, next="/add/?url=https://x.example/")["Location"] == (
        "/add/?url=https://x.example/"
    )
    client.logout()
    response = _signup(
        client, username="eve", email="eve@example.com", next="https://evil.example/"
    )
    assert response["Location"] == "/"


def test_logout_is_a_post_and_signs_out(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert not client.get("/").context["user"].is_authenticated


MESSAGE_STORAGES = [
    "django.contrib.messages.storage.fallback.FallbackStorage",
    "django.contrib.messages.storage.session.SessionStorage",
]


@pytest.mark.parametrize("storage", MESSAGE_STORAGES, ids=["default", "session"])
def test_after_logout_the_next_page_says_signed_out(client, alice, settings, storage):
    # The message is said after the session is flushed: it must reach the next page anyway,
    # whether it travels in its own cookie (the default) or in our memcached session engine.
    settings.MESSAGE_STORAGE = storage
    client.force_login(alice)
    old_key = client.session.session_key
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert '<li class="message success">You&#x27;re signed out.</li>' in response.text
    assert not response.context["user"].is_authenticated
    assert not SessionStore().exists(old_key)
    assert "signed out" not in client.get("/").text


@pytest.mark.parametrize("storage", MESSAGE_STORAGES, ids=["default", "session"])
def test_messages_reach_the_next_page_through_our_session_engine(client, alice, settings, storage):
    settings.MESSAGE_STORAGE = storage
    client.force_login(alice)
    response = client.post("/settings/", {"display_name": "Alice A.", "email": alice.email})
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert re.search(r'<li class="message success">[^<]+</li>', page)
    assert not re.search(r'<li class="message', client.get("/settings/").text)


def test_settings_change_the_profile(client, alice):
    client.force_login(alice)
    response = client.post(
        "/settings/",
        {
            "display_name": "Alice A.",
            "bio": "New bio",
            "website": "https://a.example/",
            "email": "alice@new.example",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.bio, alice.email) == (
        "Alice A.",
        "New bio",
        "alice@new.example",
    )


def test_settings_refuse_a_javascript_website_and_a_taken_email(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        "/settings/",
        {
            "display_name": "",
            "bio": "",
            "website": "javascript:alert(1)",
            "email": "bob@example.com",
        },
    )
    assert response.status_code == 422
    assert "Another account uses that email address." in response.text
    alice.refresh_from_db()
    assert alice.website == ""


def test_settings_show_bookmarklet_feeds_and_links_to_other_settings(client, alice, settings):
    settings.SITE_URL = "https://bookmarks.example"
    client.force_login(alice)
    page = client.get("/settings/").text
    assert "javascript:(function(){" in page
    assert "http://testserver/add/?popup=1&amp;url=" in page
    for path in ("/feeds/u/alice/", "/feeds/private/", "/feeds/network/", "/feeds/toread/"):
        assert f"https://bookmarks.example{path}" in page
    assert 'href="/settings/app-passwords/"' in page
    assert 'href="/settings/sessions/"' in page
    assert 'href="/accounts/password/change/"' in page
    assert 'href="/import/"' in page
    assert re.search(r"<title>\s*Settings · kwippy\s*</title>", page)
    assert "Where you're signed in" in page
    assert 'action="/settings/app-passwords/"' in page
    assert 'href="/export/"' in page


def test_settings_need_a_signed_in_person(client, db):
    assert client.get("/settings/")["Location"] == "/accounts/login/?next=/settings/"


def test_password_change(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_the_password_change_page_deletes_the_other_sessions_and_keeps_this_one(alice):
    here, elsewhere = Client(), Client()
    here.force_login(alice)
    elsewhere.force_login(alice)
    other_key = elsewhere.session.session_key
    response = here.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not SessionStore().exists(other_key)
    assert elsewhere.get("/settings/").status_code == 302
    assert here.get("/settings/").status_code == 200


def test_after_a_password_change_the_page_says_the_other_sessions_were_signed_out(alice):
    here, laptop, phone = Client(), Client(), Client()
    for client in (here, laptop, phone):
        client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    response = here.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [("/accounts/password/change/done/", 302)]
    assert "Signed out your 2 other sessions." in response.text
    assert "every other browser or\n    device that was signed in" in response.text
    assert laptop.get("/settings/").status_code == 302


def test_password_reset_by_email_link(client, alice, settings):
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/password/reset/\S+/)", mail.outbox[0].body
    )
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.text
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
