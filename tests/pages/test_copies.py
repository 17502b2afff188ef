"""A link's cached copy: shown to the people who saved it, as escaped text under a strict policy;
deleted by any of them, for all of them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kwippy.pages.services import link_copy_delete
from kwippy.posts import services
from kwippy.posts.models import LinkHealth, LinkPage
from tests.pages.helpers import page_write

pytestmark = pytest.mark.django_db

TEXT = "First paragraph, with <script>alert(1)</script> in it.\n\n  Second paragraph.  \nThird."


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's commit hooks (the change stamps) as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def copied(alice, committed):
    """Alice's private bookmark of a page kwippy read, with its copy."""
    with committed():
        post = services.post_create(
            user=alice, url="https://read.example/article", title="Mine", is_private=True
        )
    page_write(
        link=post.link,
        health=LinkHealth.OK,
        title="The article's own title",
        text=TEXT,
        fetched_at=timezone.now(),
    )
    return post.link


def copy_path(link) -> str:
    return f"/url/{link.public_id}/copy/"


def test_a_saver_reads_the_copy_as_paragraphs_of_escaped_text(client, alice, copied):
    client.force_login(alice)
    response = client.get(copy_path(copied))
    assert response.status_code == 200
    html = response.text
    assert "The article&#x27;s own title</h1>" in html
    assert "fetched on <time" in html
    assert '<a href="https://read.example/article" rel="noopener noreferrer nofollow">' in html
    assert "<p>First paragraph, with &lt;script&gt;alert(1)&lt;/script&gt; in it.</p>" in html
    assert "<p>Second paragraph.</p>" in html
    assert "<p>Third.</p>" in html
    assert "<script" not in html


def test_the_copy_is_served_under_a_policy_that_runs_and_loads_nothing(client, alice, copied):
    client.force_login(alice)
    response = client.get(copy_path(copied))
    policy = response["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; style-src 'self';")
    assert "script-src" not in policy
    assert "frame-ancestors 'none'" in policy
    assert 'rel="stylesheet"' in response.text
    # Every other page keeps the site's policy.
    assert "script-src 'self'" in client.get("/")["Content-Security-Policy"]


def test_nobody_but_the_savers_learns_that_a_copy_exists(client, alice, bob, charlie, copied):
    assert client.get(copy_path(copied)).status_code == 404
    client.force_login(bob)
    assert client.get(copy_path(copied)).status_code == 404
    assert client.get(copy_path(copied) + "delete/").status_code == 404
    assert client.post(copy_path(copied) + "delete/").status_code == 404
    assert client.get("/url/no-such-link/copy/").status_code == 404
    services.post_create(user=charlie, url="https://read.example/article", title="Also")
    client.force_login(charlie)
    assert client.get(copy_path(copied)).status_code == 200


def test_a_link_not_read_yet_has_no_copy_to_show(client, alice):
    post = services.post_create(user=alice, url="https://unread.example/", title="Unread")
    client.force_login(alice)
    response = client.get(copy_path(post.link))
    assert response.status_code == 200
    assert "No copy of this page is kept yet: kwippy has not read it." in response.text


def test_deleting_a_copy_asks_first_then_empties_it_for_good(client, alice, copied):
    client.force_login(alice)
    question = client.get(copy_path(copied) + "delete/")
    assert question.status_code == 200
    assert "Delete the cached copy?" in question.text
    assert LinkPage.objects.get(link=copied).text == TEXT
    response = client.post(copy_path(copied) + "delete/")
    assert response["Location"] == copy_path(copied)
    page = LinkPage.objects.get(link=copied)
    assert (page.keep_copy, page.text) == (False, "")
    html = client.get(copy_path(copied)).text
    assert "No copy of this page is kept: it was deleted" in html
    assert "First paragraph" not in html


def test_a_deleted_copy_leaves_every_savers_list_at_once(client, alice, bob, copied, committed):
    with committed():
        services.post_create(user=bob, url="https://read.example/article", title="Bob's")
    client.force_login(bob)
    assert ">Cached copy<" in client.get("/u/bob/").text  # kept rendered now
    client.force_login(alice)
    with committed():
        client.post(copy_path(copied) + "delete/")
    client.force_login(bob)
    assert "Cached copy" not in client.get("/u/bob/").text


def test_deleting_the_copy_of_a_link_not_read_yet_keeps_none_later(alice):
    post = services.post_create(user=alice, url="https://unread.example/", title="Unread")
    link_copy_delete(link=post.link, user=alice)
    assert LinkPage.objects.get(link=post.link).keep_copy is False


def test_only_a_saver_may_delete_a_copy(bob, copied):
    with pytest.raises(PermissionDenied):
        link_copy_delete(link=copied, user=bob)
    assert LinkPage.objects.get(link=copied).text == TEXT
