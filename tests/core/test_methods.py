"""A GET to an address only a form's button may use: the 405 page, with the button that does it."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kwippy.auth.services import app_password_create
from kwippy.posts import services
from kwippy.posts.models import Post

pytestmark = pytest.mark.django_db


def _paths(resolver: URLResolver, prefix: str = ""):
    # Every route of the site as (its text, its view's name), admin and API left out: the admin
    # is Django's, and the API answers every method itself in Pinboard's words.
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith(("admin/", "api/")):
                yield from _paths(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


@pytest.fixture
def owned(alice, bob):
    """Alice's bookmark and app password: what the addresses that take ids name."""
    post = services.post_create(user=alice, url="https://example.org/", title="Example")
    app_password, _ = app_password_create(user=alice, name="reader")
    return {
        "post_id": post.pk,
        "app_password_id": app_password.pk,
        "username": bob.username,
        "session_id": "elsewhere",
        "tags": "t",
        "public_id": post.link.public_id,
        "uidb64": "MQ",
        "token": "set-password",
        "import_id": 1,
    }


def _address(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match[1]]), route)


POST_ONLY = {
    "/accounts/logout/": "Sign out",
    "/p/{post_id}/delete/": "Delete this bookmark",
    "/p/{post_id}/read/": "Mark read",
    "/p/{post_id}/new-address/": "Use the new address",
    "/p/bulk/": None,
    # The choice is the form's checkbox: a button alone would have nothing to say.
    "/settings/pages/": None,
    "/u/bob/follow/": "Follow Bob Baker",
    "/u/bob/unfollow/": "Stop following Bob Baker",
    # The add form's script asks it for a page's title: there is no button to offer.
    "/pages/title/": None,
}
# Revoking an app password and signing sessions out answer a GET with their question instead
# (tests/auth, tests/sessions).


def test_every_address_that_refuses_a_get_says_why_on_a_page(alice, owned):
    client = Client()
    client.force_login(alice)
    refusing = set()
    for route in _paths(get_resolver()):
        address = _address(route, owned)
        response = client.get(address)
        if response.status_code == 405:
            refusing.add(address)
            assert response["Allow"] == "POST", address
            assert "This address needs a button" in response.text, address
    expected = {address.format(**owned) for address in POST_ONLY}
    assert refusing == expected


@pytest.mark.parametrize(("address", "button"), POST_ONLY.items())
def test_the_405_page_offers_the_button_that_posts_to_the_same_address(
    alice, owned, address, button
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    address = address.format(**owned)
    response = client.get(address)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "<h1>This address needs a button</h1>" in response.text
    form = re.search(
        r'<form class="form" method="post" action="([^"]+)">(.*?)</form>', response.text, re.S
    )
    if button is None:
        assert form is None
        return
    assert form[1] == address
    assert f'<button type="submit">{button}</button>' in form[2]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form[2])[1]
    pressed = client.post(address, {"csrfmiddlewaretoken": token})
    assert pressed.status_code in (302, 404), pressed.status_code


def test_the_button_is_offered_only_to_whom_it_would_serve(alice, bob, owned):
    client = Client()
    client.force_login(bob)
    page = client.get(f"/p/{owned['post_id']}/delete/")
    assert page.status_code == 405
    assert "Delete this bookmark" not in page.text
    assert '<button type="submit">Follow' not in client.get("/u/bob/follow/").text
    anonymous = Client().get("/accounts/logout/")
    assert anonymous.status_code == 405
    assert '<button type="submit">Sign out</button>' not in anonymous.text


def test_pressing_the_button_does_what_the_address_says(alice, owned):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(f"/p/{owned['post_id']}/delete/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    client.post(f"/p/{owned['post_id']}/delete/", {"csrfmiddlewaretoken": token})
    assert not Post.objects.filter(pk=owned["post_id"]).exists()
