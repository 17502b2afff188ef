"""The post pages: lists, the add page (the bookmarklet's target), edit and delete."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kwippy.posts import services
from kwippy.posts.models import Link, Post, UserTag, url_hash
from kwippy.posts.tagpaths import MAX_TAGS_IN_PATH


def _save(user, url, title="A page", **extra):
    return services.post_create(user=user, url=url, title=title, **extra)


def test_anonymous_home_lists_recent_public_posts_newest_first(client, alice, bob):
    _save(alice, "https://one.example/", "First")
    _save(bob, "https://two.example/", "Second")
    page = client.get("/").text
    assert page.index("Second") < page.index("First")


def test_signed_in_home_is_own_and_followed_posts(client, alice, bob, charlie):
    from kwippy.accounts.services import follow_create

    follow_create(follower=alice, followee=bob)
    _save(bob, "https://bob.example/", "From Bob")
    _save(charlie, "https://charlie.example/", "From Charlie")
    _save(alice, "https://alice.example/", "From Alice")
    client.force_login(alice)
    page = client.get("/").text
    assert "From Bob" in page
    assert "From Alice" in page
    assert "From Charlie" not in page


def test_each_post_shows_tags_age_saver_and_others_count(client, alice, bob, charlie):
    _save(bob, "https://x.example/", tags="one")
    _save(charlie, "https://x.example/", tags="two")
    _save(alice, "https://x.example/", "Alice's save", tags="python web")
    page = client.get("/u/alice/").text
    assert 'href="/u/alice/t/python/"' in page
    assert "Alice Archer" in page
    assert "just now</time>" in page
    assert "2 others saved this" in page


def test_tag_page_with_plus_shows_posts_with_both_tags(client, alice):
    _save(alice, "https://both.example/", "Both tags", tags="python django")
    _save(alice, "https://one.example/", "Only python", tags="python")
    page = client.get("/t/python+django/").text
    assert "Both tags" in page
    assert "Only python" not in page
    assert "Only python" in client.get("/t/python/").text


def test_tag_with_a_plus_or_slash_is_reached_percent_encoded(client, alice):
    _save(alice, "https://cpp.example/", "C plus plus", tags=["c++", "a/b"])
    _save(alice, "https://c.example/", "Just C", tags=["c"])
    profile = client.get("/u/alice/").text
    assert 'href="/t/c%252B%252B/"' in profile or 'href="/u/alice/t/c%252B%252B/"' in profile
    cpp = client.get("/t/c%252B%252B/").text
    assert "C plus plus" in cpp
    assert "Just C" not in cpp
    assert "C plus plus" in client.get("/t/a%252Fb/").text
    # A bare "+" separates tags: /t/c++/ is the tag "c".
    assert "Just C" in client.get("/t/c++/").text


@pytest.mark.parametrize("page", ["/t/{}/", "/u/alice/t/{}/"])
def test_a_tag_path_names_only_its_first_tags_up_to_the_limit(client, alice, page):
    asked = [f"tag-{n:02}" for n in range(MAX_TAGS_IN_PATH + 1)]
    _save(alice, "https://first.example/", "The first tags", tags=asked[:MAX_TAGS_IN_PATH])
    _save(alice, "https://all.example/", "All the tags", tags=asked)
    _save(alice, "https://fewer.example/", "One tag short", tags=asked[: MAX_TAGS_IN_PATH - 1])
    response = client.get(page.format("+".join(asked)))
    assert response.status_code == 200
    assert "The first tags" in response.text
    assert "All the tags" in response.text
    assert "One tag short" not in response.text


def test_tag_page_without_tags_is_not_found(client, db):
    assert client.get("/t/+/").status_code == 404


def test_url_page_lists_everyone_and_offers_save_this_too(client, alice, bob):
    _save(alice, "https://x.example/", "Alice's title")
    _save(bob, "https://x.example/", "Bob's title")
    link = Link.objects.get()
    client.force_login(_charlie := type(alice).objects.create_user("carol", password="x" * 12))
    page = client.get(f"/url/{link.public_id}/").text
    assert "Alice Archer" in page
    assert "Bob Baker" in page
    assert "Save this too" in page
    assert "/add/?url=https%3A%2F%2Fx.example%2F" in page


def test_unknown_url_page_is_not_found(client, db):
    assert client.get("/url/999999/").status_code == 404


def test_add_page_asks_visitors_to_sign_in_and_comes_back(client, db):
    response = client.get("/add/", {"url": "https://x.example/", "title": "X"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/add/")


def test_bookmarklet_address_prefills_the_form(client, alice):
    client.force_login(alice)
    page = client.get(
        "/add/",
        {"url": "https://x.example/a", "title": "A <title>", "description": "chosen", "popup": "1"},
    ).text
    assert 'value="https://x.example/a"' in page
    assert 'value="A &lt;title&gt;"' in page
    assert "chosen</textarea>" in page
    assert 'class="site-header"' not in page  # the pop-up has no navigation


def test_saving_from_the_popup_shows_a_page_that_closes_itself(client, alice):
    client.force_login(alice)
    response = client.post(
        "/add/?popup=1",
        {"url": "HTTPS://X.example:443/a#frag", "title": "X", "tags": "News, Python", "popup": "1"},
    )
    assert response.status_code == 200
    assert "data-close-window" in response.text
    post = Post.objects.get()
    assert post.link.url == "https://x.example/a#frag"
    assert post.tags == ["news", "python"]


def test_the_popup_on_a_page_saved_already_shows_that_bookmark_to_change(client, alice):
    saved = _save(
        alice, "https://x.example/a", "Kept <title>", description="My note", tags="one two"
    )
    client.force_login(alice)
    # Another spelling of the same address, and the page's own title and selection.
    page = client.get(
        "/add/",
        {"url": "HTTPS://X.example/a", "title": "Page title", "description": "new", "popup": "1"},
    ).text
    assert "<h1>Saved already</h1>" in page
    assert f'action="/p/{saved.pk}/edit/?popup=1"' in page
    assert 'value="Kept &lt;title&gt;"' in page
    assert "My note</textarea>" in page
    assert 'value="one two"' in page
    assert 'type="hidden" name="url" value="https://x.example/a"' in page
    assert "Page title" not in page


def test_saving_changes_in_the_popup_updates_the_bookmark_and_closes(client, alice):
    saved = _save(alice, "https://x.example/a", "Kept", tags="one")
    client.force_login(alice)
    response = client.post(
        f"/p/{saved.pk}/edit/?popup=1",
        {"url": "https://x.example/a", "title": "Kept", "tags": "one three", "is_private": "on"},
    )
    assert response.status_code == 200
    assert "data-close-window" in response.text
    assert "<h1>Changes saved</h1>" in response.text
    post = Post.objects.get()
    assert post.tags == ["one", "three"]
    assert post.is_private


def test_a_mistake_in_the_popup_edit_stays_in_the_popup(client, alice):
    saved = _save(alice, "https://x.example/a", "Kept")
    client.force_login(alice)
    response = client.post(
        f"/p/{saved.pk}/edit/?popup=1", {"url": "https://x.example/a", "tags": "x" * 300}
    )
    assert response.status_code == 422
    assert 'class="site-header"' not in response.text
    assert "<h1>Saved already</h1>" in response.text


def test_the_popup_keeps_the_cross_origin_opener_policy_of_every_page(client, alice):
    saved = _save(alice, "https://x.example/a", "Kept")
    client.force_login(alice)
    responses = [
        client.get("/add/", {"url": "https://y.example/", "popup": "1"}),
        client.get("/add/", {"url": "https://x.example/a", "popup": "1"}),
        client.post("/add/?popup=1", {"url": "https://y.example/", "popup": "1"}),
        client.post(f"/p/{saved.pk}/edit/?popup=1", {"title": "Kept"}),
    ]
    assert [response["Cross-Origin-Opener-Policy"] for response in responses] == ["same-origin"] * 4


def test_saving_from_the_full_page_goes_to_your_profile(client, alice):
    client.force_login(alice)
    response = client.post("/add/", {"url": "https://x.example/", "title": ""})
    assert response.status_code == 302
    assert response["Location"] == "/u/alice/"
    assert Post.objects.get().title == "https://x.example/"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Only http and https links can be saved."),
        ("data:text/html,hi", "Only http and https links can be saved."),
        ("file:///etc/passwd", "Only http and https links can be saved."),
        ("https://x.example/" + "a" * 2000, "at most 2000 characters"),
        ("", "This field is required."),
        ("not a url", "cannot contain spaces"),
    ],
)
def test_add_form_refuses_bad_urls_with_a_clear_error(client, alice, url, message):
    client.force_login(alice)
    response = client.post("/add/", {"url": url, "title": "x"})
    assert response.status_code == 422
    assert message in response.text
    assert not Post.objects.exists()


def test_add_form_refuses_a_tag_that_is_too_long(client, alice):
    client.force_login(alice)
    response = client.post("/add/", {"url": "https://x.example/", "tags": "a" * 300})
    assert response.status_code == 422
    assert "A tag can be at most 255 characters long." in response.text


def test_adding_a_url_twice_points_at_the_existing_bookmark(client, alice):
    post = _save(alice, "https://x.example/")
    client.force_login(alice)
    response = client.post("/add/", {"url": "https://X.EXAMPLE/", "title": "again"})
    assert response.status_code == 422
    assert f"/p/{post.pk}/edit/" in response.text
    assert "You saved this link already" in client.get("/add/", {"url": "https://x.example"}).text


def test_edit_changes_tags_and_privacy_and_keeps_counts(client, alice):
    post = _save(alice, "https://x.example/", tags="old")
    client.force_login(alice)
    response = client.post(
        f"/p/{post.pk}/edit/",
        {"title": "New", "description": "", "tags": "new Fresh", "is_private": "on"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.tags, post.is_private) == ("New", ["new", "fresh"], True)
    assert dict(UserTag.objects.values_list("name", "public_count")) == {"new": 0, "fresh": 0}
    assert Link.objects.get().public_saves == 0


def test_edit_goes_back_to_a_local_next_only(client, alice):
    post = _save(alice, "https://x.example/")
    client.force_login(alice)
    data = {"title": "t", "tags": ""}
    local = client.post(f"/p/{post.pk}/edit/?next=/t/x/", data)
    assert local["Location"] == "/t/x/"
    back = "/u/alice/t/x/?sort=title&filter=private&before=eyJ0IjoiYSJ9"
    assert client.post(f"/p/{post.pk}/edit/", {**data, "next": back})["Location"] == back


HOSTILE_NEXTS = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    "http://testserver/u/alice/",
    " /u/alice/",
    "/u/alice/\r\nSet-Cookie: x=1",
    "evil.example",
    "",
]


@pytest.mark.parametrize("hostile", HOSTILE_NEXTS)
def test_edit_and_delete_refuse_any_next_but_a_local_path(client, alice, hostile):
    post = _save(alice, "https://x.example/")
    client.force_login(alice)
    edited = client.post(f"/p/{post.pk}/edit/", {"title": "t", "tags": "", "next": hostile})
    assert edited["Location"] == "/u/alice/"
    page = client.get(f"/p/{post.pk}/edit/", {"next": hostile}).text
    assert 'name="next"' not in page
    assert 'href="/u/alice/">Cancel</a>' in page
    deleted = client.post(f"/p/{post.pk}/delete/", {"next": hostile})
    assert deleted["Location"] == "/u/alice/"


def test_a_lists_edit_links_carry_the_page_the_person_is_on(client, alice):
    for n in range(3):
        _save(alice, f"https://{n}.example/", f"Page {n}", tags="x", to_read=True)
    client.force_login(alice)
    page = client.get("/u/alice/t/x/?sort=title&filter=toread").text
    assert page.count("?next=/u/alice/t/x/%3Fsort%3Dtitle%26filter%3Dtoread") == 3
    assert "?next=/%3Fsort%3Doldest" in client.get("/?sort=oldest").text


def test_the_edit_page_keeps_where_to_go_back_through_an_error_cancel_and_delete(client, alice):
    post = _save(alice, "https://x.example/")
    _save(alice, "https://taken.example/")
    client.force_login(alice)
    back = "/u/alice/?before=eyJ0IjoiYSJ9"
    page = client.get(f"/p/{post.pk}/edit/", {"next": back}).text
    assert f'<a href="{back}">Cancel</a>' in page
    assert page.count(f'name="next" value="{back}"') == 2  # the edit form and the delete form
    taken = client.post(
        f"/p/{post.pk}/edit/",
        {"url": "https://taken.example/", "title": "t", "tags": "", "next": back},
    )
    assert taken.status_code == 422
    assert f'name="next" value="{back}"' in taken.text
    deleted = client.post(f"/p/{post.pk}/delete/", {"next": back})
    assert deleted["Location"] == back


def test_delete_needs_post_and_removes_the_counts(client, alice):
    post = _save(alice, "https://x.example/", tags="gone")
    client.force_login(alice)
    assert client.get(f"/p/{post.pk}/delete/").status_code == 405
    assert client.post(f"/p/{post.pk}/delete/").status_code == 302
    assert not Post.objects.exists()
    assert not UserTag.objects.exists()
    assert Link.objects.get().public_saves == 0


def test_popular_ranks_links_by_recent_public_saves(client, alice, bob, charlie):
    _save(alice, "https://once.example/", "Once")
    for person in (alice, bob, charlie):
        _save(person, "https://thrice.example/", "Thrice")
    page = client.get("/popular/").text
    assert page.index("Thrice") < page.index("Once")


def test_search_ranks_title_matches_above_description_matches(client, alice):
    _save(alice, "https://a.example/", "Cooking", description="about postgres")
    _save(alice, "https://b.example/", "Postgres tuning", description="")
    page = client.get("/search/", {"q": "postgres"}).text
    assert page.index("Postgres tuning") < page.index("Cooking")


def test_search_matches_tags_and_words_of_the_url(client, alice):
    _save(alice, "https://www.postgresql.org/docs/", "Docs", tags="databases")
    assert "Docs" in client.get("/search/", {"q": "postgresql"}).text
    assert "Docs" in client.get("/search/", {"q": "databases"}).text
    assert "Docs" not in client.get("/search/", {"q": "cooking"}).text


@pytest.mark.parametrize("q", ['"', "-", "!!", "a & b | c", "'", "(", ":*", "\\", "x" * 5000])
def test_search_takes_any_text_without_error(client, alice, q):
    _save(alice, "https://a.example/", "Something")
    assert client.get("/search/", {"q": q}).status_code == 200


def test_links_to_tags_and_pages_use_names_from_the_url_contract(alice):
    assert reverse("tag", args=["x"]) == "/t/x/"
    assert reverse("profile_tag", args=["alice", "x"]) == "/u/alice/t/x/"
    assert reverse("link", args=[3]) == "/url/3/"
    assert reverse("post_edit", args=[3]) == "/p/3/edit/"
    assert reverse("post_delete", args=[3]) == "/p/3/delete/"


def test_search_pages_through_many_matches_without_repeats(client, alice, settings):
    settings.KWIPPY_PAGE_SIZE = 4
    for i in range(11):
        _save(alice, f"https://{i}.example/", f"Gardening note {i}", description="garden " * i)
    seen, path = [], "/search/?q=garden"
    while path:
        response = client.get(path)
        seen += [post.title for post in response.context["page"]]
        cursor = response.context["page"].next_cursor
        path = f"/search/?q=garden&before={cursor}" if cursor else None
    assert sorted(seen) == sorted(f"Gardening note {i}" for i in range(11))


def test_popular_pages_through_every_link_once(client, alice, bob, settings):
    settings.KWIPPY_PAGE_SIZE = 2
    for i in range(5):
        _save(alice, f"https://{i}.example/", f"Link {i}")
        if i % 2:
            _save(bob, f"https://{i}.example/", f"Link {i}")
    seen, path = [], "/popular/"
    while path:
        response = client.get(path)
        seen += [post.title for post in response.context["posts"]]
        cursor = response.context["next_cursor"]
        path = f"/popular/?before={cursor}" if cursor else None
    # Links 1 and 3 have two saves each; ties go by public id, which carries no order.
    assert sorted(seen[:2]) == ["Link 1", "Link 3"]
    assert sorted(seen) == [f"Link {i}" for i in range(5)]


@pytest.mark.parametrize(
    "path", ["/url/99999999999999999999999/", "/p/99999999999999999999999/edit/"]
)
def test_ids_beyond_the_database_range_are_not_found(client, alice, path):
    client.force_login(alice)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/t/%2500/",
        "/t/a+%2500/",
        "/t/%2500+a/",
        "/u/alice/t/%2500/",
        "/u/alice/t/a+%2500/",
        "/feeds/t/%2500/",
        "/feeds/t/%2500/atom/",
        "/feeds/u/alice/t/%2500/",
    ],
)
def test_a_percent_encoded_nul_in_a_tag_path_is_a_tag_name_not_an_error(client, alice, path):
    assert client.get(path).status_code in (200, 404)


@pytest.mark.parametrize("path", ["/t/%00/", "/t/a+%00/", "/u/alice/t/%00/", "/feeds/t/%00/"])
def test_a_nul_in_a_tag_path_is_refused(client, alice, path):
    assert client.get(path).status_code == 400


def test_a_tag_spelled_like_an_escape_has_its_own_page(client, alice):
    _save(alice, "https://escape.example/", "Escape", tags=["%00"])
    _save(alice, "https://plain.example/", "Plain", tags=["x"])
    profile = client.get("/u/alice/").text
    assert 'href="/u/alice/t/%252500/"' in profile
    page = client.get("/t/%252500/").text
    assert "Escape" in page
    assert "Plain" not in page


# How many bookmarks a person has ----------------------------------------------------------------


def _bookmarks_shown(page: str) -> str:
    return re.search(r"<strong>([\d,]+)</strong> bookmarks?", page)[1]


def test_a_profile_shows_the_public_count_to_others_and_the_total_to_its_owner(client, alice, bob):
    for n in range(3):
        _save(alice, f"https://{n}.example/")
    _save(alice, "https://secret.example/", is_private=True)
    assert _bookmarks_shown(client.get("/u/alice/").text) == "3"
    client.force_login(bob)
    assert _bookmarks_shown(client.get("/u/alice/").text) == "3"
    client.force_login(alice)
    page = client.get("/u/alice/").text
    assert _bookmarks_shown(page) == "4"
    assert "private included" in page
    # Every page of hers shows the same count, whatever the list below it.
    assert _bookmarks_shown(client.get("/u/alice/t/none/").text) == "4"


def _posts_counted(queries) -> int:
    # The owner's count of broken links (which joins the links' pages) is another count.
    return sum(
        "COUNT(*)" in q["sql"] and '"posts_post"' in q["sql"] and '"posts_linkpage"' not in q["sql"]
        for q in queries
    )


@pytest.mark.django_db(transaction=True)  # the stamps are written once a change commits
def test_a_persons_count_is_counted_once_per_change_not_on_every_view(client, alice, bob):
    post = _save(alice, "https://1.example/")
    _save(alice, "https://2.example/", is_private=True)
    client.force_login(bob)

    def view(expected: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _bookmarks_shown(client.get("/u/alice/").text) == expected
        return _posts_counted(queries)

    assert view("1") == 1
    assert view("1") == 0
    # A private change does not move what others see, nor their count.
    _save(alice, "https://3.example/", is_private=True)
    assert view("1") == 0
    services.post_update(post=Post.objects.get(pk=post.pk), is_private=True)
    assert view("0") == 1
    _save(alice, "https://4.example/")
    _save(alice, "https://5.example/")
    assert view("2") == 1
    services.post_delete(post=Post.objects.get(link__url="https://4.example/"))
    assert view("1") == 1
    client.force_login(alice)
    assert view("4") == 1
    assert view("4") == 0


def test_a_large_count_is_grouped_in_thousands(client, alice):
    urls = [f"https://{n}.example/" for n in range(1234)]
    rows = {url_hash(url): services.PostRow(url=url, title=url) for url in urls}
    services.posts_bulk_upsert(user=alice, rows=rows, unmarked_private=False, now=timezone.now())
    assert _bookmarks_shown(client.get("/u/alice/").text) == "1,234"
