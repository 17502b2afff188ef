"""A newcomer's first steps in Debian's chromium, at desktop and phone width, light and dark: the
sign-in page's ways out, sign-up mistakes under their fields, the welcome on an empty home page
and its people to follow, and the page an address only a button may use answers a GET with.
Every state passes axe-core; screenshots land in test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kwippy.accounts.services import follow_create
from kwippy.posts import services
from tests.browser.test_finding_path import WIDTHS, fits
from tests.browser.test_person_path import browser, shot, site  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def savers(site):  # noqa: F811
    """Carol, followed by two, and dave saved public bookmarks; erin only private ones."""
    carol = make_user("carol", display_name="Carol Chen", bio="Gardens and old maps.")
    dave = make_user("dave")
    erin = make_user("erin")
    services.post_create(user=carol, url="https://maps.example/", title="Old maps", tags="maps")
    services.post_create(user=dave, url="https://dave.example/", title="Dave's page")
    services.post_create(user=erin, url="https://erin.example/", title="Hidden", is_private=True)
    follow_create(follower=dave, followee=carol)
    follow_create(follower=erin, followee=carol)


def field_of(page: Page, label: str):
    """The block of one form field: its label, input, help and errors."""
    return page.locator(".field").filter(has=page.get_by_label(label, exact=True))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_a_newcomer_signs_up_starts_and_meets_the_button_pages(
    site,  # noqa: F811
    savers,
    browser,  # noqa: F811
    width,
    scheme,
):
    base = site
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    context.set_default_timeout(10_000)
    page = context.new_page()
    name = f"{width}-{scheme}"

    # The sign-in page: a wrong password is boxed above the fields; the ways out are links.
    page.goto(f"{base}/accounts/login/?next=/popular/")
    page.get_by_label("Username or email").fill("carol")
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name="Sign in").click()
    error = page.locator(".form-errors")
    expect(error).to_have_text(re.compile("do not match an account"))
    assert error.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    shot(page, f"signin-error-{name}")
    fits(page, WIDTHS[width]["width"])
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(f"{base}/accounts/password/reset/")
    page.goto(f"{base}/accounts/login/?next=/popular/")
    page.get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(f"{base}/accounts/signup/?next=%2Fpopular%2F")
    page.goto(f"{base}/accounts/signup/")

    # Sign-up: what is wrong with the password shows under the password, not its confirmation.
    page.get_by_label("Username").fill("newbie")
    page.get_by_label("Email").fill("newbie@example.com")
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_label("Password confirmation").fill("password")
    page.get_by_role("button", name="Sign up").click()
    expect(field_of(page, "Password").locator(".errors")).to_have_text(
        re.compile("This password is too common")
    )
    expect(field_of(page, "Password confirmation").locator(".errors")).to_have_count(0)
    expect(page.get_by_text("the password fields are emptied")).to_be_visible()
    shot(page, f"signup-errors-{name}")
    fits(page, WIDTHS[width]["width"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    # The empty home page: three ways in, and people to follow, the most followed first.
    expect(page.get_by_role("heading", name="Start your bookmarks")).to_be_visible()
    expect(page.get_by_role("link", name="Add a bookmark")).to_be_visible()
    expect(page.get_by_role("link", name="Get the bookmarklet")).to_have_attribute(
        "href", "/settings/#bookmarklet"
    )
    expect(page.get_by_role("link", name="Import a bookmarks file")).to_be_visible()
    suggested = page.locator(".suggestion .person-name")
    expect(suggested).to_have_text(["Carol Chen", "dave"])
    shot(page, f"home-welcome-{name}")
    fits(page, WIDTHS[width]["width"])
    page.get_by_role("button", name="Follow Carol Chen").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("link", name="Old maps", exact=True)).to_be_visible()

    # A bookmark of one's own, then its delete address opened as a page: the button to do it.
    page.goto(f"{base}/add/")
    page.get_by_label("URL").fill("https://mine.example/")
    page.get_by_label("Title").fill("Mine to delete")
    page.get_by_role("button", name="Save bookmark").click()
    mine = page.get_by_role("article").filter(has_text="Mine to delete")
    edit = mine.get_by_role("link", name=re.compile("^Edit")).get_attribute("href")
    delete = edit.replace("/edit/", "/delete/")
    response = page.goto(base + delete)
    assert response.status == 405
    assert response.headers["allow"] == "POST"
    expect(page.get_by_role("heading", name="This address needs a button")).to_be_visible()
    shot(page, f"405-delete-{name}")
    fits(page, WIDTHS[width]["width"])
    page.get_by_role("button", name="Delete this bookmark").click()
    expect(page).to_have_url(f"{base}/u/newbie/")
    expect(page.get_by_text("Mine to delete")).to_have_count(0)

    # The sign-out address opened as a page: the Sign out button, which signs out.
    response = page.goto(f"{base}/accounts/logout/")
    assert response.status == 405
    shot(page, f"405-logout-{name}")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    context.close()
