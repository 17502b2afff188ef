"""The number of queries a page makes does not grow with the number of posts it shows."""

import pytest

from kwippy.accounts.models import User
from kwippy.accounts.services import follow_create
from kwippy.posts import services
from kwippy.posts.models import Link, LinkHealth
from tests.pages.helpers import page_write

MAX_QUERIES = 7


@pytest.fixture
def busy_site(alice, bob, charlie):
    """Sixty posts over three people and twenty links, all tagged "common", each link's page
    kept with a word no post has."""
    follow_create(follower=alice, followee=bob)
    follow_create(follower=alice, followee=charlie)
    people = [alice, bob, charlie]
    for i in range(60):
        services.post_create(
            user=people[i % 3],
            url=f"https://site{i % 20}.example/page",
            title=f"Common page {i}",
            tags=f"common t{i % 7}",
            is_private=i % 10 == 0,
        )
    for link in Link.objects.all():
        page_write(link=link, text=f"The readable text of {link.url}, inside.")
    return Link.objects.get(url="https://site1.example/page")


PAGES = [
    "/",
    "/popular/",
    "/u/bob/",
    "/u/bob/t/common/",
    "/t/common/",
    "/search/?q=common",
    "/u/bob/?sort=title",
    "/u/bob/?sort=oldest",
    "/u/bob/t/common+t1/?sort=title",
    "/t/common+t1/",
    "/search/?q=tag:common+OR+site:site1.example&scope=network",
    "/search/?q=readable",
    "/search/?q=readable+OR+common&scope=mine",
]


@pytest.mark.parametrize("size", [10, 50])
@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("path", [*PAGES, "LINK"])
def test_page_queries_stay_flat_with_page_size(
    client, busy_site, settings, django_assert_max_num_queries, size, signed_in, path
):
    settings.KWIPPY_PAGE_SIZE = size
    if signed_in:
        client.force_login(User.objects.get(username="alice"))
    if path == "LINK":
        path = f"/url/{busy_site.public_id}/"
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(path)
    assert response.status_code == 200
    shown = response.text.count('<article class="post')
    assert 3 <= shown <= size
    if size == 50 and path in ("/", "/t/common/", "/search/?q=common"):
        assert shown > 10


@pytest.fixture
def crowd(alice):
    """Forty people, each following alice, each with a post carrying three tags of their own."""
    for i in range(40):
        person = User.objects.create_user(username=f"p{i}", password="x")
        follow_create(follower=person, followee=alice)
        follow_create(follower=alice, followee=person)
        services.post_create(
            user=alice, url=f"https://{i}.example/", title=str(i), tags=f"a{i} b{i} c"
        )


@pytest.mark.parametrize("size", [10, 50])
@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/people/", 'class="person"'),
        ("/people/?sort=followed", 'class="person"'),
        ("/u/alice/followers/", 'class="person"'),
        ("/u/alice/following/", 'class="person"'),
        ("/u/alice/tags/", 'class="tag"'),
        ("/u/alice/tags/?sort=count", 'class="tag"'),
    ],
)
def test_new_pages_queries_stay_flat_with_rows(
    client, crowd, settings, django_assert_max_num_queries, size, path, marker
):
    settings.KWIPPY_PAGE_SIZE = size
    client.force_login(User.objects.get(username="alice"))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(path)
    assert response.status_code == 200
    assert response.text.count(marker) >= min(size, 40)


@pytest.fixture
def checked_site(busy_site):
    """The busy site's links read, but every fourth not yet: of those read, a third gone, a
    third moved, all with copies."""
    healths = [LinkHealth.GONE, LinkHealth.MOVED, LinkHealth.OK]
    for i, link in enumerate(Link.objects.order_by("pk")):
        if i % 4 == 3:
            continue
        page_write(
            link=link, health=healths[i % 3], moved_to="https://moved.example/", text="Words."
        )


@pytest.mark.parametrize("size", [10, 50])
@pytest.mark.parametrize(
    "path",
    [
        "/u/bob/",
        "/u/bob/?sort=title",
        "/u/bob/t/common/",
        "/u/bob/?filter=private",
        "/u/bob/broken/",
    ],
)
def test_the_owners_pages_with_health_stay_flat(
    client, checked_site, settings, django_assert_max_num_queries, size, path
):
    settings.KWIPPY_PAGE_SIZE = size
    client.force_login(User.objects.get(username="bob"))
    # One more than others' pages: the owner's count of broken links, once per change.
    with django_assert_max_num_queries(MAX_QUERIES + 1):
        response = client.get(path)
    assert response.status_code == 200
    assert 'class="badge health"' in response.text
