"""Who may call the API: auth_token or HTTP Basic, never a browser session; throttled failures."""

import pytest

from kwippy.api.services import API_TOKEN_NAME
from kwippy.auth.models import AppPassword
from kwippy.auth.services import MAX_APP_PASSWORDS, app_password_create, app_password_revoke
from kwippy.auth.throttle import MAX_FAILURES
from kwippy.posts.models import Post
from tests.api.conftest import basic, json_of, xml_of
from tests.conftest import PASSWORD

WRONG_TOKEN = "alice:kwp_" + "a" * 32


def _get(client, method="posts/update", **extra):
    return client.get(f"/api/v1/{method}", **extra)


def test_an_auth_token_authenticates(client, secret):
    response = _get(client, data={"auth_token": f"alice:{secret}", "format": "json"})
    assert response.status_code == 200
    assert "update_time" in json_of(response)


def test_an_auth_token_may_name_the_user_by_email(client, secret):
    assert _get(client, data={"auth_token": f"alice@example.com:{secret}"}).status_code == 200


@pytest.mark.parametrize("which", ["app password", "account password"])
def test_basic_credentials_authenticate(client, secret, which):
    password = secret if which == "app password" else PASSWORD
    response = _get(client, HTTP_AUTHORIZATION=basic("alice", password))
    assert response.status_code == 200
    assert xml_of(response).tag == "update"


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"data": {"auth_token": WRONG_TOKEN}},
        {"data": {"auth_token": f"alice:{PASSWORD}"}},
        {"data": {"auth_token": "alice"}},
        {"data": {"auth_token": "nobody:kwp_" + "a" * 32}},
        {"HTTP_AUTHORIZATION": basic("alice", "wrong")},
        {"HTTP_AUTHORIZATION": "Bearer something"},
        {"HTTP_AUTHORIZATION": "Basic !!!"},
    ],
)
def test_missing_or_wrong_credentials_are_401_in_pinboards_shape(client, alice, credentials):
    response = _get(client, **credentials)
    assert response.status_code == 401
    assert xml_of(response).attrib == {"code": "wrong or missing credentials"}
    assert response["WWW-Authenticate"].startswith('Basic realm="kwippy API"')


def test_a_401_answers_in_json_when_asked(client, alice):
    response = _get(client, "posts/recent", data={"format": "json"})
    assert response.status_code == 401
    assert json_of(response) == {"result_code": "wrong or missing credentials"}


def test_a_wrong_token_is_not_rescued_by_basic_credentials(client, alice):
    response = _get(
        client, data={"auth_token": WRONG_TOKEN}, HTTP_AUTHORIZATION=basic("alice", PASSWORD)
    )
    assert response.status_code == 401


def test_a_browser_session_alone_cannot_write(client, alice):
    client.force_login(alice)
    response = _get(client, "posts/add", data={"url": "https://example.com/", "description": "x"})
    assert response.status_code == 401
    assert not Post.objects.exists()


def test_a_revoked_app_password_stops_working(client, alice, secret):
    app_password_revoke(user=alice, app_password_id=AppPassword.objects.get(user=alice).pk)
    assert _get(client, data={"auth_token": f"alice:{secret}"}).status_code == 401


def test_an_inactive_account_is_refused(client, alice, secret):
    alice.is_active = False
    alice.save()
    assert _get(client, data={"auth_token": f"alice:{secret}"}).status_code == 401
    assert _get(client, HTTP_AUTHORIZATION=basic("alice", PASSWORD)).status_code == 401


@pytest.mark.parametrize("via", ["auth_token", "basic"])
def test_repeated_failures_are_throttled_with_429_and_retry_after(client, secret, via):
    def attempt(right: bool):
        if via == "auth_token":
            return _get(client, data={"auth_token": f"alice:{secret}" if right else WRONG_TOKEN})
        return _get(client, HTTP_AUTHORIZATION=basic("alice", PASSWORD if right else "wrong"))

    for _ in range(MAX_FAILURES):
        assert attempt(right=False).status_code == 401
    response = attempt(right=True)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert xml_of(response).attrib == {"code": "too many failed attempts"}


def test_the_throttle_is_shared_with_the_login_form(client, secret, bob):
    for _ in range(MAX_FAILURES):
        _get(client, HTTP_AUTHORIZATION=basic("bob", "wrong"))
    login = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert login.status_code == 429


# user/api_token ---------------------------------------------------------------------------------


def test_api_token_returns_the_app_password_the_request_used(client, secret):
    for credentials in (
        {"data": {"auth_token": f"alice:{secret}", "format": "json"}},
        {"data": {"format": "json"}, "HTTP_AUTHORIZATION": basic("alice", secret)},
    ):
        assert json_of(_get(client, "user/api_token", **credentials)) == {"result": secret}
    assert not AppPassword.objects.filter(name=API_TOKEN_NAME).exists()


def test_api_token_with_the_account_password_is_one_stable_app_password(client, alice):
    def token():
        response = _get(
            client,
            "user/api_token",
            data={"format": "json"},
            HTTP_AUTHORIZATION=basic("alice", PASSWORD),
        )
        return json_of(response)["result"]

    first = token()
    assert token() == first
    assert AppPassword.objects.filter(user=alice, name=API_TOKEN_NAME).count() == 1
    assert _get(client, data={"auth_token": f"alice:{first}"}).status_code == 200
    app_password_revoke(user=alice, app_password_id=AppPassword.objects.get(user=alice).pk)
    assert _get(client, data={"auth_token": f"alice:{first}"}).status_code == 401
    second = token()
    assert second != first
    assert _get(client, data={"auth_token": f"alice:{second}"}).status_code == 200


def test_api_token_answers_409_when_no_more_app_passwords_can_be_made(client, alice):
    for n in range(MAX_APP_PASSWORDS):
        app_password_create(user=alice, name=f"reader {n}")
    response = _get(client, "user/api_token", HTTP_AUTHORIZATION=basic("alice", PASSWORD))
    assert response.status_code == 409
    assert xml_of(response).attrib == {"code": "too many app passwords"}
