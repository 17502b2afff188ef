"""A person tends their broken links and a page's copy in Debian's chromium: the badge on their
list, the list of broken links, the new address taken, the copy read and deleted, the page's own
description taken as a note, and the choice about private bookmarks. Screenshots in
test-artifacts/."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kwippy.posts import services
from kwippy.posts.models import LinkHealth
from tests.browser.test_person_path import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    browser,
    shot,
    site,
)
from tests.conftest import PASSWORD, make_user
from tests.pages.helpers import page_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tended(site):  # noqa: F811
    """Erin's bookmarks as the page jobs left them: one moved, one gone, one read with a copy
    and a description of its own."""
    erin = make_user("erin", display_name="Erin Ellis")
    now = timezone.now()
    moved = services.post_create(user=erin, url="https://old.example/recipes", title="Recipes")
    gone = services.post_create(
        user=erin, url="https://gone.example/", title="A shop that closed", is_private=True
    )
    kept = services.post_create(user=erin, url="https://news.example/story", title="A story")
    page_write(
        link=moved.link,
        health=LinkHealth.MOVED,
        moved_to="https://new.example/recipes",
        checked_at=now,
    )
    page_write(link=gone.link, health=LinkHealth.GONE, status_code=410, checked_at=now)
    page_write(
        link=kept.link,
        health=LinkHealth.OK,
        checked_at=now,
        fetched_at=now,
        title="The story, as the paper titled it",
        description="What happened in town this week.",
        text="It began on Monday.\nBy Friday the whole town knew.\n<b>Not bold.</b>",
    )
    return {"kept": kept.pk}


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 390)])
def test_a_person_mends_broken_links_and_reads_a_copy(site, tended, browser, scheme, width):  # noqa: F811
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, base_url=site
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/u/erin/")
    expect(page.locator(".badge.health")).to_have_count(2)
    expect(page.get_by_title("Moved to new.example/recipes")).to_have_text(
        "moved: moved to new.example/recipes"
    )
    shot(page, f"pages-badges-{scheme}-{width}")

    page.get_by_role("link", name="2 broken links").click()
    expect(page.get_by_role("heading", name="Broken links")).to_be_visible()
    shot(page, f"pages-broken-{scheme}-{width}")
    page.get_by_role("button", name="Use the new address for “Recipes”").click()
    expect(page.get_by_text("“Recipes” now links to https://new.example/recipes.")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete “A shop that closed”").click()
    expect(page.get_by_text("Bookmark deleted.")).to_be_visible()
    expect(page.get_by_text("No broken links")).to_be_visible()

    page.goto("/u/erin/")
    page.get_by_role("link", name="Cached copy of “A story”").click()
    expect(page.get_by_role("heading", name="The story, as the paper titled it")).to_be_visible()
    expect(page.get_by_text("<b>Not bold.</b>")).to_be_visible()
    shot(page, f"pages-copy-{scheme}-{width}")
    page.get_by_role("link", name="Delete this copy").click()
    shot(page, f"pages-copy-delete-{scheme}-{width}")
    page.get_by_role("button", name="Delete the copy").click()
    expect(page.get_by_text("No copy of this page is kept: it was deleted")).to_be_visible()

    page.goto(f"/p/{tended['kept']}/edit/")
    expect(page.get_by_label("Description")).to_have_value("")
    shot(page, f"pages-edit-offer-{scheme}-{width}")
    page.get_by_role("button", name="Use this description").click()
    expect(page.get_by_label("Description")).to_have_value("What happened in town this week.")
    expect(page.get_by_label("Description")).to_be_focused()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Bookmark updated.")).to_be_visible()
    # Taken as the note; and the moved bookmark now shows its new address.
    expect(page.locator(".post-description")).to_have_text("What happened in town this week.")
    expect(page.locator(".post-url").filter(has_text="new.example/recipes")).to_have_count(1)

    page.goto("/settings/")
    page.get_by_label("Fetch the pages of my private bookmarks").uncheck()
    page.get_by_role("button", name="Save this choice").click()
    expect(page.get_by_text("will not be fetched any more")).to_be_visible()
    expect(page.get_by_label("Fetch the pages of my private bookmarks")).not_to_be_checked()
    shot(page, f"pages-settings-{scheme}-{width}")
    section = page.locator("section[aria-labelledby=pages]")
    section.screenshot(path=str(ARTIFACTS / f"pages-settings-section-{scheme}-{width}.png"))
    context.close()


def test_without_javascript_the_description_is_there_to_copy(site, tended, browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, base_url=site)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/p/{tended['kept']}/edit/")
    expect(page.get_by_text("What happened in town this week.")).to_be_visible()
    expect(page.get_by_role("button", name="Use this description")).to_be_hidden()
    expect(page.get_by_label("Description")).to_have_value("")
    context.close()
