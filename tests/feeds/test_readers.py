"""What feed readers make of kwippy's feeds: two parsers, and the formats' schemas."""

from pathlib import Path

import fastfeedparser
import feedparser
import pytest
from lxml import etree

from kwippy.accounts.services import user_update_profile
from kwippy.posts.services import post_create
from tests.feeds.helpers import PRIVATE_FEEDS, PUBLIC_FEEDS, as_user, parsed

SCHEMAS = Path(__file__).parent / "schemas"
ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP_TITLES = [
    "T <img src=x onerror=alert(1)></img>",
    "<b>bold</b> &amp; &#60;script&#62;",
    "Fish & chips <3",
]


def _schema(name: str) -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(SCHEMAS / name))


def _titles(content: bytes) -> list[str]:
    """Return the title each parser reads from a one-item feed: feedparser's, fastfeedparser's."""
    (by_feedparser,) = feedparser.parse(content).entries
    (by_fastfeedparser,) = fastfeedparser.parse(content).entries
    return [by_feedparser.title, by_fastfeedparser.title]


def _unplain(title: str) -> str:
    """Return an RSS title with the look-alikes kwippy writes turned back into ASCII."""
    return title.replace("\u2039", "<").replace("\u203a", ">").replace("\uff06", "&")


@pytest.mark.parametrize("title", MARKUP_TITLES)
def test_rss_titles_are_plain_text_that_no_reader_takes_for_markup(client, alice, title):
    post_create(user=alice, url="https://example.com/", title=title)
    content = client.get("/feeds/u/alice/").content
    (entry,) = feedparser.parse(content).entries
    # feedparser guesses whether an RSS title is HTML; it must find nothing to guess about.
    assert entry.title_detail.type == "text/plain"
    by_feedparser, by_fastfeedparser = _titles(content)
    assert by_feedparser == by_fastfeedparser
    assert "<" not in by_feedparser
    assert _unplain(by_feedparser) == title


def test_an_rss_channel_title_with_markup_is_plain_text_too(client, alice):
    post_create(user=alice, url="https://example.com/", title="t", tags=["<b>x</b>"])
    result = feedparser.parse(client.get("/feeds/t/%3Cb%3Ex%3C%252Fb%3E/").content)
    assert result.feed.title_detail.type == "text/plain"
    assert result.feed.title.endswith("tagged \u2039b\u203ax\u2039/b\u203a")


@pytest.mark.parametrize("title", MARKUP_TITLES)
def test_atom_titles_are_the_exact_text_in_every_reader(client, alice, title):
    post_create(user=alice, url="https://example.com/", title=title)
    content = client.get("/feeds/u/alice/atom/").content
    (entry,) = feedparser.parse(content).entries
    assert entry.title_detail.type == "text/plain"
    assert _titles(content) == [title, title]


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_an_item_with_neither_note_nor_tags_has_no_summary(client, alice, suffix):
    post_create(user=alice, url="https://example.com/bare", title="Bare")
    post_create(user=alice, url="https://example.com/noted", title="Noted", description="n")
    tree = etree.fromstring(client.get("/feeds/u/alice/" + suffix).content)
    summaries = {
        item.findtext("title", item.findtext(f"{ATOM}title")): item.findtext(
            "description", item.findtext(f"{ATOM}summary")
        )
        for item in tree.findall("channel/item") + tree.findall(f"{ATOM}entry")
    }
    assert summaries == {"Bare": None, "Noted": "<p>n</p>"}


@pytest.fixture
def varied_posts(posts, alice, committed):
    """The shared posts, plus one with nothing but a URL and one with every field at its most."""
    with committed():
        post_create(user=alice, url="https://example.com/bare", title="Bare")
        post_create(
            user=alice,
            url="https://example.com/full?a=1&b=<2>#frag",
            title=MARKUP_TITLES[0],
            description="<p>note</p> & more\n\nsecond paragraph ]]> end",
            tags=["python", "c++", "<b>", "café", "a/b"],
        )
        user_update_profile(user=alice, display_name="Al <i>ice</i>", bio="", website="", email="")
    return posts


@pytest.mark.parametrize(
    ("path", "private"), [(p, False) for p in PUBLIC_FEEDS] + [(p, True) for p in PRIVATE_FEEDS]
)
def test_every_feed_is_valid_rss_2_0_and_atom_1_0(client, varied_posts, path, private):
    extra = as_user("alice") if private else {}
    for suffix, schema_name in (("", "rss.rng"), ("atom/", "atom.rng")):
        response = client.get(path + suffix, **extra)
        parsed(response)
        tree = etree.fromstring(response.content)
        schema = _schema(schema_name)
        assert schema.validate(tree), schema.error_log
        # What the W3C validator warns about: an empty summary, an item saying nothing.
        for element in tree.iter("description", f"{ATOM}summary"):
            assert element.text
        for item in tree.iter("item"):
            assert item.find("title") is not None or item.find("description") is not None


def test_the_schemas_refuse_what_rfc_4287_and_rss_2_0_forbid():
    atom = _schema("atom.rng")
    updated = "<updated>2024-01-01T00:00:00Z</updated>"
    with_id = f'<feed xmlns="{ATOM[1:-1]}"><id>urn:x:1</id><title>t</title>{updated}</feed>'
    assert atom.validate(etree.fromstring(with_id))
    assert not atom.validate(etree.fromstring(with_id.replace("<id>urn:x:1</id>", "")))
    rss = _schema("rss.rng")
    channel = "<title>t</title><link>https://example.com/</link><description>d</description>"
    with_link = f'<rss version="2.0"><channel>{channel}</channel></rss>'
    assert rss.validate(etree.fromstring(with_link))
    no_link = with_link.replace("<link>https://example.com/</link>", "")
    assert not rss.validate(etree.fromstring(no_link))
