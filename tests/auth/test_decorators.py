import base64

import pytest
from django.contrib.auth.models import Permission
from django.http import HttpResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.accounts.models import User
from kwippy.auth.decorators import has_perm_or_basicauth, logged_in_or_basicauth
from kwippy.posts.services import post_create
from tests.auth import urls
from tests.auth.helpers import fetch_raw, stored_items
from tests.conftest import PASSWORD

CHALLENGE = 'Basic realm="kwippy", charset="UTF-8"'
GUARDED_PATHS = ["/guarded/function/", "/guarded/function-parens/", "/guarded/class/"]


def _raw_basic(payload: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(payload).decode()}


@pytest.mark.parametrize("path", GUARDED_PATHS)
def test_right_basic_credentials_reach_the_view(guarded, alice, path):
    reply = guarded(path, auth=("alice", PASSWORD))
    assert reply.status == 200
    assert reply.body.endswith("alice")
    assert "Authorization" in reply.headers["Vary"]


@pytest.mark.parametrize("path", GUARDED_PATHS)
def test_no_credentials_get_a_utf8_basic_challenge(guarded, db, path):
    reply = guarded(path)
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].startswith('Basic realm="kwippy')
    assert reply.headers["WWW-Authenticate"].endswith('", charset="UTF-8"')
    assert "Authorization" in reply.headers["Vary"]


def test_the_challenge_names_the_realm_with_quotes_escaped(guarded, db):
    reply = guarded("/guarded/class/")
    assert reply.headers["WWW-Authenticate"] == r'Basic realm="kwippy \"classes\"", charset="UTF-8"'
    assert guarded("/guarded/function/").headers["WWW-Authenticate"] == CHALLENGE


def test_a_wrong_password_is_challenged(guarded, alice):
    reply = guarded("/guarded/function/", auth=("alice", "not the password"))
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == CHALLENGE


def test_the_scheme_is_case_insensitive(guarded, alice):
    token = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    for scheme in ("basic", "BASIC", "bAsIc"):
        reply = guarded("/guarded/function/", headers={"Authorization": f"{scheme} {token}"})
        assert reply.status == 200, scheme


def test_a_colon_in_the_password_belongs_to_the_password(guarded, alice):
    alice.set_password("pass:word:with:colons")
    alice.save()
    assert guarded("/guarded/function/", auth=("alice", "pass:word:with:colons")).status == 200
    assert guarded("/guarded/function/", auth=("alice", "pass")).status == 401


def test_non_ascii_username_and_password_work(guarded, db):
    User.objects.create_user("zoë", email="zoe@example.com", password="pässwörd ünïcode ✓")
    reply = guarded("/guarded/function/", auth=("zoë", "pässwörd ünïcode ✓"))
    assert reply.status == 200
    assert reply.body == "you are zoë"


def test_the_username_is_case_insensitive(guarded, alice):
    assert guarded("/guarded/function/", auth=("ALICE", PASSWORD)).body == "you are alice"


def test_an_email_address_identifies_its_one_account_ignoring_case(guarded, dave):
    reply = guarded("/guarded/function/", auth=("dave.doe@example.COM", PASSWORD))
    assert reply.status == 200
    assert reply.body == "you are dave"


def test_an_email_shared_by_two_accounts_identifies_neither(guarded, alice):
    User.objects.create_user("alice2", email="Alice@Example.com", password=PASSWORD)
    reply = guarded("/guarded/function/", auth=("alice@example.com", PASSWORD))
    assert reply.status == 401
    assert guarded("/guarded/function/", auth=("alice2", PASSWORD)).status == 200


def test_an_inactive_account_is_refused_with_the_right_password(guarded, alice):
    alice.is_active = False
    alice.save()
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 401


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Basic", id="no credentials"),
        pytest.param("Basic ", id="empty credentials"),
        pytest.param("Basic !!!not-base64!!!", id="bad base64"),
        pytest.param("Basic YWxpY2U", id="missing padding"),
        pytest.param("Basic YWxpY2U6eA==YWxpY2U6eA==", id="data after padding"),
        pytest.param("Basic " + base64.b64encode(b"alice").decode(), id="no colon"),
        pytest.param("Basic " + base64.b64encode(b":" + b"x" * 8).decode(), id="empty user-id"),
        pytest.param("Bearer " + base64.b64encode(b"alice:x").decode(), id="other scheme"),
        pytest.param("Digest username=alice", id="digest"),
        pytest.param("Basic " + "QUFB" * 2000, id="kilobytes of base64 junk"),
        pytest.param("x" * 5000, id="kilobytes of junk"),
    ],
)
def test_malformed_headers_get_a_challenge(guarded, alice, authorization):
    reply = guarded("/guarded/function/", headers={"Authorization": authorization})
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == CHALLENGE


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"alice:\xff\xfe" + PASSWORD.encode(), id="invalid utf-8 password"),
        pytest.param(b"\xc3(:" + PASSWORD.encode(), id="invalid utf-8 user-id"),
        pytest.param(b"alice\x00:" + PASSWORD.encode(), id="NUL in user-id"),
        pytest.param(b"alice:" + PASSWORD.encode() + b"\x00", id="NUL in password"),
        pytest.param(b"alice:\x07" + PASSWORD.encode(), id="control character"),
        pytest.param(f"alice:{PASSWORD}".encode("utf-16"), id="utf-16"),
    ],
)
def test_credentials_that_are_not_clean_utf8_get_a_challenge(guarded, alice, payload):
    reply = guarded("/guarded/function/", headers=_raw_basic(payload))
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == CHALLENGE


def test_raw_nul_and_latin1_bytes_in_the_header_never_give_a_500(guarded, live_server, alice):
    host, port = live_server.thread.host, live_server.thread.port
    for raw in (b"Basic \x00\x00", b"Basic YWxp\xe9Y2U6eA==", b"\xff\xfe Basic", b"Basic\t\x7f"):
        assert fetch_raw(host, port, "/guarded/function/", raw) in (400, 401)


def test_basic_auth_sets_no_cookie_creates_no_session_and_does_not_log_in(guarded, alice):
    sessions_before = stored_items("sessions")
    for _ in range(3):
        reply = guarded("/guarded/function/", auth=("alice", PASSWORD))
        assert reply.status == 200
        assert reply.headers.get_all("Set-Cookie") is None
    assert stored_items("sessions") == sessions_before
    alice.refresh_from_db()
    assert alice.last_login is None


def test_a_basic_response_is_private_to_shared_caches(guarded, alice):
    reply = guarded("/guarded/function/", auth=("alice", PASSWORD))
    assert "private" in reply.headers["Cache-Control"]


def test_a_signed_in_session_passes_without_credentials(guarded, alice, client):
    client.force_login(alice)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    reply = guarded("/guarded/class/", headers={"Cookie": cookie})
    assert reply.status == 200
    assert reply.body == "class says alice"


def test_the_feed_is_served_to_its_basic_user_with_private_posts(guarded, alice, bob):
    post_create(user=alice, url="https://example.com/secret", title="Alice secret", is_private=True)
    post_create(user=bob, url="https://example.com/bob", title="Bob public")
    assert guarded("/guarded/feed/").status == 401
    reply = guarded("/guarded/feed/", auth=("alice", PASSWORD))
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/rss+xml")
    assert "Alice secret" in reply.body
    assert "Bob public" not in reply.body
    assert "Authorization" in reply.headers["Vary"]


def test_has_perm_refuses_right_credentials_without_the_permission_with_403(guarded, alice):
    reply = guarded("/guarded/perm/", auth=("alice", PASSWORD))
    assert reply.status == 403
    assert "WWW-Authenticate" not in reply.headers


def test_has_perm_challenges_wrong_or_missing_credentials(guarded, alice):
    assert guarded("/guarded/perm/").status == 401
    assert guarded("/guarded/perm/", auth=("alice", "wrong")).status == 401
    assert guarded("/guarded/perm-feed/").headers["WWW-Authenticate"] == (
        'Basic realm="staff", charset="UTF-8"'
    )


def test_has_perm_lets_a_user_with_the_permission_through(guarded, alice):
    alice.user_permissions.add(Permission.objects.get(codename="view_post"))
    assert guarded("/guarded/perm/", auth=("alice", PASSWORD)).body == "you are alice"
    assert guarded("/guarded/perm-feed/", auth=("alice", PASSWORD)).status == 200


def test_has_perm_gives_403_to_a_signed_in_session_without_the_permission(guarded, alice, client):
    client.force_login(alice)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert guarded("/guarded/perm/", headers={"Cookie": cookie}).status == 403


def test_decorated_views_keep_their_name_and_docstring():
    assert urls.whoami.__name__ == "whoami"
    assert urls.whoami.__doc__ == "Say who is asking."
    feed_view = logged_in_or_basicauth(urls.OwnPostsFeed())
    assert feed_view.__name__ == "OwnPostsFeed"
    assert feed_view.__doc__ == urls.OwnPostsFeed.__doc__
    class_view = has_perm_or_basicauth("posts.view_post")(urls.WhoAmI.as_view())
    assert class_view.view_class is urls.WhoAmI
    assert class_view.__doc__ == urls.WhoAmI.__doc__


def test_decorated_views_are_exempt_from_login_required_middleware():
    assert urls.whoami.login_required is False


def test_decorators_refuse_async_views_and_a_missing_permission():
    async def async_view(request):
        return HttpResponse()

    with pytest.raises(TypeError):
        logged_in_or_basicauth(async_view)
    with pytest.raises(TypeError):
        has_perm_or_basicauth(urls.plain_whoami)
    with pytest.raises(ValueError, match="realm"):
        logged_in_or_basicauth(realm="line\nbreak")


_junk_header = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=300),
    st.binary(max_size=200).map(lambda raw: "Basic " + base64.b64encode(raw).decode()),
    st.tuples(
        st.sampled_from(["Basic ", "basic ", "BASIC  ", "Basic\t", "Bearer ", ""]),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:-_ "),
    ).map("".join),
    st.tuples(st.text(max_size=40), st.text(max_size=40)).map(
        lambda pair: "Basic " + base64.b64encode(f"{pair[0]}:{pair[1]}".encode()).decode()
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(authorization=_junk_header)
def test_fuzzed_authorization_headers_never_give_a_500(guarded, alice, authorization):
    for path in ("/guarded/function/", "/guarded/feed/"):
        reply = guarded(path, headers={"Authorization": authorization})
        assert reply.status in (401, 429), (authorization, reply.status, reply.body)
