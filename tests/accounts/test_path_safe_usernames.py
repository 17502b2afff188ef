"""Usernames are path segments (`/u/<name>/`): none may be one that browsers rewrite."""

import pytest

from kwippy.accounts.models import User
from tests.conftest import PASSWORD

DOT_NAMES = [".", "..", "..."]


@pytest.mark.parametrize("username", DOT_NAMES)
def test_signup_refuses_a_username_made_only_of_dots(client, db, username):
    response = client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": "dots@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "A username cannot be made only of dots" in response.text
    assert not User.objects.filter(email="dots@example.com").exists()


def test_signup_accepts_dots_among_other_characters(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "a.b.",
            "email": "ab@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="a.b.").exists()


@pytest.mark.parametrize("username", DOT_NAMES)
def test_the_admin_refuses_a_username_made_only_of_dots(client, db, username):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x" * 16))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "A username cannot be made only of dots" in response.text
    assert not User.objects.filter(username=username).exists()
