import ipaddress

import hypothesis
import pytest
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st

from kwippy.auth.throttle import MAX_FAILURES
from kwippy.core.middleware import client_address_from_proxies
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "address",
    [
        "/t/%00/",
        "/u/%00/",
        "/u/alice/t/%00/",
        "/search/?q=%00",
        "/search/?q%00=python",
        "/?before=%00",
        "/feeds/t/a%00b/",
    ],
)
def test_a_nul_character_in_the_address_is_a_400_for_everyone(client, alice, address):
    assert client.get(address).status_code == 400
    client.force_login(alice)
    assert client.get(address).status_code == 400


def test_addresses_without_nul_pass_through(client, alice):
    assert client.get("/search/?q=python").status_code == 200
    assert client.get("/u/alice/").status_code == 200


def test_the_api_answers_a_nul_in_its_own_shape(client, alice):
    response = client.get("/api/v1/posts/get?url=%00&format=json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/json")


@pytest.fixture
def behind_one_proxy(settings):
    """Trust one proxy in front, as Compose's nginx."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.MIDDLEWARE = [
        "kwippy.core.middleware.client_address_from_proxies",
        *settings.MIDDLEWARE,
    ]


def address_seen(forwarded_for: str | None) -> str:
    seen = []
    middleware = client_address_from_proxies(lambda r: seen.append(r.META["REMOTE_ADDR"]))
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    middleware(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **headers))
    return seen[0]


@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("203.0.113.9, 198.51.100.7", "198.51.100.7"),
        ("spoofed, 2001:db8::1", "2001:db8::1"),
        (None, "10.0.0.2"),
        ("", "10.0.0.2"),
        ("198.51.100.7, not-an-address", "10.0.0.2"),
    ],
)
def test_behind_a_proxy_the_client_is_the_last_forwarded_address(
    behind_one_proxy, forwarded_for, expected
):
    assert address_seen(forwarded_for) == expected


@hypothesis.settings(max_examples=200)
@given(st.text())
def test_any_forwarded_for_header_gives_an_address(forwarded_for):
    with override_settings(TRUSTED_PROXY_COUNT=2):
        address = address_seen(forwarded_for)
    ipaddress.ip_address(address)


def test_failed_sign_ins_from_two_clients_behind_the_proxy_are_counted_apart(
    behind_one_proxy, client, alice
):
    for _ in range(MAX_FAILURES):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert elsewhere.status_code == 302
