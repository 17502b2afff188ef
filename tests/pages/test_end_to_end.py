"""From a save to the page's title on the person's page: a real worker fetching from a real local
server (pytest-page_server), which the worker's environment allows the fetcher to reach."""

import pytest

from kwippy.posts.models import LinkHealth, LinkPage, Post
from tests.jobs import WorkerProcess, jobs_clear, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>The Real Title of the Article</title>
<meta name="description" content="A page about bread.">
<meta property="og:site_name" content="Local News"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Bread</h1>
<p>Sourdough bread needs a starter, flour, water and salt, and most of all time: a slow rise
overnight gives the crumb its holes and the crust its colour.</p>
<p>Bake it hot, in a covered pot for the first twenty minutes, so the steam keeps the crust soft
while the loaf springs up, then uncovered until it is deep brown.</p></article></body></html>"""


@pytest.fixture
def interactive_lane(page_server):
    jobs_clear()
    allowed = {"LINK_FETCH_ALLOWED_NETWORKS": f"127.0.0.1:{page_server.port}"}
    with WorkerProcess("interactive", env=allowed) as worker:
        yield worker


def _title(post_id: int) -> str:
    return Post.objects.get(pk=post_id).title


def test_a_bare_url_shows_its_real_title_on_the_persons_page_after_the_job_ran(
    client, alice, page_server, interactive_lane
):
    page_server.expect_request("/bread").respond_with_data(
        ARTICLE, content_type="text/html; charset=utf-8"
    )
    url = page_server.url_for("/bread")
    client.force_login(alice)
    assert client.post("/add/", {"url": url, "title": ""}).status_code == 302
    post = Post.objects.get()
    assert post.title == url
    wait_until(lambda: _title(post.pk) != url, "the page's title", seconds=30)
    assert _title(post.pk) == "The Real Title of the Article"
    page = LinkPage.objects.get(link=post.link)
    assert (page.health, page.status_code, page.site_name) == (LinkHealth.OK, 200, "Local News")
    assert "Sourdough bread needs a starter" in page.text
    assert "Home" not in page.text
    assert "The Real Title of the Article" in client.get("/u/alice/").content.decode()


def test_a_typed_title_stays_and_a_gone_page_is_found(client, alice, page_server, interactive_lane):
    page_server.expect_request("/gone").respond_with_data("Gone", status=410)
    client.force_login(alice)
    url = page_server.url_for("/gone")
    client.post("/add/", {"url": url, "title": "My own words"})
    page = LinkPage.objects.get()
    wait_until(lambda: LinkPage.objects.get(pk=page.pk).checked_at, "the check", seconds=30)
    assert LinkPage.objects.get(pk=page.pk).health == LinkHealth.GONE
    assert Post.objects.get().title == "My own words"


def test_a_refused_address_is_never_asked(client, alice, page_server, interactive_lane):
    # The worker may reach the test server's port only: another loopback port is refused.
    client.force_login(alice)
    client.post("/add/", {"url": f"http://127.0.0.1:{page_server.port + 1}/", "title": ""})
    page = LinkPage.objects.get()
    wait_until(lambda: LinkPage.objects.get(pk=page.pk).checked_at, "the check", seconds=30)
    page.refresh_from_db()
    assert (page.health, page.status_code, page.failures) == (LinkHealth.UNCHECKED, None, 0)


def test_the_add_forms_preview_answers_with_the_title_once_read(
    client, alice, page_server, interactive_lane
):
    page_server.expect_request("/bread").respond_with_data(
        ARTICLE, content_type="text/html; charset=utf-8"
    )
    client.force_login(alice)
    url = page_server.url_for("/bread")
    assert client.post("/pages/title/", {"url": url}).json()["ready"] is False
    wait_until(
        lambda: client.post("/pages/title/", {"url": url}).json()["ready"],
        "the preview",
        seconds=30,
    )
    answer = client.post("/pages/title/", {"url": url}).json()
    assert answer == {"ready": True, "title": "The Real Title of the Article"}
    # Saving it now finds the page read: the bare URL gets the title at once, with no new fetch.
    client.post("/add/", {"url": url, "title": ""})
    assert Post.objects.get().title == "The Real Title of the Article"
    assert len(page_server.log) == 1
