"""A newcomer's home page: the three ways in, and a few people to follow."""

import re

import pytest
from django.test import Client

from kwippy.accounts.models import Follow
from kwippy.accounts.services import follow_create
from kwippy.posts import services
from kwippy.posts.selectors import SUGGESTED_PEOPLE, users_to_follow
from tests.conftest import make_user
from tests.posts.test_timeline import committed, home_of  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def suggested(page: str) -> list[str]:
    """Return the usernames the page suggests following, in order."""
    return re.findall(r'<form method="post" action="/u/([^/]+)/follow/">', page)


@pytest.fixture
def others(committed):  # noqa: F811
    """Savers with public bookmarks (carol most followed, then erin); grace's are private now."""
    people = {name: make_user(name) for name in ("carol", "dave", "erin", "frank", "grace")}
    with committed():
        for person in people.values():
            post = services.post_create(
                user=person,
                url=f"https://{person.username}.example/",
                title=f"{person.username}'s find",
            )
        # Grace's only bookmark, public for a while, is private now.
        services.post_update(post=post, is_private=True)
        for follower in ("dave", "erin", "frank"):
            follow_create(follower=people[follower], followee=people["carol"])
        follow_create(follower=people["carol"], followee=people["erin"])
    return people


def test_a_newcomer_is_offered_the_three_ways_in(client, others):
    page, _ = home_of(client, make_user("newcomer"))
    assert 'href="/add/">Add a bookmark</a>' in page
    assert 'href="/settings/#bookmarklet">Get the bookmarklet</a>' in page
    assert 'href="/import/">Import a bookmarks file</a>' in page


def test_people_to_follow_are_the_most_followed_with_public_bookmarks(client, others):
    page, _ = home_of(client, make_user("newcomer"))
    # grace saved only privately; carol has three followers, erin one, the others none.
    assert suggested(page) == ["carol", "erin", "dave", "frank"]
    assert "3 followers" in page


def test_once_the_network_has_bookmarks_they_show_instead(client, others, committed):  # noqa: F811
    newcomer = make_user("newcomer")
    with committed():
        follow_create(follower=newcomer, followee=others["frank"])
    page, _ = home_of(client, newcomer)
    assert "Start your bookmarks" not in page
    assert "frank&#x27;s find" in page


def test_the_suggestions_leave_out_who_the_person_follows_and_themselves(others):
    carol = others["carol"]
    names = [person.username for person in users_to_follow(user=carol)]
    assert names == ["dave", "frank"]  # she follows erin; grace's posts are private


def test_at_most_a_few_are_suggested_in_the_same_queries_however_many_people(
    client,
    others,
    committed,  # noqa: F811
):
    _, few_queries = home_of(client, make_user("newcomer"))
    with committed():
        for number in range(SUGGESTED_PEOPLE * 3):
            person = make_user(f"saver{number}")
            services.post_create(user=person, url=f"https://s{number}.example/", title="x")
    page, many_queries = home_of(Client(), make_user("latecomer"))
    assert len(suggested(page)) == SUGGESTED_PEOPLE
    assert len(many_queries) == len(few_queries)


def test_following_a_suggestion_returns_home_where_their_bookmarks_now_show(client, others):
    newcomer = make_user("newcomer")
    client.force_login(newcomer)
    response = client.post("/u/carol/follow/", {"next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Follow.objects.filter(follower=newcomer, followee=others["carol"]).exists()
    page = client.get("/").text
    assert "carol&#x27;s find" in page
    assert "Start your bookmarks" not in page


def test_the_welcome_follow_buttons_work_from_each_browser_of_the_person(others, committed):  # noqa: F811
    newcomer = make_user("newcomer")
    idle = make_user("idle")
    with committed():
        # Following someone who saved nothing: the timeline has stamps, so could be cached.
        follow_create(follower=newcomer, followee=idle)
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(newcomer)
        page = browser.get("/").text
        form = re.search(
            r'action="(/u/carol/follow/)">\s*<input type="hidden" name="csrfmiddlewaretoken" '
            r'value="([^"]+)"',
            page,
        )
        answer = browser.post(form[1], {"csrfmiddlewaretoken": form[2], "next": "/"})
        assert answer.status_code == 302
        Follow.objects.filter(follower=newcomer, followee=others["carol"]).delete()
