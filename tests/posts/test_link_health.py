"""A person's own bookmarks whose links broke: badges on their lists, the broken-links list, the
new address taken in one step, and the kept renderings that must show a change of health."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kwippy.accounts.models import ChangeStamp
from kwippy.posts import services
from kwippy.posts.models import LinkHealth, LinkPage, Post
from tests.pages.helpers import page_write

pytestmark = pytest.mark.django_db


def page_of(post: Post, health: str, **fields) -> LinkPage:
    """Write what the page jobs would write of a post's link."""
    page, _ = LinkPage.objects.update_or_create(
        link=post.link, defaults={"health": health, "checked_at": timezone.now(), **fields}
    )
    return page


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's commit hooks (the change stamps) as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def save(user, url: str, title: str, **extra) -> Post:
    return services.post_create(user=user, url=url, title=title, **extra)


@pytest.fixture
def broken(alice, committed):
    """Alice's bookmarks: one gone, one moved, one failing, one fine and one never read."""
    with committed():
        posts = _broken(alice)
    return posts


def _broken(alice) -> dict[str, Post]:
    posts = {
        "gone": save(alice, "https://gone.example/", "Gone page"),
        "moved": save(alice, "https://old.example/post", "Moved page"),
        "failing": save(alice, "https://down.example/", "Failing page"),
        "ok": save(alice, "https://fine.example/", "Fine page"),
        "unread": save(alice, "https://new.example/", "Unread page"),
    }
    page_of(posts["gone"], LinkHealth.GONE, status_code=410)
    page_of(posts["moved"], LinkHealth.MOVED, moved_to="https://example.org/new")
    page_of(
        posts["failing"],
        LinkHealth.FAILING,
        failures=3,
        failing_since=timezone.now() - timedelta(days=9),
    )
    page_of(posts["ok"], LinkHealth.OK, text="Fine words.")
    return posts


def badges(html: str) -> int:
    return html.count('class="badge health"')


def test_the_owner_sees_a_badge_on_each_broken_link_with_what_it_means(client, alice, broken):
    client.force_login(alice)
    html = client.get("/u/alice/").text
    assert badges(html) == 3
    assert 'title="Moved to example.org/new">moved' in html
    assert 'title="The page is gone (it answered 410)">gone' in html
    assert "could not be reached on 3 checks since" in html
    assert "Fine page" in html


def test_nobody_else_sees_the_badges(client, alice, bob, broken):
    assert badges(client.get("/u/alice/").text) == 0
    client.force_login(bob)
    html = client.get("/u/alice/").text
    assert "Gone page" in html
    assert badges(html) == 0


def test_a_health_change_shows_on_the_owners_kept_page_once_stamped(
    client, alice, broken, committed
):
    client.force_login(alice)
    assert badges(client.get("/u/alice/").text) == 3  # kept rendered now
    stamps = dict(ChangeStamp.objects.values_list("user_id", "public_posts"))
    page_of(broken["ok"], LinkHealth.GONE, status_code=404)
    assert badges(client.get("/u/alice/").text) == 3  # still the kept rendering
    with committed():
        services.link_health_changed(link_ids=[broken["ok"].link_id])
    assert badges(client.get("/u/alice/").text) == 4
    # Only the owner's own view moved: what others see of her is unchanged.
    assert dict(ChangeStamp.objects.values_list("user_id", "public_posts")) == stamps


def test_a_health_change_stamps_every_owner_of_the_link_and_nobody_else(
    alice, bob, charlie, committed
):
    with committed():
        mine = save(alice, "https://shared.example/", "Shared", is_private=True)
        save(bob, "https://shared.example/", "Shared too")
        save(charlie, "https://elsewhere.example/", "Elsewhere")
    before = dict(ChangeStamp.objects.values_list("user_id", "posts"))
    with committed():
        services.link_health_changed(link_ids=[mine.link_id])
    after = dict(ChangeStamp.objects.values_list("user_id", "posts"))
    assert after[alice.pk] > before[alice.pk]
    assert after[bob.pk] > before[bob.pk]
    assert after[charlie.pk] == before[charlie.pk]


def test_the_owner_sees_a_cached_copy_link_where_a_copy_is_kept(client, alice, broken):
    client.force_login(alice)
    html = client.get("/u/alice/").text
    assert html.count(">Cached copy<") == 1
    assert f'href="/url/{broken["ok"].link.public_id}/copy/"' in html


def test_the_profile_counts_the_owners_broken_links_for_them_only(client, alice, bob, broken):
    client.force_login(alice)
    assert ">3 broken links</a>" in client.get("/u/alice/").text
    client.force_login(bob)
    assert "broken link" not in client.get("/u/alice/").text
    save(bob, "https://fine.example/", "Fine")
    client.force_login(bob)
    assert "broken link" not in client.get("/u/bob/").text


def test_the_broken_list_is_the_owners_alone(client, alice, bob, broken):
    assert client.get("/u/alice/broken/").status_code == 404
    client.force_login(bob)
    assert client.get("/u/alice/broken/").status_code == 404
    client.force_login(alice)
    assert client.get("/u/alice/broken/").status_code == 200


def test_the_broken_list_shows_broken_links_newest_first_a_page_at_a_time(
    client, alice, broken, settings
):
    settings.KWIPPY_PAGE_SIZE = 2
    client.force_login(alice)
    first = client.get("/u/alice/broken/")
    html = first.text
    assert html.index("Failing page") < html.index("Moved page")
    assert "Gone page" not in html
    assert "Fine page" not in html
    assert "Unread page" not in html
    assert 'Moved to <a href="https://example.org/new"' in html
    cursor = first.context["page"].next_cursor
    html = client.get("/u/alice/broken/", {"before": cursor}).text
    assert "Gone page" in html
    assert "Moved page" not in html


def test_the_broken_list_says_when_nothing_is_broken(client, alice):
    client.force_login(alice)
    assert "No broken links" in client.get("/u/alice/broken/").text


def test_the_new_address_is_used_in_one_post_and_the_list_comes_back(client, alice, broken):
    client.force_login(alice)
    post = broken["moved"]
    html = client.get("/u/alice/broken/").text
    assert html.count("Use the new address") == 1
    response = client.post(f"/p/{post.pk}/new-address/", {"next": "/u/alice/broken/"})
    assert response.status_code == 302
    assert response["Location"] == "/u/alice/broken/"
    post.refresh_from_db()
    assert post.link.url == "https://example.org/new"
    assert post.title == "Moved page"
    html = client.get("/u/alice/broken/").text
    assert "“Moved page” now links to https://example.org/new." in html
    assert f'id="post-{post.pk}"' not in html


def test_the_new_address_already_saved_leaves_the_bookmark_and_names_the_other(
    client, alice, broken
):
    other = save(alice, "https://example.org/new", "Already here")
    client.force_login(alice)
    response = client.post(f"/p/{broken['moved'].pk}/new-address/")
    assert response.status_code == 422
    assert "Another bookmark of yours, “Already here”, has that address" in response.text
    assert f'href="/p/{other.pk}/edit/"' in response.text
    broken["moved"].refresh_from_db()
    assert broken["moved"].link.url == "https://old.example/post"


def test_a_link_that_has_not_moved_keeps_its_address(client, alice, bob, broken):
    client.force_login(alice)
    response = client.post(f"/p/{broken['gone'].pk}/new-address/")
    assert response.status_code == 302
    broken["gone"].refresh_from_db()
    assert broken["gone"].link.url == "https://gone.example/"
    client.force_login(bob)
    assert client.post(f"/p/{broken['moved'].pk}/new-address/").status_code == 404
    assert client.get(f"/p/{broken['moved'].pk}/new-address/").status_code == 405


def test_deleting_from_the_broken_list_comes_back_to_it(client, alice, broken):
    client.force_login(alice)
    html = client.get("/u/alice/broken/").text
    assert f'action="/p/{broken["gone"].pk}/delete/"' in html
    assert '<input type="hidden" name="next" value="/u/alice/broken/">' in html
    response = client.post(f"/p/{broken['gone'].pk}/delete/", {"next": "/u/alice/broken/"})
    assert response["Location"] == "/u/alice/broken/"
    assert not Post.objects.filter(pk=broken["gone"].pk).exists()


def test_the_link_page_offers_its_saver_the_cached_copy(client, alice, bob, broken):
    path = f"/url/{broken['ok'].link.public_id}/"
    save(bob, "https://fine.example/", "Fine for bob too")
    client.force_login(alice)
    assert ">Cached copy</a>" in client.get(path).text
    client.force_login(bob)
    assert ">Cached copy</a>" in client.get(path).text
    client.logout()
    assert "Cached copy" not in client.get(path).text


def test_the_edit_page_offers_the_pages_own_description_without_filling_it(client, alice):
    post = save(alice, "https://described.example/", "Described")
    page_write(link=post.link, description="A page about <b>roses</b>.")
    client.force_login(alice)
    response = client.get(f"/p/{post.pk}/edit/")
    assert "The page describes itself:" in response.text
    assert "A page about &lt;b&gt;roses&lt;/b&gt;." in response.text
    assert response.context["form"]["description"].value() == ""
    assert "Use this description" in response.text


def test_the_edit_page_offers_nothing_over_the_persons_own_note(client, alice):
    post = save(alice, "https://described.example/", "Described", description="My words")
    page_write(link=post.link, description="The page's words.")
    client.force_login(alice)
    assert "The page describes itself" not in client.get(f"/p/{post.pk}/edit/").text


def test_a_new_address_kwippy_cannot_save_is_refused_and_said(client, alice, broken):
    page_of(broken["moved"], LinkHealth.MOVED, moved_to="ftp://files.example/recipes")
    client.force_login(alice)
    response = client.post(f"/p/{broken['moved'].pk}/new-address/", follow=True)
    assert "The new address of “Moved page” is not one kwippy can save." in response.text
    broken["moved"].refresh_from_db()
    assert broken["moved"].link.url == "https://old.example/post"
