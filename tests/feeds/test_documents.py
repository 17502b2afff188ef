from datetime import timedelta

import pytest
from django.utils import timezone

from kwippy.accounts.services import user_update_profile
from kwippy.feeds.base import DEFAULT_COUNT, MAX_COUNT
from kwippy.posts.models import Link, Post
from kwippy.posts.services import post_create, post_update
from tests.feeds.helpers import (
    PRIVATE_FEEDS,
    PUBLIC_FEEDS,
    as_user,
    parsed,
    site,
    tag_uri,
    titles,
)


def _many_posts(user, n: int) -> None:
    """Save `n` public posts at once, straight into the tables (the feed reads, nothing more)."""
    links = Link.objects.bulk_create(
        Link(url=f"https://example.com/many/{i}", url_hash=f"{i:032d}") for i in range(n)
    )
    Post.objects.bulk_create(
        Post(user=user, link=link, title=f"Post {i}", tags=["many"]) for i, link in enumerate(links)
    )


@pytest.mark.parametrize("path", PUBLIC_FEEDS)
@pytest.mark.parametrize(("suffix", "version"), [("", "rss20"), ("atom/", "atom10")])
def test_every_public_feed_parses_cleanly(client, posts, path, suffix, version):
    result = parsed(client.get(path + suffix))
    assert result.version == version
    assert result.entries
    assert result.feed.title.startswith("kwippy: ")


@pytest.mark.parametrize("path", PRIVATE_FEEDS)
@pytest.mark.parametrize(("suffix", "version"), [("", "rss20"), ("atom/", "atom10")])
def test_every_private_feed_parses_cleanly(client, posts, path, suffix, version):
    result = parsed(client.get(path + suffix, **as_user("alice")))
    assert result.version == version
    assert result.entries


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_an_item_carries_the_link_title_note_tags_person_dates_and_guid(
    client, alice, committed, suffix
):
    with committed():
        post = post_create(
            user=alice,
            url="https://example.com/a?b=1&c=2",
            title='Fish & <chips> "quoted"',
            description="<script>alert(1)</script>\nsecond line",
            tags="food c++",
        )
    (entry,) = parsed(client.get("/feeds/u/alice/" + suffix)).entries
    assert entry.link == "https://example.com/a?b=1&c=2"
    # RSS titles show look-alikes of angle brackets, which no reader takes for a tag.
    shown = "Fish & \u2039chips\u203a" if suffix == "" else "Fish & <chips>"
    assert entry.title == f'{shown} "quoted"'
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry.summary
    assert "<script>" not in entry.summary
    assert f'<a href="{site()}/u/alice/t/c%252B%252B/">c++</a>' in entry.summary
    assert [tag.term for tag in entry.tags] == ["food", "c++"]
    assert entry.author == "Alice Archer"
    assert entry.published_parsed[:6] == post.created.utctimetuple()[:6]
    assert entry.id == tag_uri(f"post:{post.pk}")
    assert entry.guidislink is False


def test_rss_marks_the_guid_as_no_permalink(client, alice):
    post_create(user=alice, url="https://example.com/", title="t")
    assert b'<guid isPermaLink="false">' in client.get("/feeds/u/alice/").content


def test_atom_entries_say_when_they_were_updated(client, alice):
    yesterday = timezone.now() - timedelta(days=1)
    post = post_create(user=alice, url="https://example.com/", title="t", created=yesterday)
    post_update(post=post, title="changed")
    (entry,) = parsed(client.get("/feeds/u/alice/atom/")).entries
    assert entry.updated_parsed[:6] == post.updated.utctimetuple()[:6]
    assert entry.updated_parsed > entry.published_parsed


def test_the_guid_stays_when_the_post_is_edited(client, alice, committed):
    with committed():
        post = post_create(user=alice, url="https://example.com/", title="before", tags="a")
    before = parsed(client.get("/feeds/u/alice/")).entries[0].id
    with committed():
        post_update(post=post, title="after", description="new", tags="b")
    (entry,) = parsed(client.get("/feeds/u/alice/")).entries
    assert entry.title == "after"
    assert entry.id == before


def test_popular_has_one_entry_per_link_whoever_saved_it_last(client, posts, alice, committed):
    with committed():
        post_create(user=alice, url="https://example.com/bob/public", title="Me too")
    result = parsed(client.get("/feeds/popular/"))
    link = posts["bob public"].link
    ids = [entry.id for entry in result.entries]
    assert len(ids) == len(set(ids))
    assert result.entries[0].id == tag_uri(f"link:{link.public_id}")
    assert result.entries[0].link == link.url


def test_feeds_link_their_pages_and_themselves(client, posts):
    result = parsed(client.get("/feeds/u/alice/t/python/atom/"))
    assert result.feed.link == f"{site()}/u/alice/t/python/"
    links = {link.rel: link.href for link in result.feed.links}
    assert links["self"] == f"{site()}/feeds/u/alice/t/python/atom/"
    assert result.feed.title == "kwippy: Alice Archer's bookmarks tagged python"


def test_a_tag_feed_of_two_tags_has_the_posts_with_both(client, posts):
    assert titles(client.get("/feeds/t/python+web/")) == {"Alice's public bookmark"}


def test_tag_feeds_reach_tags_with_escaped_characters(client, alice):
    post_create(user=alice, url="https://example.com/", title="Plus plus", tags="c++")
    assert titles(client.get("/feeds/t/c%252B%252B/")) == {"Plus plus"}


def test_the_person_part_ignores_case(client, posts):
    assert "Alice again" in titles(client.get("/feeds/u/ALICE/"))


def test_the_name_on_posts_follows_a_profile_change(client, alice, committed):
    with committed():
        post_create(user=alice, url="https://example.com/", title="t")
    assert parsed(client.get("/feeds/recent/")).entries[0].author == "Alice Archer"
    with committed():
        user_update_profile(user=alice, display_name="Alice A.", bio="", website="", email="")
    assert parsed(client.get("/feeds/recent/")).entries[0].author == "Alice A."


def test_a_tag_with_a_control_character_has_a_well_formed_feed(client, alice, committed):
    with committed():
        post_create(user=alice, url="https://example.com/", title="t", tags=["bell\x07"])
    for path in ("/feeds/t/bell%07/", "/feeds/u/alice/t/bell%07/atom/"):
        result = parsed(client.get(path))
        assert result.feed.title.endswith("tagged bell")
        assert result.feed.get("id", path).endswith(path)
        assert [entry.title for entry in result.entries] == ["t"]


def test_characters_xml_cannot_carry_are_left_out_instead_of_breaking_the_feed(client, alice):
    post_create(
        user=alice,
        url="https://example.com/",
        title="bell\x07 and \ufffe",
        description="form\x0cfeed",
        tags=["ctl\x01tag"],
    )
    user_update_profile(user=alice, display_name="Al\x1bice", bio="", website="", email="")
    for path in ("/feeds/u/alice/", "/feeds/u/alice/atom/", "/feeds/recent/"):
        (entry,) = parsed(client.get(path)).entries
        assert entry.title == "bell and"
        assert [tag.term for tag in entry.tags] == ["ctltag"]


@pytest.mark.parametrize("path", ["/feeds/recent/", "/feeds/u/alice/atom/", "/feeds/t/many/"])
def test_a_feed_has_50_items_and_count_asks_for_up_to_200(client, alice, path):
    _many_posts(alice, MAX_COUNT + 5)
    assert len(parsed(client.get(path)).entries) == DEFAULT_COUNT
    assert len(parsed(client.get(path, {"count": "7"})).entries) == 7
    assert len(parsed(client.get(path, {"count": "200"})).entries) == MAX_COUNT
    assert len(parsed(client.get(path, {"count": "201"})).entries) == MAX_COUNT
    assert len(parsed(client.get(path, {"count": "9" * 5000})).entries) == MAX_COUNT


def test_count_works_on_private_feeds_and_popular(client, posts):
    assert len(parsed(client.get("/feeds/private/?count=1", **as_user("alice"))).entries) == 1
    assert len(parsed(client.get("/feeds/popular/?count=2")).entries) == 2


@pytest.mark.parametrize(
    "count", ["", "0", "000", "-1", "1.5", "ten", "1e3", "\u0661\u0662", "\uff11\uff12", "5 5"]
)
def test_a_count_that_is_not_a_whole_number_from_1_gets_a_clear_400(client, posts, count):
    response = client.get("/feeds/recent/", {"count": count})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"count must be a whole number from 1 to 200" in response.content


def test_a_private_feed_checks_credentials_before_count(client, posts):
    assert client.get("/feeds/private/?count=zero").status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/u/nobody/",
        "/feeds/u/nobody/atom/",
        "/feeds/u/nobody/t/python/",
        "/feeds/t/+/",
        "/feeds/u/alice/t/+/",
        "/feeds/t/" + "x" * 300 + "/",
        "/feeds/recent/extra/",
    ],
)
def test_unknown_people_and_empty_tags_are_404(client, posts, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/feeds/u/%00/", "/feeds/t/%00/", "/feeds/u/alice/t/a%00b/"])
def test_a_nul_in_a_feed_address_is_a_bad_request(client, posts, path):
    assert client.get(path).status_code == 400


def test_an_inactive_persons_feed_is_gone(client, posts, alice):
    alice.is_active = False
    alice.save()
    assert client.get("/feeds/u/alice/").status_code == 404


def test_an_empty_feed_is_still_a_valid_feed(client, alice):
    for suffix in ("", "atom/"):
        assert parsed(client.get("/feeds/u/alice/" + suffix)).entries == []
        assert parsed(client.get("/feeds/toread/" + suffix, **as_user("alice"))).entries == []


def test_head_is_answered_and_other_methods_are_refused(client, posts):
    assert client.head("/feeds/recent/").status_code == 200
    response = client.post("/feeds/recent/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_the_content_types_are_rss_and_atom(client, posts):
    assert client.get("/feeds/recent/")["Content-Type"] == "application/rss+xml; charset=utf-8"
    atom = client.get("/feeds/recent/atom/")["Content-Type"]
    assert atom == "application/atom+xml; charset=utf-8"


def test_each_atom_feed_is_identified_by_its_own_address(client, posts):
    ids = {
        path: parsed(client.get(path, **as_user("alice"))).feed.id
        for path in ("/feeds/u/alice/atom/", "/feeds/private/atom/", "/feeds/toread/atom/")
    }
    assert ids == {path: site() + path for path in ids}


def _self_and_id(response) -> tuple[str, str]:
    result = parsed(response)
    links = {link.rel: link.href for link in result.feed.links}
    return links["self"], result.feed.get("id", links["self"])


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/t/c%252B%252B/",
        "/feeds/t/c%252B%252B/atom/",
        "/feeds/u/alice/t/c%252B%252B+food/atom/",
        "/feeds/private/t/c%252B%252B/atom/",
        "/feeds/t/caf%C3%A9/atom/",
    ],
)
def test_a_tag_feed_names_itself_by_the_exact_address_it_was_fetched_at(client, alice, path):
    post_create(user=alice, url="https://example.com/", title="Plus plus", tags="c++ food café")
    post_create(user=alice, url="https://example.com/c", title="Only c", tags="c food café")
    response = client.get(path, **as_user("alice"))
    self_link, feed_id = _self_and_id(response)
    assert self_link == feed_id == site() + path
    # Fetching the self link gives the same feed, not the one of another tag.
    again = client.get(self_link.removeprefix(site()), **as_user("alice"))
    assert titles(again) == titles(response)


def test_a_self_link_keeps_the_count_that_makes_the_document(client, posts):
    self_link, feed_id = _self_and_id(client.get("/feeds/recent/atom/?count=2"))
    assert self_link == f"{site()}/feeds/recent/atom/?count=2"
    assert feed_id == f"{site()}/feeds/recent/atom/"


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_ids_and_links_do_not_change_with_the_host_a_reader_used(client, posts, suffix):
    path = "/feeds/u/alice/t/python/" + suffix
    by_name = client.get(path, HTTP_HOST="localhost")
    by_address = client.get(path, HTTP_HOST="127.0.0.1")
    assert by_name.content == by_address.content
    assert by_name["ETag"] == by_address["ETag"]
    assert b"localhost" not in by_name.content


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_feeds_name_the_site_by_its_configured_address(client, posts, settings, suffix):
    settings.SITE_URL = "https://bookmarks.example/kw"
    result = parsed(client.get("/feeds/u/alice/" + suffix))
    assert result.feed.link == "https://bookmarks.example/kw/u/alice/"
    links = {link.rel: link.href for link in result.feed.links}
    assert links["self"] == "https://bookmarks.example/kw/feeds/u/alice/" + suffix
    entry = next(e for e in result.entries if e.title == "Alice's public bookmark")
    assert entry.id == f"tag:bookmarks.example,2008:post:{posts['alice public'].pk}"
    assert 'href="https://bookmarks.example/kw/u/alice/t/web/"' in entry.summary
    assert b"testserver" not in client.get("/feeds/u/alice/" + suffix).content
