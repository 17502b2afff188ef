"""A person's path through the site in Debian's chromium, with screenshots of the main pages.

Screenshots land in test-artifacts/ (git-ignored) for people to look at.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from kwippy.posts import services
from tests.browser.axe import assert_accessible
from tests.conftest import PASSWORD, make_user

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(settings):
    """Yield Debian's chromium. Make data before it starts: while Playwright's event loop runs,
    Django would keep this thread's database connection apart, and leave it open."""
    # The live server serves static files from the finders, which know no hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def site(django_db_setup, live_server) -> str:
    """Return the live server's address; the test database is set up first, so torn down last."""
    return live_server.url


def shot(page: Page, name: str) -> None:
    """Keep a screenshot of the page for people to look at, and check it with axe-core."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert_accessible(page)


def sign_up(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Your network")).to_be_visible()


@pytest.fixture
def frank(site):
    return make_user("frank", display_name="Frank Fisher")


@pytest.fixture
def long_post(site):
    alice = make_user("alice", display_name="Alice Archer")
    return services.post_create(
        user=alice, url="https://example.org/a-long/path/" + "x" * 80, title="A " * 40, tags="t"
    )


def test_a_person_saves_edits_hides_follows_searches_and_signs_out(site, frank, browser):
    base = site
    dora = browser.new_context(viewport={"width": 1100, "height": 800})
    dora.set_default_timeout(10_000)
    page = dora.new_page()
    sign_up(page, base, "dora")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    # The bookmarklet opens /add/ with the page's address, title and selected text.
    page.goto(
        f"{base}/add/?popup=1&url=https%3A%2F%2Fexample.org%2Farticle"
        "&title=An+article+to+keep&description=The+selected+words"
    )
    expect(page.get_by_label("URL")).to_have_value("https://example.org/article")
    expect(page.get_by_label("Title")).to_have_value("An article to keep")
    expect(page.get_by_label("Description")).to_have_value("The selected words")
    page.get_by_label("Tags").fill("reading Web")
    shot(page, "add-popup")
    page.get_by_role("button", name="Save bookmark").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()

    # The bookmarklet itself, run on a page being read, opens the pop-up, which closes itself
    # after saving and leaves the reader on their page.
    page.goto(f"{base}/settings/")
    code = page.get_by_label("Or create a bookmark by hand").input_value()
    assert code.startswith("javascript:")
    page.goto(f"{base}/popular/")
    with dora.expect_page() as popup_info:
        page.evaluate(code.removeprefix("javascript:"))
    popup = popup_info.value
    expect(popup.get_by_label("URL")).to_have_value(f"{base}/popular/")
    expect(popup.get_by_label("Title")).to_have_value("Popular · kwippy")
    popup.get_by_role("button", name="Save bookmark").click()
    popup.wait_for_event("close")
    expect(page).to_have_url(f"{base}/popular/")

    # A second, public bookmark from the full add page.
    page.goto(f"{base}/add/")
    page.get_by_label("URL").fill("https://docs.python.org/3/")
    page.get_by_label("Title").fill("Python documentation")
    page.get_by_label("Tags").fill("python docs")
    page.get_by_role("button", name="Save bookmark").click()

    # Both are on the profile; edit the first one's tags and make it private.
    expect(page).to_have_url(f"{base}/u/dora/")
    article = page.get_by_role("article").filter(has_text="An article to keep")
    expect(article.get_by_role("link", name="web")).to_be_visible()
    article.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Tags").fill("reading python")
    page.get_by_label("Private (only you see it)").check()
    shot(page, "edit")
    page.get_by_role("button", name="Save changes").click()
    article = page.get_by_role("article").filter(has_text="An article to keep")
    expect(article.get_by_text("private", exact=True)).to_be_visible()
    expect(article.get_by_role("link", name="python")).to_be_visible()
    shot(page, "profile")

    # Someone else cannot see it: not on the profile, the tag page or in search.
    erin = browser.new_context(viewport={"width": 1100, "height": 800})
    other = erin.new_page()
    sign_up(other, base, "erin")
    other.goto(f"{base}/u/dora/")
    expect(other.get_by_role("link", name="Python documentation", exact=True)).to_be_visible()
    expect(other.get_by_text("An article to keep")).to_have_count(0)
    other.goto(f"{base}/t/reading/")
    expect(other.get_by_text("An article to keep")).to_have_count(0)
    other.goto(f"{base}/search/?q=article")
    expect(other.get_by_text("An article to keep")).to_have_count(0)
    erin.close()

    # Follow someone from their profile.
    page.goto(f"{base}/u/frank/")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    expect(page.get_by_text("1 follower")).to_be_visible()

    # Search finds her own private bookmark; then she clicks a tag.
    page.get_by_role("searchbox", name="Search bookmarks").fill("article")
    page.get_by_role("searchbox", name="Search bookmarks").press("Enter")
    expect(page.get_by_role("link", name="An article to keep", exact=True)).to_be_visible()
    shot(page, "search")
    page.goto(f"{base}/")
    page.get_by_role("article").filter(has_text="Python documentation").get_by_role(
        "link", name="docs"
    ).click()
    expect(page).to_have_url(f"{base}/t/docs/")
    expect(page.get_by_role("link", name="Python documentation", exact=True)).to_be_visible()
    shot(page, "tag")

    for name, path in [("home", "/"), ("popular", "/popular/"), ("settings", "/settings/")]:
        page.goto(base + path)
        shot(page, name)
    page.goto(f"{base}/u/dora/")
    page.get_by_role("article").filter(has_text="Python documentation").get_by_role(
        "link", name="nobody else saved this"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Python documentation")
    expect(page.get_by_text("You saved this.")).to_be_visible()
    shot(page, "url")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(f"{base}/u/dora/")
    expect(page.get_by_text("An article to keep")).to_have_count(0)
    shot(page, "profile-signed-out")
    dora.close()


def test_pages_fit_a_phone_and_follow_a_dark_system_theme(site, long_post, browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, color_scheme="dark", is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{site}/u/alice/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 23, 26)"
    shot(page, "profile-phone-dark")
    context.close()


@pytest.fixture
def dot_tags(site):
    alice = make_user("alice", display_name="Alice Archer")
    services.post_create(user=alice, url="https://dots.example/", title="Dotted", tags=". ..")
    services.post_create(user=alice, url="https://plain.example/", title="Plain", tags="plain")


@pytest.mark.parametrize("tag", [".", ".."])
def test_a_dot_only_tag_leads_to_its_own_pages(site, dot_tags, browser, tag):
    page = browser.new_page()
    page.goto(f"{site}/")
    page.get_by_role("article").filter(has_text="Dotted").get_by_role(
        "link", name=tag, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tagged {tag}")
    expect(page.get_by_text("Dotted")).to_be_visible()
    expect(page.get_by_text("Plain", exact=True)).to_have_count(0)
    page.goto(f"{site}/u/alice/")
    page.get_by_role("link", name=re.compile(rf"^{re.escape(tag)} 1$")).click()
    expect(page.get_by_text("Dotted")).to_be_visible()
    expect(page.get_by_text("Plain", exact=True)).to_have_count(0)
    page.close()


# The login page comes last: the test signs in there.
SIGNED_OUT_FORMS = {"signup": "/accounts/signup/", "login": "/accounts/login/"}
SIGNED_IN_FORMS = {
    "settings": "/settings/",
    "app-passwords": "/settings/app-passwords/",
    "import": "/import/",
    "add": "/add/",
    "password-change": "/accounts/password/change/",
    "search": "/search/?q=kwippy",
}


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1100, 375], ids=["desktop", "phone"])
def test_every_form_page_fits_the_screen_with_and_without_errors(site, frank, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=width < 600)
    context.set_default_timeout(10_000)
    page = context.new_page()
    for name, path in SIGNED_OUT_FORMS.items():
        page.goto(site + path)
        _fits(page, width)
        shot(page, f"form-{name}-{width}")
    page.get_by_label("Username or email").fill("frank")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _fits(page, width)
    shot(page, f"form-login-error-{width}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Add", exact=True)).to_be_visible()
    for name, path in SIGNED_IN_FORMS.items():
        page.goto(site + path)
        _fits(page, width)
        shot(page, f"form-{name}-{width}")
    # A new app password's secret, then a name already taken.
    page.goto(site + "/settings/app-passwords/")
    for _ in range(2):
        page.get_by_label("Name").fill("NetNewsWire on my phone")
        page.get_by_role("button", name="Create app password").click()
        _fits(page, width)
        shot(page, f"form-app-passwords-{'created' if _ == 0 else 'error'}-{width}")
    expect(page.get_by_role("alert")).to_be_visible()
    context.close()
