"""Finding things in Debian's chromium, at desktop and phone width: search scopes and filters, one
row per link, related tags that narrow, sorting, all tags, people. Every page visited passes
axe-core (no moderate, serious or critical violation); screenshots land in test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kwippy.accounts.services import follow_create
from kwippy.posts import services
from tests.browser.axe import assert_accessible
from tests.browser.test_person_path import browser, shot, site  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, make_user

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def finders(site):  # noqa: F811
    """Alice follows bob; one link saved by all three; tags that go together."""
    alice = make_user("alice", display_name="Alice Archer")
    bob = make_user("bob", display_name="Bob Baker")
    charlie = make_user("charlie")
    follow_create(follower=alice, followee=bob)
    follow_create(follower=charlie, followee=bob)
    for person in (charlie, bob, alice):
        services.post_create(
            user=person,
            url="https://garden.example/roses",
            title=f"Roses ({person.username})",
            tags="garden flowers",
        )
    services.post_create(user=alice, url="https://a.example/", title="Zucchini", tags="garden veg")
    services.post_create(
        user=alice,
        url="https://b.example/",
        title="Apple trees",
        tags="garden trees",
        is_private=True,
    )
    services.post_create(user=bob, url="https://lwn.net/x", title="Kernel news", tags="linux")


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your network")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_finding_bookmarks_tags_and_people(site, finders, browser, width):  # noqa: F811
    base = site
    viewport = WIDTHS[width]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()

    # A visitor's home shows the link saved three times once, by its first save.
    page.goto(f"{base}/")
    expect(page.get_by_role("link", name=re.compile(r"^Roses"))).to_have_count(1)
    expect(page.get_by_role("link", name="saved by 3 people")).to_be_visible()
    assert_accessible(page)

    # Tag pages: related tags narrow, and each active tag can be removed.
    page.goto(f"{base}/t/garden/")
    related = page.get_by_role("complementary", name="Related tags")
    related.get_by_role("link", name=re.compile(r"^flowers")).click()
    expect(page).to_have_url(f"{base}/t/garden+flowers/")
    expect(page.get_by_role("link", name="Roses (charlie)", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Zucchini", exact=True)).to_have_count(0)
    assert_accessible(page)
    shot(page, f"tag-narrowed-{width}")
    page.get_by_role("link", name="Remove tag garden").click()
    expect(page).to_have_url(f"{base}/t/flowers/")

    # Search with a scope, a tag filter and OR; the private post is alice's alone.
    sign_in(page, base, "alice")
    page.goto(f"{base}/search/?q=garden")
    page.get_by_label("Mine").check()
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Apple trees", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Roses (charlie)", exact=True)).to_have_count(0)
    search_box = page.get_by_role("main").get_by_role("searchbox")
    search_box.fill("tag:veg OR site:lwn.net")
    page.get_by_label("Everyone's bookmarks").check()
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Zucchini", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Kernel news", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Apple trees", exact=True)).to_have_count(0)
    assert_accessible(page)
    shot(page, f"search-scope-{width}")

    # Her own list, sorted by title; her tag cloud narrows within her; all her tags.
    page.goto(f"{base}/u/alice/")
    page.get_by_role("link", name="By title").click()
    titles = page.locator("article h2").all_inner_texts()
    assert titles == ["Apple trees", "Roses (alice)", "Zucchini"]
    assert_accessible(page)
    shot(page, f"profile-by-title-{width}")
    page.get_by_role("complementary").get_by_role("link", name=re.compile(r"^garden")).click()
    page.get_by_role("complementary").get_by_role("link", name=re.compile(r"^veg")).click()
    expect(page).to_have_url(f"{base}/u/alice/t/garden+veg/")
    expect(page.locator("article h2")).to_have_text(["Zucchini"])
    assert_accessible(page)
    page.get_by_role("link", name="All of Alice Archer's tags").click()
    page.get_by_role("link", name="Most used").click()
    expect(page.locator(".tag-table .tag").first).to_have_text("garden")
    expect(page.get_by_text("trees")).to_be_visible()
    assert_accessible(page)
    shot(page, f"all-tags-{width}")
    fits(page, viewport["width"])

    # People: the directory, then the follower list from a profile's count.
    page.goto(f"{base}/people/?sort=followed")
    expect(page.locator(".person-name").first).to_have_text("Bob Baker")
    assert_accessible(page)
    shot(page, f"people-{width}")
    fits(page, viewport["width"])
    page.get_by_role("link", name="Bob Baker").click()
    page.get_by_role("link", name="2 followers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People following Bob Baker")
    expect(page.locator(".person-name")).to_have_text(["charlie", "Alice Archer"])
    assert_accessible(page)
    context.close()
