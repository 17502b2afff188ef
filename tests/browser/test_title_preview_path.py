"""A person saves a bare URL in Debian's chromium and sees the page's own title come into the
form while they wait: on the add page, and in the bookmarklet's pop-up. A real worker fetches
the page from a real local server. Screenshots in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_person_path import (  # noqa: F401 (fixtures)
    browser,
    shot,
    site,
)
from tests.conftest import PASSWORD, make_user
from tests.jobs import WorkerProcess, jobs_clear
from tests.pages.test_end_to_end import ARTICLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "The Real Title of the Article"


@pytest.fixture
def reader(site, page_server):  # noqa: F811
    make_user("rosa")
    jobs_clear()
    page_server.expect_request("/bread").respond_with_data(
        ARTICLE, content_type="text/html; charset=utf-8"
    )
    page_server.expect_request("/bread-again").respond_with_data(
        ARTICLE, content_type="text/html; charset=utf-8"
    )
    allowed = {"LINK_FETCH_ALLOWED_NETWORKS": f"127.0.0.1:{page_server.port}"}
    with WorkerProcess("interactive", env=allowed):
        yield page_server


def _signed_in(browser, site, scheme, width):  # noqa: F811
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, base_url=site
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 390)])
def test_the_add_page_fills_in_the_pages_title_while_the_person_waits(
    site,  # noqa: F811
    reader,
    browser,  # noqa: F811
    scheme,
    width,
):
    page = _signed_in(browser, site, scheme, width)
    page.goto("/add/")
    page.get_by_label("URL").fill(reader.url_for("/bread"))
    page.get_by_label("URL").press("Tab")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_role("status")).to_have_text("Title filled in from the page.")
    shot(page, f"pages-title-preview-{scheme}-{width}")
    page.get_by_role("button", name="Save bookmark").click()
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()


def test_a_title_the_person_typed_is_left_alone(site, reader, browser):  # noqa: F811
    page = _signed_in(browser, site, "light", 1280)
    page.goto("/add/")
    page.get_by_label("Title").fill("My own name for it")
    page.get_by_label("URL").fill(reader.url_for("/bread"))
    page.get_by_label("URL").press("Tab")
    page.get_by_role("button", name="Save bookmark").click()
    expect(page.get_by_role("link", name="My own name for it", exact=True)).to_be_visible()


def test_the_bookmarklets_pop_up_fills_in_the_title_too(site, reader, browser):  # noqa: F811
    page = _signed_in(browser, site, "light", 640)
    url = reader.url_for("/bread-again")
    page.goto(f"/add/?popup=1&url={url}")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    shot(page, "pages-title-preview-popup")
