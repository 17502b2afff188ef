"""Security headers, cookies, CSRF, escaping and our own error pages."""

import pytest
from django.test import Client

from kwippy.posts import services
from tests.conftest import PASSWORD


def test_pages_send_csp_frame_and_nosniff_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_load_no_script_or_style_from_elsewhere(client, alice):
    page = client.get("/").text
    assert "<script>" not in page
    assert "style=" not in page
    assert "https://" not in page.split("<main")[0]


def test_session_and_csrf_cookies_are_httponly_and_lax(db):
    csrf_client = Client(enforce_csrf_checks=True)
    page = csrf_client.get("/accounts/signup/")
    csrf = page.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"
    assert csrf["httponly"]
    response = csrf_client.post(
        "/accounts/signup/",
        {
            "username": "dora",
            "email": "dora@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "csrfmiddlewaretoken": csrf.value,
        },
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize(
    "path", ["/add/", "/p/1/edit/", "/p/1/delete/", "/u/bob/follow/", "/settings/"]
)
def test_forms_refuse_posts_without_the_csrf_token(alice, bob, path):
    services.post_create(user=alice, url="https://x.example/", title="x")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    response = csrf_client.post(path, {"url": "https://y.example/", "title": "y"})
    assert response.status_code == 403
    assert "That form has expired" in response.text


def test_user_text_is_escaped_everywhere(client, alice):
    services.post_create(
        user=alice,
        url="https://x.example/?q=<script>",
        title="<script>alert(1)</script>",
        description="<img src=x onerror=alert(1)>",
        tags="<b>bold</b>",
    )
    for path in ("/", "/u/alice/", "/t/%3Cb%3Ebold%3C%252Fb%3E/", "/search/?q=alert"):
        page = client.get(path).text
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path
        assert "<b>bold" not in page, path


def test_not_found_page_is_our_own(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Nothing here" in response.text
    assert 'class="site-header"' in response.text


def test_server_error_page_is_our_own(db, settings):
    settings.DEBUG = False
    from django.views.defaults import server_error

    response = server_error(Client().get("/").wsgi_request)
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_every_page_links_its_feeds_for_autodiscovery(client, alice):
    services.post_create(user=alice, url="https://x.example/", title="x", tags="news")
    expected = {
        "/": "/feeds/recent/",
        "/popular/": "/feeds/popular/",
        "/u/alice/": "/feeds/u/alice/",
        "/t/news/": "/feeds/t/news/",
        "/u/alice/t/news/": "/feeds/u/alice/t/news/",
        "/search/?q=x": "/feeds/recent/",
    }
    for path, feed in expected.items():
        page = client.get(path).text
        assert 'type="application/rss+xml" title="' in page, path
        assert f'href="{feed}"' in page, path
        assert f'href="{feed}atom/"' in page, path
