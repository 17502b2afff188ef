"""The one fetcher: every request kwippy sends to another site goes through `page_fetch`.

A bookmark's URL is whatever someone typed, and a worker fetching it stands inside the site's own
network, so the fetcher reaches the public internet and nothing else (server-side request forgery):

- Only `http` and `https`, and no user name or password in the address: a link is shared by everyone
  who saved it, so credentials one person typed are never sent on everyone's behalf. Such an
  address is refused rather than stripped: without them the fetch would ask for a sign-in page and
  take its title for the link's.
- The host is resolved once, here (`resolve`), and refused if ANY of its addresses is loopback,
  private, link-local (cloud metadata at 169.254.169.254 included), multicast, reserved,
  unspecified, shared (100.64/10) or site-local, or an IPv6 form carrying such an IPv4 address
  (IPv4-mapped, 6to4, NAT64). The connection then goes to an address that was checked, never to a
  second lookup of the name, so a name that resolves elsewhere a moment later (DNS rebinding) gains
  nothing. The request still names the host (`Host`, TLS SNI and certificate checks).
  `LINK_FETCH_ALLOWED_NETWORKS` lets named networks, or one address and port, through.
- Redirects are followed here, each hop checked like the first, at most LINK_FETCH_MAX_REDIRECTS.
- One deadline for the whole fetch, enforced on every socket operation (a server that drips a byte
  a second is cut off by it), and a body read as a stream up to LINK_FETCH_MAX_BYTES, gzip included
  (a small compressed body cannot unfold into gigabytes in memory). Only HTML and XHTML bodies are
  read; for anything else the headers say all kwippy needs.

Politeness, across every worker process: at most LINK_FETCH_HOST_CONCURRENCY fetches of a host at
once (PostgreSQL advisory locks, which end with their connection should a worker die holding one),
requests to a host at least LINK_FETCH_HOST_INTERVAL_SECONDS apart and never before the time a
`Retry-After` asked for (`FetchHost`, moved by single statements under the row's lock). A busy host
raises `HostBusy` at once: a worker's slot is never spent sleeping.

Call it outside a transaction: the politeness rows are shared with every worker.
"""

import email.utils
import hashlib
import ipaddress
import socket
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpcore
import httpx
from django.conf import settings
from django.db import connection

from kwippy.core.models import FetchHost

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Decompressed bytes are produced at most this many at a time, so memory stays near the cap.
_PIECE_BYTES = 64 * 1024
# A longer Retry-After is honoured as a week: a typo or a hostile header must not silence a host
# for ever, and re-checks come round monthly anyway.
_RETRY_AFTER_LONGEST_SECONDS = 7 * 24 * 60 * 60


@dataclass(frozen=True)
class Fetched:
    """What one fetch found, after every redirect."""

    url: str  # the address asked for
    final_url: str  # where the last hop answered
    status: int  # the last response's status (a 404 or 410 is a result, not an error)
    redirects: tuple[tuple[int, str], ...]  # each redirect followed: (status, absolute Location)
    content_type: str  # media type, lower case, no parameters ("" if none)
    charset: str | None  # the charset the Content-Type header declared
    body: bytes  # HTML or XHTML only, at most LINK_FETCH_MAX_BYTES; b"" for anything else
    truncated: bool  # the body was cut at the cap
    retry_after: float | None  # seconds asked by a 429 or 503 (Retry-After: seconds or HTTP date)


class FetchError(Exception):
    """The page was not fetched."""


class FetchRefused(FetchError):
    """kwippy never fetches this: its scheme, its address, a malformed URL, too many redirects."""


class FetchFailed(FetchError):
    """The fetch failed this time and may work later: DNS, connection, TLS, the deadline."""


class HostBusy(FetchError):
    """Politeness says wait: nothing was sent to `host`, which may be asked in `retry_in` seconds.

    The host is the one asked for, or one a redirect led to.
    """

    def __init__(self, host: str, retry_in: float):
        super().__init__(f"{host} is busy; try again in {retry_in:.1f} s")
        self.host = host
        self.retry_in = retry_in


def page_fetch(*, url: str) -> Fetched:
    """Fetch the page at `url` from the public internet, following redirects."""
    deadline = time.monotonic() + settings.LINK_FETCH_DEADLINE_SECONDS
    target = _target(url)
    redirects: list[tuple[int, str]] = []
    # One lookup per host for the whole fetch: a redirect back to a host goes where it went before.
    looked_up: dict[str, list[Address]] = {}
    turns = _HostTurns()
    try:
        while True:
            host = target.raw_host.decode("ascii")
            if host not in looked_up:
                looked_up[host] = resolve(host, _port(target))
            addresses = _allowed(target, looked_up[host])
            turns.take(host)
            answer = _hop(target, addresses, deadline)
            if _redirects(answer.status, answer.headers):
                if len(redirects) == settings.LINK_FETCH_MAX_REDIRECTS:
                    raise FetchRefused(
                        f"{url}: more than {settings.LINK_FETCH_MAX_REDIRECTS} redirects"
                    )
                target = _target(answer.headers["location"], base=target)
                redirects.append((answer.status, str(target)))
                continue
            retry_after = None
            if answer.status in (429, 503) and "retry-after" in answer.headers:
                retry_after = retry_after_parse(header=answer.headers["retry-after"])
                if retry_after is not None:
                    _host_hold_off(host, retry_after)
            content_type, charset = _content_type(answer.headers.get("content-type", ""))
            return Fetched(
                url=url,
                final_url=str(target),
                status=answer.status,
                redirects=tuple(redirects),
                content_type=content_type,
                charset=charset,
                body=answer.body,
                truncated=answer.truncated,
                retry_after=retry_after,
            )
    finally:
        turns.release()


def retry_after_parse(*, header: str) -> float | None:
    """Return the seconds a `Retry-After` value asks for (a number or an HTTP date), or None."""
    value = header.strip()
    if value.isascii() and value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:  # "-0000": UTC, said without a zone
            when = when.replace(tzinfo=UTC)
        seconds = max((when - datetime.now(UTC)).total_seconds(), 0.0)
    return min(seconds, _RETRY_AFTER_LONGEST_SECONDS)


def resolve(host: str, port: int) -> list[Address]:
    """Return every address `host` resolves to, with one lookup (an IP address is its own)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as error:  # a label IDNA cannot encode
        raise FetchRefused(f"{host!r} is not a host name") from error
    except OSError as error:  # socket.gaierror: no such name, or no answer
        raise FetchFailed(f"{host} does not resolve: {error}") from error
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))


def address_allowed(*, address: Address, port: int) -> bool:
    """Say whether the fetcher may connect to `address` on `port`."""
    address = _unmapped(address)
    for network, allowed_port in settings.LINK_FETCH_ALLOWED_NETWORKS:
        if address in network and allowed_port in (None, port):
            return True
    return _public(address)


def _unmapped(address: Address) -> Address:
    """Return an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it is."""
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _public(address: Address) -> bool:
    """Say whether `address`, and every IPv4 address an IPv6 one carries, is on the internet."""
    if address.version == 6:
        carried = [address.sixtofour]
        if address in _NAT64:
            carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.is_site_local or not all(_public(v4) for v4 in carried if v4 is not None):
            return False
    # `is_global` alone lets multicast through, so every range is named.
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _target(url: str, base: httpx.URL | None = None) -> httpx.URL:
    """Return `url` (joined to `base`, for a redirect) as an address kwippy may ask for."""
    try:
        target = base.join(url) if base is not None else httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        raise FetchRefused(f"{url!r} is not a URL kwippy can fetch: {error}") from error
    if target.scheme not in ("http", "https"):
        raise FetchRefused(f"{url!r}: only http and https addresses are fetched")
    if not target.raw_host or len(target.raw_host) > 253:
        raise FetchRefused(f"{url!r} has no host name kwippy can look up")
    if not 0 < _port(target) < 65536:
        raise FetchRefused(f"{url!r} has no port kwippy can connect to")
    if target.userinfo:
        raise FetchRefused(f"{url!r} carries a user name or password, which kwippy never sends")
    return target


def _port(target: httpx.URL) -> int:
    return target.port or (443 if target.scheme == "https" else 80)


def _allowed(target: httpx.URL, addresses: list[Address]) -> list[Address]:
    """Return the addresses of `target`'s host, refusing the host if any of them is not allowed."""
    if not addresses:
        raise FetchFailed(f"{target.host} has no address")
    for address in addresses:
        if not address_allowed(address=address, port=_port(target)):
            raise FetchRefused(f"{target.host} resolves to {address}, outside the public internet")
    return addresses


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool


def _hop(target: httpx.URL, addresses: list[Address], deadline: float) -> _Answer:
    """Send one GET to `target` at one of `addresses` and read what answers, by the deadline."""
    transport = _PinnedTransport(
        backend=_PinnedBackend(addresses=addresses, deadline=deadline),
        # httpx's: certifi's authorities, or SSL_CERT_FILE's where the site names its own.
        ssl_context=httpx.create_ssl_context() if target.scheme == "https" else None,
    )
    headers = {
        "User-Agent": f"kwippy (+{settings.SITE_URL})",
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip",
    }
    try:
        with (
            httpx.Client(transport=transport, timeout=None, trust_env=False) as client,
            client.stream("GET", target, headers=headers) as response,
        ):
            content_type, _ = _content_type(response.headers.get("content-type", ""))
            body, truncated = b"", False
            redirect = _redirects(response.status_code, response.headers)
            if not redirect and content_type in _READ_MEDIA_TYPES:
                body, truncated = _body(response)
            return _Answer(response.status_code, response.headers, body, truncated)
    except httpcore.TimeoutException as error:
        raise FetchFailed(f"{target}: no answer by the deadline") from error
    except (httpcore.NetworkError, httpcore.RemoteProtocolError, zlib.error) as error:
        raise FetchFailed(f"{target}: {type(error).__name__}: {error}") from error
    except httpcore.LocalProtocolError as error:
        raise FetchRefused(f"{target}: {error}") from error


def _redirects(status: int, headers: httpx.Headers) -> bool:
    """Say whether an answer is a redirect to follow (one without a Location is an answer)."""
    return status in _REDIRECT_STATUSES and bool(headers.get("location"))


def _body(response: httpx.Response) -> tuple[bytes, bool]:
    """Return the body up to the cap, and whether more was left unread."""
    limit = settings.LINK_FETCH_MAX_BYTES
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        pieces = response.iter_raw()
    elif encoding in ("gzip", "x-gzip", "deflate"):
        pieces = _decompressed(response.iter_raw())
    else:
        # Not one kwippy asked for: nothing it could read.
        return b"", False
    body, size = [], 0
    for piece in pieces:
        if size + len(piece) > limit:
            body.append(piece[: limit - size])
            return b"".join(body), True
        body.append(piece)
        size += len(piece)
    return b"".join(body), False


def _decompressed(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the gzip or zlib stream `chunks` decompressed, a bounded piece at a time."""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 32)  # either header, told apart by zlib
    for chunk in chunks:
        data = chunk
        while data and not decompressor.eof:
            yield decompressor.decompress(data, _PIECE_BYTES)
            data = decompressor.unconsumed_tail
        if decompressor.eof:
            return


def _content_type(header: str) -> tuple[str, str | None]:
    """Return the media type (lower case) and declared charset of a Content-Type header."""
    media_type, *parameters = header.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            charset = value.strip().strip('"')
    return media_type.strip().lower(), charset


class _HostTurns:
    """The hosts one fetch may send to now, each holding one of its concurrency slots."""

    def __init__(self):
        self.slots: dict[str, int] = {}

    def take(self, host: str) -> None:
        """Take a turn at `host` (kept for the rest of the fetch), or raise HostBusy."""
        if host in self.slots:
            return
        slot = _host_slot_take(host)
        if slot is None:
            # Every slot is held by a fetch that ends by its deadline.
            raise HostBusy(host, settings.LINK_FETCH_DEADLINE_SECONDS)
        wait = _host_interval_take(host)
        if wait:
            _host_slot_release(host, slot)
            raise HostBusy(host, wait)
        self.slots[host] = slot

    def release(self) -> None:
        for host, slot in self.slots.items():
            _host_slot_release(host, slot)
        self.slots.clear()


def _host_lock_key(host: str) -> int:
    """Return the advisory lock key of `host`'s slots: the first of the two keys, signed 32 bits."""
    digest = hashlib.blake2b(f"kwippy.fetch:{host}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _host_slot_take(host: str) -> int | None:
    """Return the concurrency slot taken at `host`, or None when every one is held."""
    with connection.cursor() as cursor:
        for slot in range(settings.LINK_FETCH_HOST_CONCURRENCY):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_host_lock_key(host), slot])
            if cursor.fetchone()[0]:
                return slot
    return None


def _host_slot_release(host: str, slot: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_host_lock_key(host), slot])


def _host_interval_take(host: str) -> float:
    """Move `host`'s next turn one interval on and return 0, or return the seconds until it."""
    table = FetchHost._meta.db_table
    with connection.cursor() as cursor:
        # One statement, so two workers cannot both take the same turn: the second waits for the
        # first's row lock, then finds the turn taken.
        cursor.execute(
            f"""
            INSERT INTO {table} (host, next_allowed_at)
            VALUES (%s, clock_timestamp() + make_interval(secs => %s))
            ON CONFLICT (host) DO UPDATE SET next_allowed_at = EXCLUDED.next_allowed_at
            WHERE {table}.next_allowed_at <= clock_timestamp()
            RETURNING 1
            """,
            [host, settings.LINK_FETCH_HOST_INTERVAL_SECONDS],
        )
        if cursor.fetchone():
            return 0.0
        cursor.execute(
            f"SELECT extract(epoch FROM next_allowed_at - clock_timestamp()) FROM {table} "
            "WHERE host = %s",
            [host],
        )
        # The turn may have come in between: a moment's wait, rather than a second try here.
        return max(float(cursor.fetchone()[0]), 0.1)


def _host_hold_off(host: str, seconds: float) -> None:
    """Ask `host` nothing more for `seconds`, as its Retry-After said."""
    table = FetchHost._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_allowed_at = "
            "greatest(next_allowed_at, clock_timestamp() + make_interval(secs => %s)) "
            "WHERE host = %s",
            [seconds, host],
        )


def _remaining(deadline: float, timeout: float | None, expired: type[Exception]) -> float:
    """Return the seconds a socket operation may take: its own timeout, cut at the deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the fetch's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the fetch's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self.stream = stream
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _remaining(self.deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _remaining(self.deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        seconds = _remaining(self.deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self.stream.start_tls(ssl_context, server_hostname, seconds), self.deadline
        )

    def get_extra_info(self, info: str):
        return self.stream.get_extra_info(info)


class _PinnedBackend(httpcore.SyncBackend):
    """Connect to the addresses checked for this hop, whatever name the URL gives."""

    def __init__(self, *, addresses: list[Address], deadline: float):
        self.addresses = addresses
        self.deadline = deadline

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in self.addresses:
            try:
                seconds = _remaining(self.deadline, timeout, httpcore.ConnectTimeout)
                stream = super().connect_tcp(
                    str(_unmapped(address)), port, seconds, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error  # the next address may answer
                continue
            return _DeadlineStream(stream, self.deadline)
        raise failure


class _PinnedTransport(httpx.BaseTransport):
    """httpx's transport on httpcore's pool, with the pinned backend and no connection reuse."""

    def __init__(self, *, backend: httpcore.NetworkBackend, ssl_context):
        # A hop's pool is its own: a connection made for one host's name is never reused for
        # another's that shares its address.
        self.pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, network_backend=backend, max_keepalive_connections=0
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.pool.handle_request(
            httpcore.Request(
                method=request.method,
                url=httpcore.URL(
                    scheme=request.url.raw_scheme,
                    host=request.url.raw_host,
                    port=request.url.port,
                    target=request.url.raw_path,
                ),
                headers=request.headers.raw,
                content=request.stream,
                extensions=request.extensions,
            )
        )
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseBody(response),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self.pool.close()


class _ResponseBody(httpx.SyncByteStream):
    def __init__(self, response: httpcore.Response):
        self.response = response

    def __iter__(self) -> Iterator[bytes]:
        yield from self.response.iter_stream()

    def close(self) -> None:
        self.response.close()
