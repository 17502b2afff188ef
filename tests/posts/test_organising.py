"""Organising one's own bookmarks: the reading list, mark read, the filters of one's own lists."""

import pytest

from kwippy.posts import services
from kwippy.posts.models import Link, Post
from kwippy.posts.tags import TooManyTags
from tests.posts.helpers import tag_counts_recounted, tag_counts_stored


def _save(user, url, title="A page", **extra):
    return services.post_create(user=user, url=url, title=title, **extra)


@pytest.fixture
def reading(alice):
    """Alice's bookmarks: one public to read, one private to read, one read, one untagged."""
    return {
        "public": _save(alice, "https://later.example/", "Read later", tags="news", to_read=True),
        "private": _save(
            alice,
            "https://secret.example/",
            "Secret later",
            tags="x",
            to_read=True,
            is_private=True,
        ),
        "read": _save(alice, "https://done.example/", "Already read", tags="done"),
        "untagged": _save(alice, "https://bare.example/", "No tags at all"),
    }


def test_the_reading_list_shows_the_owner_their_posts_to_read(client, alice, reading):
    client.force_login(alice)
    page = client.get("/u/alice/toread/").text
    assert "Read later" in page
    assert "Secret later" in page
    assert "Already read" not in page
    assert "No tags at all" not in page


@pytest.mark.parametrize("who", [None, "bob"])
def test_the_reading_list_is_not_found_for_anyone_else(client, alice, bob, reading, who):
    if who:
        client.force_login(bob)
    assert client.get("/u/alice/toread/").status_code == 404


def test_visitors_never_see_the_to_read_badge_or_button(client, alice, bob, reading):
    for viewer in (None, bob):
        if viewer:
            client.force_login(viewer)
        for address in ("/u/alice/", "/t/news/", "/", "/search/?q=later"):
            page = client.get(address).text
            assert "to read</span>" not in page, address
            assert "Mark read" not in page, address
    client.force_login(alice)
    page = client.get("/u/alice/").text
    assert "to read</span>" in page
    assert "Mark read" in page


def test_mark_read_takes_the_post_off_the_list_and_returns_to_it(client, alice, reading):
    client.force_login(alice)
    post = reading["public"]
    back = "/u/alice/toread/?sort=oldest"
    response = client.post(f"/p/{post.pk}/read/", {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    post.refresh_from_db()
    assert not post.to_read
    assert "https://later.example/" not in client.get("/u/alice/toread/").text


def test_mark_read_refuses_a_get_and_someone_elses_post(client, alice, bob, reading):
    post = reading["public"]
    client.force_login(bob)
    assert client.post(f"/p/{post.pk}/read/").status_code == 404
    client.force_login(alice)
    assert client.get(f"/p/{post.pk}/read/").status_code == 405
    post.refresh_from_db()
    assert post.to_read


def test_mark_read_needs_the_csrf_token(alice, reading):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/p/{reading['public'].pk}/read/").status_code == 403
    assert Post.objects.get(pk=reading["public"].pk).to_read


@pytest.mark.parametrize(
    ("only", "shown"),
    [
        ("toread", {"Read later", "Secret later"}),
        ("untagged", {"No tags at all"}),
        ("private", {"Secret later"}),
        ("", {"Read later", "Secret later", "Already read", "No tags at all"}),
    ],
)
def test_the_owner_filters_their_own_list(client, alice, reading, only, shown):
    client.force_login(alice)
    page = client.get("/u/alice/", {"filter": only}).text
    titles = {"Read later", "Secret later", "Already read", "No tags at all"}
    assert {title for title in titles if title in page} == shown


def test_a_filter_is_ignored_on_someone_elses_list(client, alice, bob, reading):
    client.force_login(bob)
    page = client.get("/u/alice/", {"filter": "toread"}).text
    assert "Already read" in page
    assert "Secret later" not in page
    assert 'aria-label="Show only"' not in page


# Tag management ---------------------------------------------------------------------------------


@pytest.fixture
def tagged(alice, bob):
    _save(alice, "https://one.example/", "One", tags="js web")
    _save(alice, "https://two.example/", "Two", tags="javascript web")
    _save(alice, "https://three.example/", "Three", tags="js javascript", is_private=True)
    _save(bob, "https://bob.example/", "Bob's", tags="js")


def _tags_of(user):
    return {post.title: sorted(post.tags) for post in Post.objects.filter(user=user)}


def test_the_all_tags_page_offers_management_to_its_owner_only(client, alice, bob, tagged):
    client.force_login(bob)
    assert "Rename or delete" not in client.get("/u/alice/tags/").text
    client.force_login(alice)
    assert 'href="/settings/tags/?tag=js"' in client.get("/u/alice/tags/").text


def test_tag_management_without_a_tag_leads_to_ones_all_tags_page(client, alice, tagged):
    client.force_login(alice)
    assert client.get("/settings/tags/").url == "/u/alice/tags/"
    assert client.get("/settings/tags/", {"tag": "no-such-tag"}).status_code == 404


def test_renaming_asks_first_with_the_count_then_renames(client, alice, tagged):
    client.force_login(alice)
    page = client.get("/settings/tags/", {"tag": "web"}).text
    assert "On 2 of your bookmarks" in page
    asked = client.post("/settings/tags/?tag=web", {"do": "rename", "new": "Internet"})
    assert asked.status_code == 200
    assert "Rename “web” to “internet”?" in asked.text
    assert _tags_of(alice)["One"] == ["js", "web"]
    done = client.post(
        "/settings/tags/?tag=web", {"do": "rename", "new": "internet", "confirm": "1"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/u/alice/tags/"
    assert _tags_of(alice)["One"] == ["internet", "js"]
    assert "Renamed “web” into “internet” on 2 bookmarks." in client.get("/u/alice/tags/").text


def test_renaming_onto_a_tag_in_use_merges_them(client, alice, bob, tagged):
    client.force_login(alice)
    asked = client.post("/settings/tags/?tag=js", {"do": "rename", "new": "javascript"}).text
    assert "Merge “js” into “javascript”?" in asked
    assert "on 2 bookmarks: the two become one tag" in asked
    client.post("/settings/tags/?tag=js", {"do": "rename", "new": "javascript", "confirm": "1"})
    assert _tags_of(alice) == {
        "One": ["javascript", "web"],
        "Two": ["javascript", "web"],
        "Three": ["javascript"],
    }
    assert _tags_of(bob) == {"Bob's": ["js"]}


def test_a_new_name_must_be_one_other_tag(client, alice, tagged):
    client.force_login(alice)
    for new in ("two words", "web", ""):
        response = client.post("/settings/tags/?tag=web", {"do": "rename", "new": new})
        assert response.status_code == 422, new
    assert _tags_of(alice)["One"] == ["js", "web"]


def test_deleting_asks_first_then_takes_the_tag_off_every_post(client, alice, bob, tagged):
    client.force_login(alice)
    asked = client.post("/settings/tags/?tag=js", {"do": "delete"})
    assert "comes off 2 bookmarks" in asked.text
    assert _tags_of(alice)["One"] == ["js", "web"]
    client.post("/settings/tags/?tag=js", {"do": "delete", "confirm": "1"})
    assert _tags_of(alice) == {
        "One": ["web"],
        "Two": ["javascript", "web"],
        "Three": ["javascript"],
    }
    assert _tags_of(bob) == {"Bob's": ["js"]}
    assert client.get("/settings/tags/", {"tag": "js"}).status_code == 404


def test_tag_management_is_for_ones_own_tags_and_needs_csrf(client, alice, bob, charlie, tagged):
    from django.test import Client

    client.force_login(charlie)
    assert client.get("/settings/tags/", {"tag": "js"}).status_code == 404
    response = client.post("/settings/tags/?tag=js", {"do": "delete", "confirm": "1"})
    assert response.status_code == 404
    assert _tags_of(bob) == {"Bob's": ["js"]}
    assert Client().get("/settings/tags/?tag=js").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert (
        strict.post("/settings/tags/?tag=js", {"do": "delete", "confirm": "1"}).status_code == 403
    )
    assert "js" in _tags_of(alice)["One"]


# Bulk edit --------------------------------------------------------------------------------------


@pytest.fixture
def three(alice):
    return [
        _save(alice, f"https://{n}.example/", f"Post {n}", tags="old keep") for n in ("a", "b", "c")
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"add_tags": "new old"}, {"tags": ["old", "keep", "new"]}),
        ({"remove_tags": ["old"]}, {"tags": ["keep"]}),
        ({"is_private": True}, {"is_private": True}),
        ({"to_read": True}, {"to_read": True}),
    ],
)
def test_bulk_edit_changes_only_the_given_posts_and_keeps_counts(alice, three, change, expected):
    changed = services.posts_bulk_edit(user=alice, post_ids=[three[0].pk, three[1].pk], **change)
    assert changed == 2
    for post in three:
        post.refresh_from_db()
    for name, value in expected.items():
        assert [getattr(post, name) for post in three[:2]] == [value, value]
        assert getattr(three[2], name) != value
    assert tag_counts_stored(alice) == tag_counts_recounted(alice)
    assert Link.objects.get(url="https://a.example/").public_saves == (
        0 if "is_private" in change else 1
    )


def test_bulk_delete_deletes_and_brings_counts_down(alice, three):
    services.posts_bulk_edit(user=alice, post_ids=[three[0].pk], delete=True)
    assert Post.objects.filter(user=alice).count() == 2
    assert (
        tag_counts_stored(alice) == tag_counts_recounted(alice) == {"old": (2, 2), "keep": (2, 2)}
    )
    assert Link.objects.get(url="https://a.example/").public_saves == 0


def test_bulk_edit_ignores_other_peoples_posts(alice, bob, three):
    theirs = _save(bob, "https://bob.example/", "Bob's", tags="old")
    changed = services.posts_bulk_edit(user=alice, post_ids=[theirs.pk, three[0].pk], delete=True)
    assert changed == 1
    assert Post.objects.filter(pk=theirs.pk).exists()


def test_bulk_edit_stamps_the_feeds_once(alice, three, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.posts_bulk_edit(user=alice, post_ids=[post.pk for post in three], to_read=True)
    assert len(callbacks) == 1


def test_bulk_edit_is_one_transaction(alice, three):
    crowded = _save(alice, "https://d.example/", "Crowded", tags=[f"t{n}" for n in range(100)])
    with pytest.raises(TooManyTags):
        services.posts_bulk_edit(user=alice, post_ids=[three[0].pk, crowded.pk], add_tags="more")
    three[0].refresh_from_db()
    assert three[0].tags == ["old", "keep"]


def test_the_owners_list_has_checkboxes_and_select_all_without_javascript(
    client, alice, bob, three
):
    client.force_login(alice)
    page = client.get("/u/alice/").text
    assert page.count('name="posts"') == 3
    assert "checked" not in page
    assert 'href="/u/alice/?select=all"' in page
    assert client.get("/u/alice/?select=all").text.count(" checked>") == 3
    client.force_login(bob)
    page = client.get("/u/alice/?select=all").text
    assert 'name="posts"' not in page
    assert "bulk-edit" not in page


def test_a_bulk_change_asks_first_then_applies_and_returns(client, alice, three):
    client.force_login(alice)
    ids = [three[0].pk, three[2].pk]
    form = {"posts": ids, "action": "add_tags", "tags": "fresh", "next": "/u/alice/?sort=oldest"}
    asked = client.post("/p/bulk/", form)
    assert asked.status_code == 200
    assert "Add tags “fresh”: 2 bookmarks?" in asked.text
    assert "Post a" in asked.text
    assert "Post b" not in asked.text
    assert not Post.objects.filter(tags__contains=["fresh"]).exists()
    done = client.post("/p/bulk/", {**form, "confirm": "1"})
    assert done["Location"] == "/u/alice/?sort=oldest"
    assert set(Post.objects.filter(tags__contains=["fresh"]).values_list("pk", flat=True)) == set(
        ids
    )


def test_a_bulk_change_refuses_someone_elses_post_and_needs_csrf(client, alice, bob, three):
    from django.test import Client

    theirs = _save(bob, "https://bob.example/", "Bob's")
    client.force_login(alice)
    form = {"posts": [theirs.pk, three[0].pk], "action": "delete", "confirm": "1"}
    assert client.post("/p/bulk/", form).status_code == 422
    assert Post.objects.filter(pk=theirs.pk).exists()
    assert Post.objects.filter(pk=three[0].pk).exists()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert (
        strict.post(
            "/p/bulk/", {"posts": [three[0].pk], "action": "delete", "confirm": "1"}
        ).status_code
        == 403
    )
    assert Client().post("/p/bulk/", form).status_code == 302
    assert Post.objects.filter(user=alice).count() == 3


def test_a_bulk_tag_change_needs_tags(client, alice, three):
    client.force_login(alice)
    response = client.post("/p/bulk/", {"posts": [three[0].pk], "action": "add_tags", "tags": ""})
    assert response.status_code == 422
    assert "Name the tags to add or remove." in response.text


# Moving a bookmark to a new address -------------------------------------------------------------


def _edit(client, post, **fields):
    data = {"url": post.link.url, "title": post.title, "tags": " ".join(post.tags), **fields}
    return client.post(f"/p/{post.pk}/edit/", data)


def test_the_edit_page_moves_a_bookmark_to_a_normalised_new_address(client, alice, bob):
    post = _save(alice, "https://old.example/page", "Moved page", tags="keep")
    _save(bob, "https://old.example/page", "Bob's")
    client.force_login(alice)
    assert 'value="https://old.example/page"' in client.get(f"/p/{post.pk}/edit/").text
    assert _edit(client, post, url="HTTPS://New.Example/page").status_code == 302
    post.refresh_from_db()
    assert post.link.url == "https://new.example/page"
    assert (post.title, post.tags) == ("Moved page", ["keep"])
    assert Link.objects.get(url="https://old.example/page").public_saves == 1
    assert Link.objects.get(url="https://new.example/page").public_saves == 1


def test_a_new_address_gets_the_checks_of_adding(client, alice):
    post = _save(alice, "https://old.example/", "Page")
    client.force_login(alice)
    response = _edit(client, post, url="javascript:alert(1)")
    assert response.status_code == 422
    assert "Only http and https links can be saved." in response.text
    post.refresh_from_db()
    assert post.link.url == "https://old.example/"


def test_moving_onto_an_address_saved_in_another_bookmark_is_refused(client, alice):
    post = _save(alice, "https://old.example/", "Moving", tags="a")
    other = _save(alice, "https://taken.example/", "Already there", tags="b")
    client.force_login(alice)
    response = _edit(client, post, url="https://taken.example", tags="changed")
    assert response.status_code == 422
    assert "You have saved this address in another bookmark." in response.text
    assert f'href="/p/{other.pk}/edit/"' in response.text
    post.refresh_from_db()
    assert (post.link.url, post.tags) == ("https://old.example/", ["a"])
    assert tag_counts_stored(alice) == tag_counts_recounted(alice)


# Tag suggestions --------------------------------------------------------------------------------


def _suggested(page: str) -> list[str]:
    import json
    import re

    found = re.search(r'<script id="tag-suggestions" type="application/json">(.*?)</script>', page)
    return json.loads(found[1])


def test_the_forms_offer_own_tags_by_use_then_the_links_popular_tags(client, alice, bob, charlie):
    _save(alice, "https://1.example/", tags="rare often")
    _save(alice, "https://2.example/", tags="often")
    _save(bob, "https://page.example/", tags="linked often")
    _save(charlie, "https://page.example/", tags="linked other")
    _save(charlie, "https://secret.example/", tags="hidden", is_private=True)
    client.force_login(alice)
    add = client.get("/add/", {"url": "https://page.example/"}).text
    assert 'data-suggest="tag-suggestions"' in add
    assert _suggested(add) == ["often", "rare", "linked", "other"]
    assert _suggested(client.get("/add/").text) == ["often", "rare"]
    post = _save(alice, "https://page.example/", tags="mine")
    edit = client.get(f"/p/{post.pk}/edit/").text
    assert _suggested(edit) == ["often", "mine", "rare", "linked", "other"]


def test_suggestions_never_carry_private_tags_of_others(client, alice, bob):
    _save(bob, "https://page.example/", tags="bobs-secret", is_private=True)
    client.force_login(alice)
    assert _suggested(client.get("/add/", {"url": "https://page.example/"}).text) == []
