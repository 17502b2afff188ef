import re
from html import unescape

import pytest

from tests.feeds.helpers import parsed, site

_ALTERNATE = re.compile(
    r'<link rel="alternate" type="application/(rss|atom)\+xml"[^>]*href="([^"]+)"'
)


def _feed_links(page: str) -> list[tuple[str, str]]:
    return [(kind, unescape(href)) for kind, href in _ALTERNATE.findall(page)]


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/popular/",
        "/t/python/",
        "/t/python+web/",
        "/u/alice/",
        "/u/alice/t/python/",
        "/search/?q=a",
    ],
)
def test_every_feed_a_page_links_for_autodiscovery_exists(client, posts, alice, signed_in, page):
    if signed_in:
        client.force_login(alice)
    links = _feed_links(client.get(page).text)
    assert links
    for kind, href in links:
        result = parsed(client.get(href))
        assert result.version == ("rss20" if kind == "rss" else "atom10")


def test_a_tag_page_links_its_tag_feeds(client, posts):
    links = dict(_feed_links(client.get("/t/python+web/").text))
    assert links == {"rss": "/feeds/t/python+web/", "atom": "/feeds/t/python+web/atom/"}


def test_the_settings_page_lists_the_private_feeds_and_how_to_subscribe(client, alice):
    client.force_login(alice)
    page = client.get("/settings/").text
    for path in ("/feeds/private/", "/feeds/private/t/TAG/", "/feeds/network/", "/feeds/toread/"):
        assert f"<code>{site()}{path}</code>" in page
        assert f"<code>{site()}{path}atom/</code>" in page
    for path in ("/feeds/u/alice/", "/feeds/recent/", "/feeds/t/TAG/", "/feeds/popular/"):
        assert f"<code>{site()}{path}</code>" in page
    assert "<code>alice</code> or your email address, <code>alice@example.com</code>" in page
    assert 'an <a href="/settings/app-passwords/">app password</a>' in page
    assert site().replace("://", "://alice:APP-PASSWORD@") + "/feeds/private/" in page
