"""Every page a person can reach, in Debian's chromium, light and dark, 1280 and 390 wide: each
passes axe-core (no moderate, serious or critical violation) and none is wider than the window.

The paths tests walk through flows; this one walks the whole map, so a page no flow visits, or a
colour only the dark theme uses, cannot fail unseen. Screenshots land in test-artifacts/pages/.
"""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kwippy.accounts.services import follow_create
from kwippy.auth.services import app_password_create
from kwippy.portability.models import Import
from kwippy.portability.services import bookmarks_import
from kwippy.posts import services
from kwippy.posts.models import Link, LinkHealth
from tests.browser.axe import axe_violations
from tests.browser.test_person_path import ARTIFACTS, browser, site  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, make_user
from tests.pages.helpers import page_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
BOOKMARK_FILE = b"""<!DOCTYPE NETSCAPE-Bookmark-file-1>
<DL><p>
<DT><A HREF="https://imported.example/one" ADD_DATE="1700000000" TAGS="imported">One</A>
<DT><A HREF="ftp://imported.example/two">Two</A>
</DL>
"""


@pytest.fixture
def world(site):  # noqa: F811
    """Alice and bob follow each other, share a link and tags; alice has a private, a to-read
    (its page's copy kept) and an imported bookmark, an app password, and two imports: one
    finished, one running."""
    alice = make_user("alice", display_name="Alice Archer")
    bob = make_user("bob", display_name="Bob Baker")
    follow_create(follower=alice, followee=bob)
    follow_create(follower=bob, followee=alice)
    for person in (bob, alice):
        services.post_create(
            user=person,
            url="https://garden.example/roses",
            title=f"Roses, as {person.username} saw them",
            description="Climbing roses for a north wall.",
            tags="garden flowers",
        )
    services.post_create(
        user=alice, url="https://b.example/", title="Apple trees", tags="garden", is_private=True
    )
    services.post_create(
        user=alice, url="https://c.example/", title="A long read", tags="reading", to_read=True
    )
    page_write(
        link=Link.objects.get(url="https://c.example/"),
        text="A long read about espaliers: fruit trees trained flat against a wall.",
    )
    app_password, _ = app_password_create(user=alice, name="Feed reader")
    result = bookmarks_import(user=alice, stream=io.BytesIO(BOOKMARK_FILE))
    Import.objects.create(
        owner=alice,
        filename="bookmarks.html",
        size=len(BOOKMARK_FILE),
        folders_as_tags=True,
        unmarked_private=False,
        state=Import.State.DONE,
        started=timezone.now() - timedelta(seconds=3),
        finished=timezone.now(),
        bytes_read=len(BOOKMARK_FILE),
        result=result.as_json(),
    )
    running = Import.objects.create(
        owner=alice,
        filename="more.html",
        size=1000,
        folders_as_tags=True,
        unmarked_private=False,
        state=Import.State.RUNNING,
        started=timezone.now() - timedelta(seconds=20),
        bytes_read=400,
    )
    finished = Import.objects.filter(state=Import.State.DONE).get()
    post = alice.posts.get(link__url="https://garden.example/roses")
    pages_read(alice)
    return {
        "post": post.pk,
        "link": post.link.public_id,
        "described": alice.posts.get(link__url="https://c.example/").pk,
        "gone": alice.posts.get(link__url="https://b.example/").link.public_id,
        "import": finished.pk,
        "running": running.pk,
        "app_password": app_password.pk,
    }


def pages_read(alice) -> None:
    """What the page jobs would have written of alice's links: the roses' page read, with a copy;
    the apple trees' gone; the long read moved, describing itself."""
    now = timezone.now()
    links = {post.link.url: post.link for post in alice.posts.select_related("link")}
    page_write(
        link=links["https://garden.example/roses"],
        health=LinkHealth.OK,
        checked_at=now,
        fetched_at=now,
        title="Climbing roses for a north wall",
        text="Roses climb where the sun is short.\nPlant them in autumn, a foot from the wall.",
    )
    page_write(
        link=links["https://b.example/"], health=LinkHealth.GONE, status_code=404, checked_at=now
    )
    page_write(
        link=links["https://c.example/"],
        health=LinkHealth.MOVED,
        moved_to="https://c.example/2026/a-long-read",
        checked_at=now,
        description="A long read about reading long things, slowly.",
    )


VISITOR_PAGES = [
    ("home", "/"),
    ("popular", "/popular/"),
    ("tag", "/t/garden/"),
    ("tags-narrowed", "/t/garden+flowers/"),
    ("link", "/url/{link}/"),
    ("profile", "/u/alice/"),
    ("profile-tag", "/u/alice/t/garden/"),
    ("all-tags", "/u/alice/tags/"),
    ("all-tags-last-page", "/u/alice/tags/?page=9"),
    ("followers", "/u/alice/followers/"),
    ("following", "/u/alice/following/"),
    ("people", "/people/"),
    ("search", "/search/?q=roses"),
    ("search-nothing", "/search/?q=nothing+matches+this"),
    ("search-in-pages", "/search/?q=espalier"),
    ("sign-in", "/accounts/login/"),
    ("sign-up", "/accounts/signup/"),
    ("password-reset", "/accounts/password/reset/"),
    ("not-found", "/u/nobody-of-that-name/"),
]
# Pages answered with another status than 200.
STATUS = {"visitor-not-found": 404, "sign-out-by-link": 405, "delete-by-link": 405}
MEMBER_PAGES = [
    ("network", "/"),
    ("own-profile", "/u/alice/"),
    ("own-profile-sorted", "/u/alice/?sort=title"),
    ("to-read", "/u/alice/toread/"),
    ("broken-links", "/u/alice/broken/"),
    ("cached-copy", "/url/{link}/copy/"),
    ("cached-copy-none", "/url/{gone}/copy/"),
    ("cached-copy-delete", "/url/{link}/copy/delete/"),
    ("edit-description-offered", "/p/{described}/edit/"),
    ("own-all-tags", "/u/alice/tags/"),
    ("add", "/add/?url=https://new.example/&title=New"),
    ("add-already-saved", "/add/?url=https://garden.example/roses"),
    ("edit", "/p/{post}/edit/"),
    ("search-mine", "/search/?q=garden&scope=mine"),
    ("settings", "/settings/"),
    ("tag-manage", "/settings/tags/?tag=garden"),
    ("app-passwords", "/settings/app-passwords/"),
    ("app-password-revoke", "/settings/app-passwords/{app_password}/revoke/"),
    ("sessions", "/settings/sessions/"),
    ("sessions-sign-out-others", "/settings/sessions/sign-out-others/"),
    ("import", "/import/"),
    ("import-finished", "/import/{import}/"),
    ("import-running", "/import/{running}/"),
    ("password-change", "/accounts/password/change/"),
    ("delete-by-link", "/p/{post}/delete/"),
    ("sign-out-by-link", "/accounts/logout/"),
]


def check(page: Page, name: str, path: str | None, width: int, scheme: str) -> list[str]:
    """Visit a page (or, without a path, take the page as it is); return what is wrong with it,
    each line naming the page."""
    problems = []
    if path is not None:
        status = page.goto(path).status
        if status != STATUS.get(name, 200):
            problems.append(f"{name} ({path}): answered {status}")
    page.screenshot(path=str(ARTIFACTS / "pages" / f"{name}-{width}-{scheme}.png"), full_page=True)
    problems += [f"{name} ({path}): {violation}" for violation in axe_violations(page)]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{name} ({path}): {scroll_width} px wide in a {width} px window")
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_is_accessible_and_fits(site, world, browser, width, scheme, monkeypatch):  # noqa: F811
    # All-tags pages of two tags: the first and last pages show their pager.
    monkeypatch.setattr("kwippy.posts.views.TAGS_PAGE_SIZE", 2)
    (ARTIFACTS / "pages").mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme, base_url=site)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    for name, path in VISITOR_PAGES:
        problems += check(page, f"visitor-{name}", path.format(**world), width, scheme)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name="Sign in").click()
    problems += check(page, "sign-in-refused", None, width, scheme)
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your network")).to_be_visible()
    for name, path in MEMBER_PAGES:
        problems += check(page, name, path.format(**world), width, scheme)
    context.close()
    assert not problems, "\n".join(problems)
