"""The bookmarklet run on a page of another site, in Debian's chromium, light and dark: the pop-up
saves and closes itself, and on a page saved already shows that bookmark to change. Every state is
checked with axe-core; screenshots land in test-artifacts/.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from kwippy.posts import services
from tests.browser.test_finding_path import sign_in
from tests.browser.test_person_path import browser, shot, site  # noqa: F401 (fixtures)
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The size the bookmarklet asks for (kwippy/posts/templatetags/posts_sections.py).
POPUP = {"width": 640, "height": 620}


class ArticlePage(BaseHTTPRequestHandler):
    """Another site's page, with no Cross-Origin-Opener-Policy, as most pages are."""

    def do_GET(self):
        body = b"<!doctype html><title>An article elsewhere</title><p>Words worth keeping.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def elsewhere():
    """Serve another site's page on a port of its own: another origin than the live server's."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ArticlePage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/article"
    server.shutdown()
    server.server_close()


@pytest.fixture
def reader(site):  # noqa: F811
    """Alice, with a bookmark of her own."""
    alice = make_user("alice", display_name="Alice Archer")
    services.post_create(user=alice, url="https://example.org/", title="Example", tags="misc")


def open_popup(page: Page, code: str) -> Page:
    """Run the bookmarklet on `page` as a click on it in the bookmarks bar would."""
    with page.context.expect_page() as popup_info:
        page.evaluate(code.removeprefix("javascript:"))
    popup = popup_info.value
    popup.set_viewport_size(POPUP)
    popup.wait_for_load_state()
    return popup


def button_in_view(popup: Page, name: str) -> None:
    """The button is on screen at the pop-up's size, without scrolling."""
    button = popup.get_by_role("button", name=name)
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["y"] + box["height"] <= POPUP["height"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_bookmarklet_on_another_site_saves_and_closes_and_then_edits(
    site,  # noqa: F811
    reader,
    elsewhere,
    browser,  # noqa: F811
    scheme,
):
    base = site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, base, "alice")
    page.goto(f"{base}/settings/")
    code = page.get_by_label("Or create a bookmark by hand").input_value()

    # On the other site's page: the pop-up, filled in, with its Save button in view.
    page.goto(elsewhere)
    popup = open_popup(page, code)
    response = popup.request.get(popup.url)
    # The pop-up keeps the site's isolation: no page of ours is left to its opener.
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert popup.evaluate("window.opener") is None
    expect(popup.get_by_label("URL")).to_have_value(elsewhere)
    expect(popup.get_by_label("Title")).to_have_value("An article elsewhere")
    popup.get_by_label("Tags").fill("reading later")
    popup.get_by_label("Description").fill("Words worth keeping.")
    button_in_view(popup, "Save bookmark")
    shot(popup, f"bookmarklet-popup-{scheme}")
    # Waited for from before the click: the saved page closes itself within a second.
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save bookmark").click()
    expect(page).to_have_url(elsewhere)

    # Again on the same page: the bookmark as saved, to change; saving changes it, and closes.
    popup = open_popup(page, code)
    expect(popup.get_by_role("heading", name="Saved already")).to_be_visible()
    expect(popup.get_by_label("Title")).to_have_value("An article elsewhere")
    expect(popup.get_by_label("Tags")).to_have_value("reading later")
    expect(popup.get_by_label("Description")).to_have_value("Words worth keeping.")
    button_in_view(popup, "Save changes")
    shot(popup, f"bookmarklet-popup-saved-already-{scheme}")
    popup.get_by_label("Tags").fill("reading kept")
    popup.get_by_label("Private (only you see it)").check()
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save changes").click()

    page.goto(f"{base}/u/alice/")
    article = page.get_by_role("article").filter(has_text="An article elsewhere")
    expect(article).to_have_count(1)
    expect(article.get_by_role("link", name="kept")).to_be_visible()
    expect(article.get_by_text("private", exact=True)).to_be_visible()
    context.close()
