"""A person's pages, served from the object cache while their posts are unchanged."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kwippy.accounts.services import user_update_profile
from kwippy.posts import services
from kwippy.posts.models import Post, UserTag

PAGES = ["/u/alice/", "/u/alice/t/reading/", "/u/alice/toread/", "/u/alice/tags/"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's commit hooks (the change stamps) as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def shelf(alice, committed):
    """Alice's private post to read and her public one, both tagged reading."""
    with committed():
        services.post_create(
            user=alice,
            url="https://secret.example/",
            title="Secret find",
            tags="reading secretive",
            to_read=True,
            is_private=True,
        )
        # The public post last: others' stamp is then the owner's, and only the viewer's kind
        # tells their pages apart.
        services.post_create(
            user=alice,
            url="https://public.example/",
            title="Public find",
            tags="reading web",
            to_read=True,
        )
    return alice


def page_of(client, path: str, user=None) -> tuple[str, list[str]]:
    """Return a page's text as `user` (None: a visitor) sees it, and the SQL it took."""
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.text, [query["sql"] for query in queries]


def reads_posts_or_tags(queries: list[str]) -> bool:
    tables = (Post._meta.db_table, UserTag._meta.db_table)
    return any(table in sql and "FROM" in sql for sql in queries for table in tables)


@pytest.mark.parametrize("path", PAGES)
def test_a_second_visit_shows_the_same_page_without_reading_posts_or_tags(client, shelf, path):
    first, first_queries = page_of(client, path, shelf)
    second, second_queries = page_of(client, path, shelf)
    assert reads_posts_or_tags(first_queries)
    assert not reads_posts_or_tags(second_queries)
    assert "Secret find" in second or "secretive" in second
    assert TOKEN.sub("", second) == TOKEN.sub("", first)


def test_a_kept_page_costs_a_handful_of_queries(client, shelf, django_assert_num_queries):
    client.force_login(shelf)
    client.get("/u/alice/")
    # The person with their stamp and follow counts, in one: nothing that grows with their posts.
    with django_assert_num_queries(1):
        client.get("/u/alice/")


@pytest.mark.parametrize("path", PAGES)
def test_a_change_of_ones_posts_shows_at_once(client, shelf, committed, path):
    page_of(client, path, shelf)
    with committed():
        services.post_create(
            user=shelf, url="https://new.example/", title="Fresh find", tags="reading fresh",
            to_read=True,
        )  # fmt: skip
    page = page_of(client, path, shelf)[0]
    assert ("Fresh find" if path != "/u/alice/tags/" else "fresh") in page


def test_an_edit_of_ones_own_private_post_shows_at_once(client, shelf, committed):
    page_of(client, "/u/alice/", shelf)
    with committed():
        services.post_update(post=Post.objects.get(title="Secret find"), title="Renamed secret")
    assert "Renamed secret" in page_of(client, "/u/alice/", shelf)[0]


def test_a_new_name_shows_at_once(client, shelf, committed):
    page_of(client, "/u/alice/", None)
    with committed():
        user_update_profile(
            user=shelf, display_name="Alice Renamed", bio="", website="", email=shelf.email
        )
    assert 'saved by <a href="/u/alice/">Alice Renamed</a>' in page_of(client, "/u/alice/")[0]


def test_a_post_made_private_leaves_others_view_at_once(client, shelf, committed, bob):
    assert "Public find" in page_of(client, "/u/alice/", bob)[0]
    with committed():
        services.post_update(post=Post.objects.get(title="Public find"), is_private=True)
    assert "Public find" not in page_of(client, "/u/alice/", bob)[0]


def test_the_owners_kept_page_is_never_shown_to_anyone_else(client, shelf, bob):
    for path in ("/u/alice/", "/u/alice/t/reading/", "/u/alice/tags/"):
        page_of(client, path, shelf)
        for viewer in (bob, None):
            other = Client()
            page = page_of(other, path, viewer)[0]
            assert "Secret find" not in page
            assert "secretive" not in page
            assert "to read</span>" not in page
            assert "Rename or delete" not in page
            assert 'name="posts"' not in page


def test_forms_on_a_kept_page_carry_this_browsers_token(shelf, committed):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_of(first, "/u/alice/toread/", shelf)
    page = page_of(second, "/u/alice/toread/", shelf)[0]
    tokens = set(TOKEN.findall(page))
    assert tokens
    assert not any(token.startswith("csrf-") for token in tokens)
    post = Post.objects.get(title="Public find")
    with committed():
        response = second.post(f"/p/{post.pk}/read/", {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    post.refresh_from_db()
    assert not post.to_read


def test_the_all_tags_page_links_each_tag_and_escapes_it(client, alice, committed):
    with committed():
        services.post_create(user=alice, url="https://a.example/", title="A", tags="c++ r&d")
    page = page_of(client, "/u/alice/tags/", alice)[0]
    link = reverse("profile_tag", args=["alice", ["c++"]])
    assert f'<a class="tag" href="{link}">c++</a> <span class="count">1</span>' in page
    assert 'href="/settings/tags/?tag=r%26d" aria-label="Rename or delete “r&amp;d”"' in page
    assert "Rename or delete" not in page_of(Client(), "/u/alice/tags/")[0]
