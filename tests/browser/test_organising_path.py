"""Organising one's bookmarks in Debian's chromium, at desktop and phone width, light and dark:
the reading list and Mark read, the filters, bulk edit with "select all", renaming a tag, moving a
bookmark to a new address, tag suggestions from the keyboard. Every page visited passes axe-core;
screenshots land in test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import expect

from kwippy.posts import services
from tests.browser.axe import assert_accessible
from tests.browser.test_finding_path import WIDTHS, fits, sign_in
from tests.browser.test_person_path import browser, shot, site  # noqa: F401 (fixtures)
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organiser(site):  # noqa: F811
    """Alice's bookmarks: two to read, one untagged; bob saved one of her links."""
    alice = make_user("alice", display_name="Alice Archer")
    bob = make_user("bob", display_name="Bob Baker")
    save = services.post_create
    save(user=alice, url="https://a.example/", title="Article A", tags="js web", to_read=True)
    save(user=alice, url="https://b.example/", title="Article B", tags="js", to_read=True)
    save(user=alice, url="https://c.example/", title="Untagged C")
    moved = save(user=alice, url="https://old.example/", title="Moved page", tags="docs")
    save(user=bob, url="https://d.example/", title="Bob's D", tags="javascript")
    # The browser's event loop keeps the ORM out of the test: the page tells what was saved.
    return moved.pk


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_organising_ones_bookmarks(site, organiser, browser, width, scheme):  # noqa: F811
    base = site
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    context.set_default_timeout(10_000)
    page = context.new_page()
    name = f"{width}-{scheme}"
    sign_in(page, base, "alice")

    # The reading list, and Mark read returning to it.
    page.goto(f"{base}/u/alice/")
    page.get_by_role("link", name="To read", exact=True).first.click()
    expect(page).to_have_url(f"{base}/u/alice/toread/")
    expect(page.locator("article h2")).to_have_text(["Article B", "Article A"])
    shot(page, f"toread-{name}")
    fits(page, WIDTHS[width]["width"])
    page.get_by_role("button", name="Mark read “Article B”").click()
    expect(page).to_have_url(f"{base}/u/alice/toread/")
    expect(page.locator("article h2")).to_have_text(["Article A"])
    expect(page.get_by_text("Marked “Article B” read.")).to_be_visible()

    # The filters of her own list.
    page.goto(f"{base}/u/alice/")
    page.get_by_role("navigation", name="Show only").get_by_role("link", name="Untagged").click()
    expect(page.locator("article h2")).to_have_text(["Untagged C"])
    assert_accessible(page)

    # Bulk edit: select all on the page, add a tag, confirm once.
    page.goto(f"{base}/u/alice/")
    page.get_by_role("link", name="Select all on this page").click()
    expect(page.locator("input.select-post:checked")).to_have_count(4)
    page.get_by_role("checkbox", name="Select “Moved page”").uncheck()
    page.get_by_label("With the selected").select_option("add_tags")
    page.get_by_label("Tags to add or remove").fill("reading")
    page.get_by_role("button", name="Apply…").click()
    expect(
        page.get_by_role("heading", name=re.compile("Add tags “reading”: 3 bookmarks"))
    ).to_be_visible()
    shot(page, f"bulk-confirm-{name}")
    page.get_by_role("button", name="Add tags").click()
    expect(page).to_have_url(f"{base}/u/alice/")
    page.goto(f"{base}/u/alice/t/reading/")
    expect(page.locator("article h2")).to_have_count(3)
    shot(page, f"bulk-list-{name}")
    fits(page, WIDTHS[width]["width"])

    # Renaming a tag onto one in use merges them, after a confirmation with the counts.
    page.goto(f"{base}/u/alice/tags/")
    page.get_by_role("link", name="Rename or delete “js”").click()
    page.get_by_label("New name").fill("web")
    page.get_by_role("button", name="Rename…").click()
    expect(page.get_by_role("heading", name="Merge “js” into “web”?")).to_be_visible()
    shot(page, f"tag-merge-{name}")
    page.get_by_role("button", name="Merge").click()
    expect(page).to_have_url(f"{base}/u/alice/tags/")
    expect(page.get_by_text("Merged “js” into “web” on 2 bookmarks.")).to_be_visible()

    # A moved page: a new address on the edit page, and a tag suggested from the keyboard.
    page.goto(f"{base}/p/{organiser}/edit/")
    page.get_by_label("URL").fill("https://new.example/")
    tags = page.get_by_role("combobox", name="Tags")
    tags.fill("docs")
    tags.press_sequentially(" rea")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox.get_by_role("option")).to_have_text(["reading"])
    tags.press("ArrowDown")
    assert_accessible(page)
    shot(page, f"tag-suggestions-{name}")
    tags.press("Enter")
    expect(tags).to_have_value("docs reading ")
    expect(listbox).to_be_hidden()
    page.get_by_role("button", name="Save changes").click()
    page.goto(f"{base}/u/alice/t/docs+reading/")
    expect(page.locator("article .post-url")).to_have_text(["https://new.example/"])
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_every_organising_form_still_works(site, organiser, browser, width):  # noqa: F811
    context = browser.new_context(viewport=WIDTHS[width], java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, site, "alice")
    page.goto(f"{site}/u/alice/toread/")
    page.get_by_role("button", name="Mark read “Article A”").click()
    expect(page).to_have_url(f"{site}/u/alice/toread/")
    expect(page.locator("article h2")).to_have_text(["Article B"])
    page.goto(f"{site}/u/alice/")
    page.get_by_role("link", name="Select all on this page").click()
    expect(page).to_have_url(f"{site}/u/alice/?select=all")
    expect(page.locator("input.select-post:checked")).to_have_count(4)
    page.get_by_label("With the selected").select_option("toread")
    page.get_by_role("button", name="Apply…").click()
    page.get_by_role("button", name="Mark to read").click()
    expect(page).to_have_url(f"{site}/u/alice/")
    page.goto(f"{site}/u/alice/toread/")
    expect(page.locator("article h2")).to_have_count(4)
    page.goto(f"{site}/add/")
    page.get_by_label("URL").fill("https://e.example/")
    page.get_by_label("Tags").fill("plain")
    page.get_by_role("button", name="Save bookmark").click()
    page.goto(f"{site}/u/alice/t/plain/")
    expect(page.locator("article .post-url")).to_have_text(["https://e.example/"])
    context.close()
