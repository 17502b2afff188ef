"""Finding: search scopes and filters, one row per link, related and all tags, sorts, people."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kwippy.accounts.models import User
from kwippy.accounts.services import follow_create
from kwippy.posts import services
from kwippy.posts.models import Link


def _save(user, url, title, **extra):
    return services.post_create(user=user, url=url, title=title, **extra)


def _titles(response) -> list[str]:
    return [post.title for post in response.context["page"]]


@pytest.fixture
def network(alice, bob, charlie):
    """Alice follows bob; each of the three saved a page about gardens, alice one privately."""
    follow_create(follower=alice, followee=bob)
    _save(alice, "https://alice.example/", "Garden of alice", tags="garden")
    _save(alice, "https://secret.example/", "Garden secret", tags="garden", is_private=True)
    _save(bob, "https://bob.example/", "Garden of bob", tags="garden")
    _save(bob, "https://bobs-secret.example/", "Garden bob hides", is_private=True)
    _save(charlie, "https://charlie.example/", "Garden of charlie", tags="garden")


# Search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("everyone", {"Garden of alice", "Garden secret", "Garden of bob", "Garden of charlie"}),
        ("", {"Garden of alice", "Garden secret", "Garden of bob", "Garden of charlie"}),
        ("network", {"Garden of alice", "Garden secret", "Garden of bob"}),
        ("mine", {"Garden of alice", "Garden secret"}),
    ],
)
def test_search_looks_through_the_scope_asked_for(client, alice, network, scope, expected):
    client.force_login(alice)
    response = client.get("/search/", {"q": "garden", "scope": scope})
    assert set(_titles(response)) == expected


def test_visitors_search_everyone_public_whatever_the_scope(client, network):
    response = client.get("/search/", {"q": "garden", "scope": "mine"})
    assert set(_titles(response)) == {"Garden of alice", "Garden of bob", "Garden of charlie"}
    assert 'name="scope"' not in response.text


def test_the_scope_survives_to_the_next_page(client, alice, network, settings):
    settings.KWIPPY_PAGE_SIZE = 1
    client.force_login(alice)
    response = client.get("/search/", {"q": "garden", "scope": "mine"})
    assert "scope=mine" in response.text.split('rel="next"')[1].split(">")[0]
    assert re.search(r'value="mine"[^>]* checked', response.text)


def test_tag_and_site_filter_and_or_joins(client, alice):
    _save(alice, "https://docs.python.org/3/", "Python docs", tags="python reference")
    _save(alice, "https://blog.example.org/py", "A python blog", tags="python")
    _save(alice, "https://example.org/", "Example home", tags="misc")
    _save(alice, "https://notexample.org/", "Not the example", tags="python")
    search = lambda q: set(_titles(client.get("/search/", {"q": q})))  # noqa: E731
    assert search("tag:python") == {"Python docs", "A python blog", "Not the example"}
    assert search("tag:python tag:reference") == {"Python docs"}
    assert search("site:example.org") == {"A python blog", "Example home"}
    assert search("python site:example.org") == {"A python blog"}
    assert search("tag:reference OR site:example.org") == {
        "Python docs",
        "A python blog",
        "Example home",
    }
    assert search('"python blog" OR "example home"') == {"A python blog", "Example home"}


def test_a_filter_never_reveals_a_private_post(client, alice, bob):
    _save(alice, "https://hidden.example/", "Hidden", tags="secret", is_private=True)
    client.force_login(bob)
    for q in ("tag:secret", "site:hidden.example", "tag:secret OR site:hidden.example"):
        for scope in ("everyone", "network", "mine"):
            assert _titles(client.get("/search/", {"q": q, "scope": scope})) == []


# One row per link -------------------------------------------------------------------------------


@pytest.fixture
def thrice(alice, bob, charlie):
    """One link saved by three people (charlie first, privately), then another link by alice."""
    now = timezone.now()
    people = [(charlie, True), (bob, False), (alice, False)]
    for minutes, (person, private) in zip((30, 20, 10), people, strict=True):
        _save(
            person,
            "https://thrice.example/",
            f"Thrice by {person.username}",
            tags="shared",
            is_private=private,
            created=now - timedelta(minutes=minutes),
        )
    _save(alice, "https://once.example/", "Once", tags="shared")


@pytest.mark.parametrize("path", ["/", "/t/shared/", "/search/?q=thrice"])
def test_everyones_lists_show_a_link_once_by_its_first_public_save(client, thrice, path):
    response = client.get(path)
    titles = _titles(response)
    assert [t for t in titles if t.startswith("Thrice")] == ["Thrice by bob"]
    assert "first saved by" in response.text
    assert "saved by 2 people" in response.text


def test_a_persons_own_lists_keep_every_post(client, alice, bob, thrice):
    client.force_login(alice)
    assert _titles(client.get("/u/alice/")) == ["Once", "Thrice by alice"]
    assert "Thrice by alice" in _titles(client.get("/search/", {"q": "thrice", "scope": "mine"}))


def test_the_links_page_names_everyone_who_saved_it_publicly(client, thrice):
    public_id = Link.objects.get(url="https://thrice.example/").public_id
    link_url = reverse("link", args=[public_id])
    assert f'<a class="others" href="{link_url}">saved by 2 people</a>' in client.get("/").text
    page = client.get(link_url).text
    assert "Bob Baker" in page
    assert "Alice Archer" in page
    assert "charlie" not in page


# Tags -------------------------------------------------------------------------------------------


@pytest.fixture
def tagged(alice, bob):
    """Tags that go together: python with web (twice) and django (once, and once privately)."""
    _save(alice, "https://1.example/", "One", tags="python web")
    _save(alice, "https://2.example/", "Two", tags="python web django")
    _save(alice, "https://3.example/", "Three", tags="python django hushhush", is_private=True)
    _save(bob, "https://4.example/", "Four", tags="web")


def test_tag_page_lists_related_tags_that_narrow(client, tagged):
    response = client.get("/t/python/")
    assert response.context["related"] == [("web", 2), ("django", 1)]
    assert f'href="{reverse("tag", args=[["python", "web"]])}"' in response.text
    narrowed = client.get(reverse("tag", args=[["python", "web"]]))
    assert _titles(narrowed) == ["Two", "One"]
    assert narrowed.context["related"] == [("django", 1)]


def test_active_tags_can_each_be_removed(client, tagged):
    page = client.get(reverse("tag", args=[["python", "web"]])).text
    assert f'<a class="remove" href="{reverse("tag", args=[["web"]])}">' in page
    assert f'<a class="remove" href="{reverse("tag", args=[["python"]])}">' in page
    person = client.get(reverse("profile_tag", args=["alice", ["python"]])).text
    assert f'<a class="remove" href="{reverse("profile", args=["alice"])}">' in person


def test_a_persons_tag_page_narrows_within_that_person(client, alice, tagged):
    response = client.get(reverse("profile_tag", args=["alice", ["web"]]))
    assert response.context["cloud"] == [("python", 2), ("django", 1)]
    narrowing = reverse("profile_tag", args=["alice", ["web", "python"]])
    assert f'href="{narrowing}"' in response.text


def test_related_tag_counts_leave_out_private_posts_but_for_the_owner(client, alice, tagged):
    path = reverse("profile_tag", args=["alice", ["python"]])
    assert client.get(path).context["cloud"] == [("web", 2), ("django", 1)]
    assert "hushhush" not in client.get("/t/python/").text
    client.force_login(alice)
    assert client.get(path).context["cloud"] == [("django", 2), ("web", 2), ("hushhush", 1)]
    assert "hushhush" not in client.get("/t/python/").text


def test_all_tags_page_lists_every_tag_by_name_or_count(client, alice, tagged):
    for i in range(105):
        _save(alice, f"https://many{i}.example/", f"Many {i}", tags=f"t{i:03}")
    by_name = client.get("/u/alice/tags/")
    names = [name for name, _ in by_name.context["rows"]]
    assert len(names) == 108
    assert names == sorted(names)
    by_count = client.get("/u/alice/tags/", {"sort": "count"}).context["rows"]
    assert by_count[:3] == [("python", 2), ("web", 2), ("django", 1)]
    assert "hushhush" not in by_name.text
    link = reverse("profile_tag", args=["alice", "t104"])
    assert f'href="{link}"' in by_name.text
    assert f'href="{reverse("profile_tags", args=["alice"])}"' in client.get("/u/alice/").text


def test_all_tags_page_comes_in_pages_with_the_sort_kept(client, alice, tagged, monkeypatch):
    monkeypatch.setattr("kwippy.posts.views.TAGS_PAGE_SIZE", 50)
    for i in range(105):
        _save(alice, f"https://many{i}.example/", f"Many {i}", tags=f"t{i:03}")
    first = client.get("/u/alice/tags/", {"sort": "count"})
    assert first.context["rows"][:2] == [("python", 2), ("web", 2)]
    assert len(first.context["rows"]) == 50
    assert "108 tags, 50 a page." in first.text
    assert 'href="/u/alice/tags/?sort=count&amp;page=2"' in first.text
    assert "Page 1 of 3" in first.text
    last = client.get("/u/alice/tags/", {"sort": "count", "page": "3"})
    assert [name for name, _ in last.context["rows"]] == [f"t{i:03}" for i in range(97, 105)]
    assert 'href="/u/alice/tags/?sort=count"' in last.text
    assert 'rel="next"' not in last.text
    # Every tag is on exactly one page.
    seen = [
        name
        for number in (1, 2, 3)
        for name, _ in client.get("/u/alice/tags/", {"page": number}).context["rows"]
    ]
    assert len(seen) == len(set(seen)) == 108
    # A page that is not one is the nearest that is, never an error.
    for hostile in ("0", "-1", "999", "x", "1e9", "2.5", "\u0662"):
        response = client.get("/u/alice/tags/", {"page": hostile})
        assert response.status_code == 200
        assert len(response.context["rows"]) in (50, 8)


def test_all_tags_page_shows_the_owner_private_counts(client, alice, tagged):
    client.force_login(alice)
    rows = dict(client.get("/u/alice/tags/").context["rows"])
    assert rows["python"] == 3
    assert rows["hushhush"] == 1


# Sorting a person's list ------------------------------------------------------------------------


@pytest.fixture
def eleven(alice):
    """Eleven posts, created in an order that is neither their title's nor its reverse."""
    now = timezone.now()
    titles = ["kiwi", "Apple", "fig", "banana", "Date", "cherry", "egg", "grape", "Hazel", "i", "j"]
    for i, title in enumerate(titles):
        created = now - timedelta(minutes=(i * 7) % 11)
        _save(alice, f"https://{i}.example/", title, created=created, is_private=i == 3)
    return titles


def _walk(client, path, params) -> list[str]:
    seen, cursor = [], None
    while True:
        response = client.get(path, {**params, **({"before": cursor} if cursor else {})})
        assert response.status_code == 200
        seen += _titles(response)
        cursor = response.context["page"].next_cursor
        if cursor is None:
            return seen


@pytest.mark.parametrize("signed_in", [False, True])
def test_each_sort_pages_through_every_post_once_in_order(
    client, alice, eleven, settings, signed_in
):
    settings.KWIPPY_PAGE_SIZE = 3
    if signed_in:
        client.force_login(alice)
    visible = list(alice.posts.order_by("-created", "-id").values_list("title", flat=True))
    if not signed_in:
        visible.remove("banana")
    assert _walk(client, "/u/alice/", {}) == visible
    assert _walk(client, "/u/alice/", {"sort": "oldest"}) == visible[::-1]
    assert _walk(client, "/u/alice/", {"sort": "title"}) == sorted(visible, key=str.lower)


def test_the_sort_survives_to_the_next_page_and_a_bad_cursor_is_refused(client, eleven, settings):
    settings.KWIPPY_PAGE_SIZE = 3
    page = client.get("/u/alice/", {"sort": "title"}).text
    assert "sort=title" in page.split('rel="next"')[1].split(">")[0]
    assert client.get("/u/alice/", {"sort": "title", "before": "!!_3"}).status_code == 400
    assert client.get("/u/alice/", {"sort": "oldest", "before": "x_3"}).status_code == 400


# People -----------------------------------------------------------------------------------------


@pytest.fixture
def followed(alice, bob, charlie):
    """Charlie is followed by two, bob by one; dora joined last, and eve's account is closed."""
    dora = User.objects.create_user(username="dora", password="x")
    eve = User.objects.create_user(username="eve", password="x", is_active=False)
    follow_create(follower=alice, followee=charlie)
    follow_create(follower=bob, followee=charlie)
    follow_create(follower=charlie, followee=bob)
    follow_create(follower=eve, followee=charlie)
    return dora


def _names(response) -> list[str]:
    return [person.username for person in response.context["page"]]


def test_people_directory_lists_the_newest_and_the_most_followed(client, followed, settings):
    assert _names(client.get("/people/")) == ["dora", "charlie", "bob", "alice"]
    assert _names(client.get("/people/", {"sort": "followed"})) == [
        "charlie",
        "bob",
        "dora",
        "alice",
    ]
    settings.KWIPPY_PAGE_SIZE = 1
    seen, cursor = [], None
    while True:
        after = {"before": cursor} if cursor else {}
        response = client.get("/people/", {"sort": "followed", **after})
        seen += _names(response)
        cursor = response.context["page"].next_cursor
        if not cursor:
            break
    assert seen == ["charlie", "bob", "dora", "alice"]


def test_follower_and_following_lists_are_linked_from_the_counts(client, followed):
    assert _names(client.get("/u/charlie/followers/")) == ["bob", "alice"]
    assert _names(client.get("/u/charlie/following/")) == ["bob"]
    assert _names(client.get("/u/dora/followers/")) == []
    page = client.get("/u/charlie/").text
    assert f'href="{reverse("followers", args=["charlie"])}"' in page
    assert f'href="{reverse("following", args=["charlie"])}"' in page
    assert client.get("/u/eve/followers/").status_code == 404
