"""The fetcher against a real local web server: pages, redirects, sizes, deadlines, politeness."""

import email.utils
import queue
import socket
import ssl
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address

import pytest
import trustme
from django.conf import settings
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.provisional import urls
from pytest_httpserver import HTTPServer
from werkzeug import Response

from config.env import parse_allowed_networks
from kwippy.core import fetch
from kwippy.core.fetch import Fetched, FetchFailed, FetchRefused, HostBusy, page_fetch

OPEN_GRAPH_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Les 100 meilleures recettes — Cuisine facile</title>
<meta name="description" content="Des recettes simples, testées à la maison.">
<meta property="og:title" content="Les 100 meilleures recettes">
<meta property="og:site_name" content="Cuisine facile">
<meta property="og:url" content="https://cuisine.example/recettes">
<link rel="canonical" href="https://cuisine.example/recettes">
<link rel="icon" href="/favicon.ico">
</head>
<body><article><h1>Les 100 meilleures recettes</h1><p>Crème brûlée, tarte Tatin…</p></article>
</body>
</html>
""".encode()

MEGABYTE = 1_000_000


@pytest.fixture
def no_connections(monkeypatch):
    """Record every outbound connection attempt, and make none."""
    attempts = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"the fetcher tried to connect to {address}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def resolving_to(*addresses):
    """Return a resolver that answers `addresses` for any name, and counts its lookups."""

    def resolve(host, port):
        resolve.lookups.append(host)
        return [ip_address(address) for address in addresses]

    resolve.lookups = []
    return resolve


def test_a_page_is_fetched_with_its_type_charset_and_body(page_server, db):
    page_server.expect_request("/recettes").respond_with_data(
        OPEN_GRAPH_PAGE, content_type="text/html; charset=UTF-8"
    )
    url = page_server.url_for("/recettes")

    fetched = page_fetch(url=url)

    assert fetched == Fetched(
        url=url,
        final_url=url,
        status=200,
        redirects=(),
        content_type="text/html",
        charset="UTF-8",
        body=OPEN_GRAPH_PAGE,
        truncated=False,
        retry_after=None,
    )


def test_the_request_names_kwippy_and_the_site_and_asks_for_html(page_server, db):
    page_server.expect_request("/").respond_with_data(OPEN_GRAPH_PAGE, content_type="text/html")

    page_fetch(url=page_server.url_for("/"))

    (request, _), *_ = page_server.log
    assert request.headers["User-Agent"] == f"kwippy (+{settings.SITE_URL})"
    assert request.headers["Accept"].startswith("text/html")
    assert request.headers["Host"] == f"127.0.0.1:{page_server.port}"


def test_a_gzipped_page_is_read_decompressed(page_server, db):
    page_server.expect_request("/").respond_with_data(
        zlib.compress(OPEN_GRAPH_PAGE, wbits=zlib.MAX_WBITS | 16),
        content_type="text/html",
        headers={"Content-Encoding": "gzip"},
    )

    assert page_fetch(url=page_server.url_for("/")).body == OPEN_GRAPH_PAGE


def test_an_xhtml_page_is_read_with_its_quoted_charset(page_server, db):
    page_server.expect_request("/").respond_with_data(
        OPEN_GRAPH_PAGE, content_type='Application/XHTML+XML; Charset="ISO-8859-1"'
    )

    fetched = page_fetch(url=page_server.url_for("/"))

    assert (fetched.content_type, fetched.charset) == ("application/xhtml+xml", "ISO-8859-1")
    assert fetched.body == OPEN_GRAPH_PAGE


@pytest.mark.parametrize("content_type", ["application/pdf", "text/plain; charset=utf-8", None])
def test_a_body_other_than_html_is_not_read(page_server, db, content_type):
    response = Response(b"%PDF-1.7" + b"\0" * MEGABYTE)
    if content_type is None:
        del response.headers["Content-Type"]
    else:
        response.headers["Content-Type"] = content_type
    page_server.expect_request("/file").respond_with_response(response)

    fetched = page_fetch(url=page_server.url_for("/file"))

    assert fetched.status == 200
    assert fetched.content_type == ("" if content_type is None else content_type.split(";")[0])
    assert (fetched.body, fetched.truncated) == (b"", False)


@pytest.mark.parametrize("status", [404, 410])
def test_a_page_that_is_gone_is_a_result_not_an_error(page_server, db, status):
    page_server.expect_request("/old").respond_with_data(
        b"<title>Gone</title>", status=status, content_type="text/html"
    )

    fetched = page_fetch(url=page_server.url_for("/old"))

    assert (fetched.status, fetched.body) == (status, b"<title>Gone</title>")


def redirect_chain(server, hops: int) -> str:
    """Serve `hops` redirects, every kind, ending at a page; return the first address."""
    statuses = [301, 302, 303, 307, 308]
    for hop in range(hops):
        server.expect_request(f"/hop/{hop}").respond_with_data(
            b"", status=statuses[hop % len(statuses)], headers={"Location": f"/hop/{hop + 1}"}
        )
    server.expect_request(f"/hop/{hops}").respond_with_data(
        OPEN_GRAPH_PAGE, content_type="text/html"
    )
    return server.url_for("/hop/0")


def test_five_redirects_are_followed_each_recorded_with_its_absolute_location(page_server, db):
    fetched = page_fetch(url=redirect_chain(page_server, 5))

    assert fetched.redirects == (
        (301, page_server.url_for("/hop/1")),
        (302, page_server.url_for("/hop/2")),
        (303, page_server.url_for("/hop/3")),
        (307, page_server.url_for("/hop/4")),
        (308, page_server.url_for("/hop/5")),
    )
    assert (fetched.status, fetched.final_url) == (200, page_server.url_for("/hop/5"))
    assert fetched.body == OPEN_GRAPH_PAGE


def test_a_sixth_redirect_is_refused_and_not_followed(page_server, db):
    with pytest.raises(FetchRefused, match="more than 5 redirects"):
        page_fetch(url=redirect_chain(page_server, 6))

    assert [request.path for request, _ in page_server.log] == [f"/hop/{n}" for n in range(6)]


def test_a_redirect_without_location_is_the_answer(page_server, db):
    page_server.expect_request("/").respond_with_data(b"", status=302)

    fetched = page_fetch(url=page_server.url_for("/"))

    assert (fetched.status, fetched.redirects) == (302, ())


def test_a_redirect_to_another_loopback_port_is_refused_and_never_reached(page_server, db):
    with HTTPServer(host="127.0.0.1", port=0) as other:
        other.expect_request("/").respond_with_data(b"internal", content_type="text/html")
        page_server.expect_request("/go").respond_with_data(
            b"", status=302, headers={"Location": f"http://127.0.0.1:{other.port}/"}
        )

        with pytest.raises(FetchRefused, match="outside the public internet"):
            page_fetch(url=page_server.url_for("/go"))

        assert other.log == []


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "ftp://ftp.example/file",
        "gopher://gopher.example/",
        "http://user:secret@cuisine.example/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_redirect_to_an_address_kwippy_never_fetches_is_refused(page_server, db, location):
    page_server.expect_request("/go").respond_with_data(
        b"", status=301, headers={"Location": location}
    )

    with pytest.raises(FetchRefused):
        page_fetch(url=page_server.url_for("/go"))


@pytest.fixture
def big_pages(settings):
    """The big pages' server (tests/core/big_pages.py), its address and port allowed."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.core.big_pages"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        port = int(server.stdout.readline())
        settings.LINK_FETCH_ALLOWED_NETWORKS = parse_allowed_networks(
            "LINK_FETCH_ALLOWED_NETWORKS", f"127.0.0.1:{port}"
        )
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


def peak_memory_of(function):
    """Return what `function` returned and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_a_50_megabyte_page_is_cut_at_the_cap_without_holding_it_all(big_pages, db):
    fetched, peak = peak_memory_of(lambda: page_fetch(url=f"{big_pages}/big"))

    assert (len(fetched.body), fetched.truncated) == (settings.LINK_FETCH_MAX_BYTES, True)
    assert fetched.body.startswith(b"<p>xxx")
    # Read whole, the page alone would take 50 MB.
    assert peak < 3 * settings.LINK_FETCH_MAX_BYTES


def test_a_gzip_bomb_is_cut_at_the_cap_without_unfolding_it(big_pages, db):
    fetched, peak = peak_memory_of(lambda: page_fetch(url=f"{big_pages}/bomb"))

    assert (len(fetched.body), fetched.truncated) == (settings.LINK_FETCH_MAX_BYTES, True)
    assert fetched.body == b"\0" * settings.LINK_FETCH_MAX_BYTES
    # Unfolded, the bomb would take 50 MB.
    assert peak < 3 * settings.LINK_FETCH_MAX_BYTES


def test_a_body_of_exactly_the_cap_is_whole(page_server, db, settings):
    settings.LINK_FETCH_MAX_BYTES = 1000
    page_server.expect_request("/").respond_with_data(b"x" * 1000, content_type="text/html")

    fetched = page_fetch(url=page_server.url_for("/"))

    assert (len(fetched.body), fetched.truncated) == (1000, False)


def test_a_page_that_drips_forever_fails_at_the_deadline(page_server, db, settings):
    settings.LINK_FETCH_DEADLINE_SECONDS = 1
    dripped = threading.Event()

    def drip():
        yield b"<html><title>Slow"
        for _ in range(100):
            time.sleep(0.1)
            yield b"."
        dripped.set()

    page_server.expect_request("/drip").respond_with_response(
        Response(drip(), content_type="text/html")
    )

    with pytest.raises(FetchFailed, match="deadline"):
        page_fetch(url=page_server.url_for("/drip"))

    assert not dripped.is_set()


def test_a_server_that_never_answers_fails_at_the_deadline(page_server, db, settings):
    settings.LINK_FETCH_DEADLINE_SECONDS = 1
    given_up, answered = threading.Event(), threading.Event()

    def silent(request):
        given_up.wait(30)
        answered.set()
        return Response(b"too late", content_type="text/html")

    page_server.expect_request("/silent").respond_with_handler(silent)
    try:
        with pytest.raises(FetchFailed, match="deadline"):
            page_fetch(url=page_server.url_for("/silent"))
        assert not answered.is_set()
    finally:
        given_up.set()


def test_a_name_resolving_to_a_private_address_is_refused_without_connecting(
    db, monkeypatch, no_connections
):
    monkeypatch.setattr(fetch, "resolve", resolving_to("10.0.0.1"))

    with pytest.raises(FetchRefused, match=r"10\.0\.0\.1"):
        page_fetch(url="http://intranet.example/")

    assert no_connections == []


def test_a_name_with_any_one_address_outside_is_refused(page_server, db, monkeypatch):
    monkeypatch.setattr(fetch, "resolve", resolving_to("127.0.0.1", "10.0.0.1"))
    page_server.expect_request("/").respond_with_data(OPEN_GRAPH_PAGE, content_type="text/html")

    with pytest.raises(FetchRefused):
        page_fetch(url=f"http://mixed.example:{page_server.port}/")

    assert page_server.log == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://0.0.0.0/",
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://[fd00::1]/",
        "http://[2002:a00:1::1]/",
        "http://224.0.0.1/",
    ],
)
def test_an_address_outside_the_public_internet_is_refused_without_connecting(
    db, no_connections, url
):
    with pytest.raises(FetchRefused, match="outside the public internet"):
        page_fetch(url=url)

    assert no_connections == []


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://ftp.example/",
        "http://",
        "http:///path",
        "https://user:secret@cuisine.example/",
        "http://cuisine.example:99999/",
        "http://" + "a" * 300 + ".example/",
    ],
)
def test_an_address_kwippy_never_fetches_is_refused_before_any_lookup(
    db, monkeypatch, no_connections, url
):
    monkeypatch.setattr(fetch, "resolve", resolving_to("93.184.215.14"))

    with pytest.raises(FetchRefused):
        page_fetch(url=url)

    assert fetch.resolve.lookups == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.251",
        "240.0.0.1",
        "192.0.2.1",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "fe80::1",
        "fec0::1",
        "fd12:3456::1",
        "ff02::1",
        "2002:7f00:1::1",
        "2002:a9fe:a9fe::1",
        "64:ff9b::a00:1",
        "2001:db8::1",
    ],
)
def test_addresses_outside_the_public_internet_are_not_allowed(address):
    assert not fetch.address_allowed(address=ip_address(address), port=80)


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700::6810:85e5", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_allowed(address):
    assert fetch.address_allowed(address=ip_address(address), port=443)


def test_an_allowed_network_lets_its_addresses_through_on_its_port_only(settings):
    settings.LINK_FETCH_ALLOWED_NETWORKS = parse_allowed_networks(
        "LINK_FETCH_ALLOWED_NETWORKS", "10.1.0.0/16,127.0.0.1:8080,[fd00::/8]:443"
    )

    assert fetch.address_allowed(address=ip_address("10.1.200.3"), port=5000)
    assert not fetch.address_allowed(address=ip_address("10.2.0.1"), port=5000)
    assert fetch.address_allowed(address=ip_address("127.0.0.1"), port=8080)
    assert fetch.address_allowed(address=ip_address("::ffff:127.0.0.1"), port=8080)
    assert not fetch.address_allowed(address=ip_address("127.0.0.1"), port=8081)
    assert fetch.address_allowed(address=ip_address("fd00::5"), port=443)
    assert not fetch.address_allowed(address=ip_address("fd00::5"), port=80)


def test_dns_rebinding_gains_nothing_the_name_is_looked_up_once(page_server, db, monkeypatch):
    """The checked address is the one connected to, on every hop back to the same host."""
    calls = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])

    def rebinding(host, port):
        rebinding.lookups.append(host)
        return [ip_address(address) for address in next(calls)]

    rebinding.lookups = []
    monkeypatch.setattr(fetch, "resolve", rebinding)
    page_server.expect_request("/").respond_with_data(
        b"", status=302, headers={"Location": "/page"}
    )
    page_server.expect_request("/page").respond_with_data(OPEN_GRAPH_PAGE, content_type="text/html")

    fetched = page_fetch(url=f"http://rebind.example:{page_server.port}/")

    assert fetched.body == OPEN_GRAPH_PAGE
    assert rebinding.lookups == ["rebind.example"]
    assert [request.headers["Host"] for request, _ in page_server.log] == [
        f"rebind.example:{page_server.port}"
    ] * 2


def test_a_429_with_retry_after_keeps_the_next_fetch_from_the_host(page_server, db):
    page_server.expect_request("/").respond_with_data(
        b"slow down", status=429, headers={"Retry-After": "120"}
    )

    fetched = page_fetch(url=page_server.url_for("/"))
    with pytest.raises(HostBusy) as busy:
        page_fetch(url=page_server.url_for("/other"))

    assert (fetched.status, fetched.retry_after) == (429, 120.0)
    assert 0 < busy.value.retry_in <= 120
    assert len(page_server.log) == 1


def test_a_503_with_a_retry_after_date_keeps_the_next_fetch_from_the_host(page_server, db):
    in_an_hour = email.utils.format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    page_server.expect_request("/").respond_with_data(
        b"maintenance", status=503, headers={"Retry-After": in_an_hour}
    )

    fetched = page_fetch(url=page_server.url_for("/"))
    with pytest.raises(HostBusy) as busy:
        page_fetch(url=page_server.url_for("/"))

    assert 0 < fetched.retry_after <= 3600
    assert 0 < busy.value.retry_in <= 3600
    assert len(page_server.log) == 1


def test_requests_to_a_host_are_spaced_by_the_interval(page_server, db, settings):
    settings.LINK_FETCH_HOST_INTERVAL_SECONDS = 60
    page_server.expect_request("/").respond_with_data(OPEN_GRAPH_PAGE, content_type="text/html")

    page_fetch(url=page_server.url_for("/"))
    with pytest.raises(HostBusy) as busy:
        page_fetch(url=page_server.url_for("/"))

    assert 0 < busy.value.retry_in <= 60
    assert len(page_server.log) == 1


def test_redirects_within_one_fetch_are_not_spaced_by_the_interval(page_server, db, settings):
    settings.LINK_FETCH_HOST_INTERVAL_SECONDS = 60

    assert page_fetch(url=redirect_chain(page_server, 3)).status == 200


def test_at_most_two_fetches_of_a_host_run_at_once_across_workers(page_server, transactional_db):
    """Three fetches in three threads, each with its own database connection, as workers have."""
    release = threading.Event()
    outcomes = queue.Queue()

    def slow(request):
        release.wait(10)
        return Response(OPEN_GRAPH_PAGE, content_type="text/html")

    page_server.expect_request("/slow").respond_with_handler(slow)

    def worker():
        try:
            outcomes.put(page_fetch(url=page_server.url_for("/slow")))
        except Exception as error:
            outcomes.put(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    first = outcomes.get(timeout=10)
    release.set()
    for thread in threads:
        thread.join()
    rest = [outcomes.get_nowait(), outcomes.get_nowait()]

    assert isinstance(first, HostBusy)
    assert [type(outcome) for outcome in rest] == [Fetched, Fetched]
    assert len(page_server.log) == 2


def held_advisory_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
        return cursor.fetchone()[0]


def test_a_fetch_gives_its_turn_back_when_it_fails(page_server, db, settings):
    settings.LINK_FETCH_DEADLINE_SECONDS = 1
    stop = threading.Event()
    page_server.expect_request("/silent").respond_with_handler(
        lambda request: stop.wait(10) and Response(b"late")
    )
    try:
        with pytest.raises(FetchFailed):
            page_fetch(url=page_server.url_for("/silent"))
    finally:
        stop.set()

    assert held_advisory_locks() == 0


def test_a_fetch_gives_its_turn_back_when_it_succeeds(page_server, db):
    page_server.expect_request("/").respond_with_data(OPEN_GRAPH_PAGE, content_type="text/html")

    page_fetch(url=page_server.url_for("/"))

    assert held_advisory_locks() == 0


@pytest.fixture
def tls_server(settings, monkeypatch, tmp_path):
    """An https server whose certificate names `pages.example`, from an authority the site trusts.

    Every name resolves to it; its address and port are allowed.
    """
    authority = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("pages.example").configure_cert(context)
    authority.cert_pem.write_to_path(str(tmp_path / "authority.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "authority.pem"))
    monkeypatch.setattr(fetch, "resolve", resolving_to("127.0.0.1"))
    with HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True) as server:
        settings.LINK_FETCH_ALLOWED_NETWORKS = parse_allowed_networks(
            "LINK_FETCH_ALLOWED_NETWORKS", f"127.0.0.1:{server.port}"
        )
        settings.LINK_FETCH_HOST_INTERVAL_SECONDS = 0
        server.expect_request("/").respond_with_data(OPEN_GRAPH_PAGE, content_type="text/html")
        yield server


def test_https_reaches_the_checked_address_under_the_name_its_certificate_gives(tls_server, db):
    fetched = page_fetch(url=f"https://pages.example:{tls_server.port}/")

    assert (fetched.status, fetched.body) == (200, OPEN_GRAPH_PAGE)
    (request, _), *_ = tls_server.log
    assert request.headers["Host"] == f"pages.example:{tls_server.port}"


def test_https_to_a_name_the_certificate_does_not_give_fails(tls_server, db):
    with pytest.raises(FetchFailed, match="ConnectError"):
        page_fetch(url=f"https://other.example:{tls_server.port}/")

    assert tls_server.log == []


def test_https_with_a_certificate_from_an_unknown_authority_fails(tls_server, db, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")

    with pytest.raises(FetchFailed, match="ConnectError"):
        page_fetch(url=f"https://pages.example:{tls_server.port}/")


def refuse_connections(address, *args, **kwargs):
    raise AssertionError(f"the fetcher tried to connect to {address}")


@given(
    url=st.one_of(
        st.text(),
        urls(),
        st.builds(
            "{}://{}{}".format,
            st.sampled_from(["http", "https", "HTTP", "ftp", "file", "javascript", ""]),
            st.text(),
            st.text(),
        ),
    )
)
def test_any_address_gives_a_fetch_or_a_fetch_error_nothing_else(url):
    """Whatever it is given, the fetcher raises only FetchError (every name resolves inside)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fetch, "resolve", resolving_to("10.0.0.1"))
        patch.setattr(socket, "create_connection", refuse_connections)
        with pytest.raises(fetch.FetchError):
            page_fetch(url=url)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("99999999999999999999", 7 * 24 * 60 * 60),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("١٢", None),
        ("", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(header, seconds):
    assert fetch.retry_after_parse(header=header) == seconds


def test_retry_after_as_a_date_to_come_gives_the_seconds_until_it():
    in_an_hour = email.utils.format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)

    assert 3500 < fetch.retry_after_parse(header=in_an_hour) <= 3600


@given(header=st.one_of(st.text(), st.integers().map(str), st.datetimes().map(str)))
def test_any_retry_after_gives_seconds_or_none(header):
    seconds = fetch.retry_after_parse(header=header)

    assert seconds is None or 0 <= seconds <= 7 * 24 * 60 * 60


def test_a_name_with_a_label_too_long_to_look_up_is_refused():
    with pytest.raises(FetchRefused, match="not a host name"):
        fetch.resolve("a" * 64 + ".example", 80)
