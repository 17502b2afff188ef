"""The API as deployed: gunicorn with DEBUG=0 bounds the request line and headers, and long
notes travel in a POST body."""

import socket
import string
import urllib.parse

import pinboard
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.accounts.models import User
from kwippy.auth.services import app_password_create
from kwippy.posts.models import Post
from tests.auth.helpers import fetch
from tests.test_deployment import gunicorn_production  # noqa: F401 - a fixture

# gunicorn's ceiling for a request line and for one header field.
LINE_LIMIT = 8190
HEALTH = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n"


@pytest.fixture
def token(transactional_db):
    """An auth_token of a user committed where gunicorn's workers can see it."""
    user = User.objects.create_user("gina", password="irrelevant-for-this-test")
    _, secret = app_password_create(user=user, name="pinboard client")
    return f"gina:{secret}"


def _exchange(base: str, request: bytes) -> bytes:
    """Send raw bytes to the server; return whatever it answers before closing."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(request)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
            if b"\r\n\r\n" in reply:
                break
    return reply


def _status(reply: bytes) -> int:
    return int(reply.split(b"\r\n", 1)[0].split()[1])


def test_gunicorn_refuses_an_over_long_request_line_before_reading_the_rest(
    gunicorn_production,  # noqa: F811
):
    # The line never ends: the answer can only come from refusing the part already read.
    reply = _exchange(gunicorn_production, b"GET /api/v1/posts/add?extended=" + b"a" * 20000)
    assert _status(reply) in (400, 414)
    assert fetch(gunicorn_production + "/healthz").status == 200


def test_gunicorn_refuses_too_many_header_fields(gunicorn_production):  # noqa: F811
    assert (
        _status(_exchange(gunicorn_production, HEALTH + b"X-Filler: a\r\n" * 20 + b"\r\n")) == 200
    )
    headers = b"".join(b"X-Filler-%d: 1\r\n" % n for n in range(60))
    reply = _exchange(gunicorn_production, HEALTH + headers + b"\r\n")
    assert _status(reply) in (400, 431)
    assert fetch(gunicorn_production + "/healthz").status == 200


def test_gunicorn_refuses_an_over_long_header_field(gunicorn_production):  # noqa: F811
    assert _status(_exchange(gunicorn_production, HEALTH + b"X-Filler: a\r\n\r\n")) == 200
    field = b"X-Filler: " + b"a" * LINE_LIMIT + b"\r\n"
    reply = _exchange(gunicorn_production, HEALTH + field + b"\r\n")
    assert _status(reply) in (400, 431)


def test_gunicorn_accepts_the_longest_extended_in_a_post_body(gunicorn_production, token):  # noqa: F811
    extended = "é" * 65536
    body = urllib.parse.urlencode(
        {
            "auth_token": token,
            "url": "https://example.com/",
            "description": "Long",
            "extended": extended,
        }
    )
    reply = fetch(
        f"{gunicorn_production}/api/v1/posts/add?format=json",
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200, reply.body[:200]
    assert reply.body == '{"result_code": "done"}'
    assert Post.objects.get().description == extended


def test_gunicorn_accepts_a_get_with_a_note_that_fits_the_line(gunicorn_production, token):  # noqa: F811
    query = urllib.parse.urlencode(
        {
            "auth_token": token,
            "url": "https://example.com/",
            "description": "t" * 255,
            "tags": " ".join(f"tag{n}" for n in range(100)),
            "extended": "x" * 4000,
            "format": "json",
        }
    )
    reply = fetch(f"{gunicorn_production}/api/v1/posts/add?{query}")
    assert reply.body == '{"result_code": "done"}'


def test_the_pinboard_package_works_against_gunicorn(gunicorn_production, token, monkeypatch):  # noqa: F811
    monkeypatch.setattr(
        pinboard.pinboard, "PINBOARD_API_ENDPOINT", gunicorn_production + "/api/v1/"
    )
    client = pinboard.Pinboard(token)
    assert client.posts.add(url="https://example.com/", description="Example", tags=["a", "b"])
    assert [b.tags for b in client.posts.all()] == [["a", "b"]]
    assert [(tag.name, tag.count) for tag in client.tags.get()] == [("a", 1), ("b", 1)]


# Anything but CR and LF in the target: those would end the line and start headers of the
# fuzzer's making (a Content-Length would make the server wait for a body never sent).
_target_bytes = st.binary(max_size=64).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from([b"GET", b"POST", b"get", b"", b"G\x00T", b"PUT"]),
    target=st.tuples(_target_bytes, st.integers(min_value=0, max_value=3 * LINE_LIMIT)).map(
        lambda parts: b"/api/v1/posts/add?" + parts[0] + b"x" * parts[1]
    ),
    version=st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/9.9", b"", b"HTTP/1.1 extra"]),
    separator=st.sampled_from([b" ", b"  ", b"\t"]),
    printable=st.text(alphabet=string.printable.strip(), max_size=20),
)
def test_fuzzed_request_lines_are_answered_without_a_server_error(
    gunicorn_production,  # noqa: F811
    method,
    target,
    version,
    separator,
    printable,
):
    line = separator.join(part for part in (method, target + printable.encode(), version) if part)
    reply = _exchange(
        gunicorn_production, line + b"\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    if reply:
        assert reply.startswith(b"HTTP/1."), reply[:100]
        assert _status(reply) < 500, reply[:300]
