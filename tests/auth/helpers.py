"""Real HTTP requests to the live server, and what the memcached services saw."""

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

from django.conf import settings

from tests.conftest import basic_authorization


@dataclass
class Reply:
    status: int
    headers: Message
    body: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(
    url: str,
    *,
    auth: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
) -> Reply:
    """Send one request without following redirects; return its status, headers and body."""
    headers = dict(headers or {})
    if auth is not None:
        headers["Authorization"] = basic_authorization(*auth)
    request = urllib.request.Request(url, headers=headers, data=data)
    try:
        with _opener.open(request, timeout=30) as response:
            return Reply(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read().decode())


def fetch_raw(host: str, port: int, path: str, authorization: bytes) -> int:
    """Send an Authorization header of arbitrary bytes; return the response status."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".encode()
        + b"Authorization: "
        + authorization
        + b"\r\n\r\n"
    )
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall(request)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    status_line = reply.split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def stored_items(alias: str) -> int:
    """Return how many items a memcached service has ever stored (it only grows)."""
    host, port = settings.CACHES[alias]["LOCATION"][0].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"stats\r\n")
        data = b""
        while not data.endswith(b"END\r\n"):
            data += conn.recv(65536)
    lines = data.decode().splitlines()
    stats = dict(line.split()[1:3] for line in lines if line.startswith("STAT"))
    return int(stats["total_items"])


def post_login_form(base_url: str, username: str, password: str, next_url: str = "") -> Reply:
    """Fetch the login page for its CSRF token, then post the form as a browser would."""
    page = fetch(base_url + "/accounts/login/")
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1]
    fields = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    if next_url:
        fields["next"] = next_url
    return fetch(
        base_url + "/accounts/login/",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
