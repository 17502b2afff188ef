"""An import followed in the browser: upload, its page while queued, running and finished; its
updates stopped and started again, with JavaScript and without, light and dark, at desktop and
phone width, every state axe-checked."""

import functools
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from kwippy.portability import services
from kwippy.portability.models import Import
from tests.browser.axe import assert_accessible
from tests.browser.test_finding_path import WIDTHS, fits, sign_in
from tests.browser.test_person_path import ARTIFACTS, browser, shot, site  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, make_user
from tests.jobs import WorkerProcess, jobs_clear
from tests.portability.helpers import generated_file

FIXTURES = Path(__file__).resolve().parent.parent / "portability" / "fixtures"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# How long a worker may take over a few thousand bookmarks on a busy machine, in ms (expect()
# waits 5 s unless told).
IMPORT_WAIT = 60_000


@pytest.fixture
def imports(site):  # noqa: F811
    """Gil, with an import half way through and one finished, made before the browser starts."""
    gil = make_user("gil", display_name="Gil Green")
    data = (FIXTURES / "delicious.html").read_bytes()
    now = timezone.now()
    running = services.import_queue(
        owner=gil, filename="half.html", data=data, folders_as_tags=True, unmarked_private=True
    )
    progress = services.ImportResult(read=1200, written=1150, duplicates=3)
    progress.skip("Only http and https links can be saved.", "ftp://ftp.example.com/pub/")
    Import.objects.filter(pk=running.pk).update(
        state=Import.State.RUNNING,
        size=400_000,
        bytes_read=100_000,
        started=now - timedelta(seconds=20),
        result=progress.as_json(),
    )
    done = services.import_queue(
        owner=gil, filename="delicious.html", data=data, folders_as_tags=True, unmarked_private=True
    )
    services.import_run(import_id=done.pk)
    return {"running": running.pk, "done": done.pk}


@pytest.mark.parametrize("width", [1100, 375], ids=["desktop", "phone"])
def test_an_import_is_followed_from_upload_to_summary(site, imports, browser, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=width < 600)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username or email").fill("gil")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(site + "/import/")
    page.get_by_label("Bookmark file", exact=True).set_input_files(str(FIXTURES / "pinboard.html"))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Waiting to start…")).to_be_visible()
    shot(page, f"import-queued-{width}")

    page.goto(f"{site}/import/{imports['running']}/")
    expect(page.get_by_role("heading", name="Importing…")).to_be_visible()
    # How long is left depends on how long the test took to get here: only that it is told.
    expect(page.get_by_text(re.compile(r"about \d+ minutes?\s+to\s+go"))).to_be_visible()
    shot(page, f"import-running-{width}")

    page.goto(f"{site}/import/{imports['done']}/")
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    shot(page, f"import-done-{width}")

    page.goto(site + "/settings/")
    expect(page.get_by_role("link", name="half.html")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.fixture
def bulk_worker(site):  # noqa: F811
    """The Procfile's bulk lane, started before the browser (it reads the database first)."""
    jobs_clear()
    with WorkerProcess("bulk") as worker:
        yield worker
    jobs_clear()


def test_with_javascript_the_page_follows_the_import_without_reloading(
    site,  # noqa: F811
    imports,
    bulk_worker,
    browser,  # noqa: F811
    tmp_path,
):
    bookmarks = tmp_path / "many.html"
    bookmarks.write_bytes(generated_file(3000))
    page = browser.new_context().new_page()
    page.set_default_timeout(IMPORT_WAIT)
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username or email").fill("gil")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(site + "/import/")
    page.get_by_label("Bookmark file", exact=True).set_input_files(str(bookmarks))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("[data-follow-import]")).to_be_visible()
    page.evaluate("window.sameDocument = true")

    expect(page.get_by_role("heading", name="Import finished")).to_be_visible(timeout=IMPORT_WAIT)
    expect(page.locator("#import-progress")).to_contain_text("3,000")
    assert page.evaluate("window.sameDocument === true")
    assert page.locator("[data-follow-import]").count() == 0


class ScriptlessChecker:
    """Screenshots of pages in a context without JavaScript, checked with axe-core.

    axe-core is a script: where scripts are off its run never settles. It checks instead the same
    address in a twin context, signed in alike, whose browser runs scripts but is served none of
    the site's: the same document, since the site has no <noscript>, the one thing a browser
    parses differently with scripts on (each check asserts there is none).
    """

    def __init__(self, page: Page, twin: BrowserContext):
        self.page, self.twin = page, twin
        twin.route("**/*.js", lambda route: route.abort())

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert self.page.locator("noscript").count() == 0
        self.twin.add_cookies(self.page.context.cookies())
        twin_page = self.twin.new_page()
        twin_page.goto(self.page.url)
        assert_accessible(twin_page)
        twin_page.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_a_person_can_stop_an_import_page_updating_and_start_it_again(
    site,  # noqa: F811
    imports,
    browser,  # noqa: F811
    settings,
    width,
    scheme,
    javascript,
):
    # Long enough that no reload without JavaScript lands in the middle of axe's run; the page
    # is otherwise as people get it, Refresh header included.
    settings.KWIPPY_IMPORT_PAGE_REFRESH_SECONDS = 600
    context = browser.new_context(
        viewport=WIDTHS[width], color_scheme=scheme, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, site, "gil")
    name = f"{width}-{scheme}-{'script' if javascript else 'no-script'}"
    if javascript:
        check = functools.partial(shot, page)
    else:
        twin = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
        check = ScriptlessChecker(page, twin).shot
    running = f"{site}/import/{imports['running']}/"

    assert page.goto(running).headers["refresh"] == "600"
    expect(page.get_by_role("heading", name="Importing…")).to_be_visible()
    expect(page.get_by_text("This page updates itself")).to_be_visible()
    check(f"import-updating-{name}")
    fits(page, WIDTHS[width]["width"])

    with page.expect_response(f"{running}?updates=off") as stopped:
        page.get_by_role("link", name="Stop updating").click()
    assert "refresh" not in stopped.value.headers
    expect(page.get_by_text("Updates stopped.")).to_be_visible()
    expect(page.get_by_role("heading", name="Importing…")).to_be_visible()
    assert page.locator("[data-follow-import]").count() == 0
    check(f"import-stopped-{name}")
    fits(page, WIDTHS[width]["width"])

    page.get_by_role("link", name="Check again").click()
    expect(page.get_by_text("Updates stopped.")).to_be_visible()
    with page.expect_response(running) as started:
        page.get_by_role("link", name="update automatically").click()
    assert started.value.headers["refresh"] == "600"
    expect(page.get_by_role("link", name="Stop updating")).to_be_visible()

    page.goto(f"{site}/import/{imports['done']}/")
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    assert page.locator("#import-updates").count() == 0
    check(f"import-finished-{name}")
    context.close()
    if not javascript:
        twin.close()


def test_with_javascript_the_page_is_updated_in_place_not_reloaded(site, imports, browser):  # noqa: F811
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, site, "gil")
    running = f"{site}/import/{imports['running']}/"
    page.goto(running)
    page.evaluate("window.sameDocument = true")
    # Three of kwippy.js's fetches take longer than the server's Refresh (5 s): the reload it
    # would have caused was cancelled.
    for _ in range(3):
        with page.expect_request(
            lambda request: request.url == running and request.resource_type == "fetch"
        ):
            pass
    assert page.evaluate("window.sameDocument === true")
    context.close()


def test_without_javascript_the_page_reloads_itself_to_the_summary(
    site,  # noqa: F811
    imports,
    bulk_worker,
    browser,  # noqa: F811
    tmp_path,
):
    bookmarks = tmp_path / "many.html"
    bookmarks.write_bytes(generated_file(3000))
    page = browser.new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(IMPORT_WAIT)
    sign_in(page, site, "gil")
    page.goto(site + "/import/")
    page.get_by_label("Bookmark file", exact=True).set_input_files(str(bookmarks))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("This page updates itself")).to_be_visible()

    expect(page.get_by_role("heading", name="Import finished")).to_be_visible(timeout=IMPORT_WAIT)
    expect(page.locator("#import-progress")).to_contain_text("3,000")
