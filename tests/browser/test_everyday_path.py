"""Everyday flows in Debian's chromium, at desktop and phone width, light and dark: the site bar
and its menu on a phone, a person's bookmark count and tag cloud, editing a bookmark and coming
back to the same page of the same list, a new app password's Copy button, the questions before
revoking an app password and signing out other sessions, a password change and signing out.
Every state is checked with axe-core; screenshots land in test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from kwippy.posts import services
from tests.browser.axe import assert_accessible
from tests.browser.test_finding_path import WIDTHS, fits, sign_in
from tests.browser.test_person_path import browser, shot, site  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def everyday(site, settings):  # noqa: F811
    """Alice's eight bookmarks, one private, five to a page; bob's one about gardens."""
    settings.KWIPPY_PAGE_SIZE = 5
    alice = make_user("alice", display_name="Alice Archer")
    bob = make_user("bob", display_name="Bob Baker")
    for n in range(1, 9):
        services.post_create(
            user=alice,
            url=f"https://{n}.example/",
            title=f"Garden note {n}",
            description="Roses, beans and the compost heap, week by week.",
            tags=f"garden week{n} {'roses' if n % 2 else 'beans'}",
            is_private=n == 8,
        )
    services.post_create(user=bob, url="https://bob.example/", title="Bob's garden", tags="garden")


def _box(page: Page, locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def _open_menu(page: Page, phone: bool) -> None:
    """On a phone the bar's links are in its menu: open it."""
    if phone:
        page.get_by_role("navigation", name="Site").get_by_text("Menu", exact=True).click()


def _the_bar_is_one_row(page: Page, width: int, *, signed_in: bool = True) -> None:
    bar = page.get_by_role("navigation", name="Site")
    shown = ["Add"] if signed_in else ["Sign in", "Sign up"]
    parts = [
        bar.get_by_role("link", name="kwippy"),
        *(bar.get_by_role("link", name=name, exact=True) for name in shown),
        bar.get_by_text("Menu", exact=True),
    ]
    boxes = [_box(page, part) for part in parts]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) < 8, boxes
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes), boxes
    for hidden in ("Popular", "People", "Settings"):
        expect(bar.get_by_role("link", name=hidden, exact=True)).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_everyday_flows(site, everyday, browser: Browser, width, scheme):  # noqa: F811
    base = site
    viewport = WIDTHS[width]
    phone = width == "phone"
    name = f"{viewport['width']}-{scheme}"
    context = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=phone)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, base, "alice")

    # The site bar: one row on a phone, the rest in a menu the keyboard opens and Escape closes.
    bar = page.get_by_role("navigation", name="Site")
    if phone:
        _the_bar_is_one_row(page, viewport["width"])
        summary = bar.get_by_text("Menu", exact=True)
        summary.focus()
        page.keyboard.press("Enter")
        menu = bar.get_by_role("list").filter(has=page.get_by_role("link", name="Settings"))
        for item in ("Popular", "People", "alice", "Settings"):
            link = menu.get_by_role("link", name=item, exact=True)
            expect(link).to_be_visible()
            box = _box(page, link)
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= viewport["width"]
        expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
        shot(page, f"nav-menu-{name}")
        page.keyboard.press("Tab")
        expect(menu.get_by_role("link", name="Popular")).to_be_focused()
        page.keyboard.press("Escape")
        expect(summary).to_be_focused()
        expect(menu.get_by_role("link", name="Settings")).to_be_hidden()
    else:
        expect(bar.get_by_text("Menu", exact=True)).to_be_hidden()
        for item in ("Popular", "People", "alice", "Settings"):
            expect(bar.get_by_role("link", name=item, exact=True)).to_be_visible()

    # Her page counts her bookmarks, the private one too; the tag cloud comes after the posts
    # on a phone, beside them on a desktop.
    page.goto(f"{base}/u/alice/")
    expect(page.locator(".profile .counts")).to_contain_text("8 bookmarks, private included")
    articles = page.get_by_role("article")
    cloud = page.get_by_role("complementary", name="Tags")
    last_post, cloud_box = _box(page, articles.last), _box(page, cloud)
    if phone:
        assert cloud_box["y"] >= last_post["y"] + last_post["height"]
    else:
        assert cloud_box["x"] >= last_post["x"] + last_post["width"]
        assert cloud_box["y"] < last_post["y"]
    fits(page, viewport["width"])
    shot(page, f"profile-count-{name}")

    # Edit a bookmark on the second page of her list sorted by title: back to that page.
    page.get_by_role("navigation", name="Sort bookmarks").get_by_role(
        "link", name="By title"
    ).click()
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"/u/alice/\?sort=title&before="))
    second_page = page.url
    expect(articles.first.get_by_role("heading")).to_have_text("Garden note 6")
    articles.first.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Title").fill("Garden note 6, edited")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(second_page)
    expect(page.get_by_text("Bookmark updated.")).to_be_visible()
    expect(articles.first.get_by_role("heading")).to_have_text("Garden note 6, edited")
    shot(page, f"edit-returned-{name}")
    # Cancel goes back there too.
    articles.first.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(second_page)

    # Someone else sees her public count.
    visitor = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=phone)
    other = visitor.new_page()
    other.goto(f"{base}/u/alice/")
    expect(other.locator(".profile .counts")).to_contain_text("7 bookmarks ·")
    expect(other.locator(".profile .counts")).not_to_contain_text("private")
    visitor.close()

    # A new app password: shown once, with a Copy button that says it copied.
    page.goto(f"{base}/settings/app-passwords/")
    page.get_by_label("Name").fill("Feed reader")
    page.get_by_role("button", name="Create app password").click()
    secret = page.locator(".secret-value").text_content()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    fits(page, viewport["width"])
    shot(page, f"app-password-copied-{name}")

    # Revoking asks first; Cancel leaves it; Revoke revokes.
    page.goto(f"{base}/settings/app-passwords/")
    page.get_by_role("link", name="Revoke “Feed reader”…").click()
    expect(page.get_by_role("heading", name="Revoke “Feed reader”?")).to_be_visible()
    fits(page, viewport["width"])
    shot(page, f"app-password-revoke-{name}")
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(f"{base}/settings/app-passwords/")
    page.get_by_role("link", name="Revoke “Feed reader”…").click()
    page.get_by_role("button", name="Revoke “Feed reader”").click()
    expect(page.get_by_text("Revoked “Feed reader”. It no longer works.")).to_be_visible()
    assert_accessible(page)

    # Signing out another session asks first, naming it; so does signing out everywhere else.
    elsewhere = browser.new_context(
        user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    )
    laptop = elsewhere.new_page()
    sign_in(laptop, base, "alice")
    page.goto(f"{base}/settings/sessions/")
    page.get_by_role("link", name=re.compile(r"^Sign out Firefox on Linux")).click()
    expect(page.get_by_role("heading", name="Sign out this session?")).to_be_visible()
    expect(page.get_by_text("Firefox on Linux")).to_be_visible()
    fits(page, viewport["width"])
    shot(page, f"session-sign-out-{name}")
    page.get_by_role("button", name="Sign out this session").click()
    expect(page.get_by_text("That session is signed out.")).to_be_visible()
    sign_in(laptop, base, "alice")
    page.goto(f"{base}/settings/sessions/")
    page.get_by_role("link", name="Sign out everywhere else…").click()
    expect(page.get_by_role("heading", name="Sign out everywhere else?")).to_be_visible()
    shot(page, f"sessions-sign-out-others-{name}")
    page.get_by_role("button", name="Sign out 1 session").click()
    expect(page.get_by_text("Signed out everywhere else (1 session).")).to_be_visible()
    laptop.goto(f"{base}/settings/")
    expect(laptop).to_have_url(re.compile("/accounts/login/"))

    # A password change says the other sessions were signed out.
    sign_in(laptop, base, "alice")
    page.goto(f"{base}/accounts/password/change/")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Signed out your 1 other session.")).to_be_visible()
    shot(page, f"password-changed-{name}")
    laptop.goto(f"{base}/settings/")
    expect(laptop).to_have_url(re.compile("/accounts/login/"))
    elsewhere.close()

    # A search's first result is in sight without scrolling, on a phone too.
    page.goto(f"{base}/search/?q=compost")
    first = _box(page, page.get_by_role("article").first)
    assert first["y"] + first["height"] <= viewport["height"], first
    shot(page, f"search-{name}")

    # Signing out says so.
    _open_menu(page, phone)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You're signed out.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    if phone:
        _the_bar_is_one_row(page, viewport["width"], signed_in=False)
    fits(page, viewport["width"])
    shot(page, f"signed-out-{name}")
    context.close()


def test_without_javascript_the_menu_and_the_questions_still_work(site, everyday, browser):  # noqa: F811
    viewport = WIDTHS["phone"]
    context = browser.new_context(viewport=viewport, java_script_enabled=False, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, site, "alice")
    _the_bar_is_one_row(page, viewport["width"])
    _open_menu(page, phone=True)
    page.get_by_role("link", name="Settings").click()
    expect(page).to_have_url(f"{site}/settings/")
    page.goto(f"{site}/settings/app-passwords/")
    page.get_by_label("Name").fill("Feed reader")
    page.get_by_role("button", name="Create app password").click()
    # No script, no Copy button: the secret is there to select.
    expect(page.locator(".secret-value")).to_have_text(re.compile(r"^kwp_[a-z2-7]{32}$"))
    expect(page.get_by_role("button", name="Copy")).to_have_count(0)
    page.get_by_role("link", name="Revoke “Feed reader”…").click()
    page.get_by_role("button", name="Revoke “Feed reader”").click()
    expect(page.get_by_text("Revoked “Feed reader”. It no longer works.")).to_be_visible()
    _open_menu(page, phone=True)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You're signed out.")).to_be_visible()
    context.close()
