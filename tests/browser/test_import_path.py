"""An import followed in the browser: upload, its page while queued, running and finished."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kwippy.portability import services
from kwippy.portability.models import Import
from tests.browser.test_person_path import browser, shot, site  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, make_user
from tests.jobs import WorkerProcess, jobs_clear
from tests.portability.helpers import generated_file

FIXTURES = Path(__file__).resolve().parent.parent / "portability" / "fixtures"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    expect(page.get_by_text("about 1 minute to go")).to_be_visible()
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
    page.set_default_timeout(60_000)
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username or email").fill("gil")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(site + "/import/")
    page.get_by_label("Bookmark file", exact=True).set_input_files(str(bookmarks))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("[data-follow-import]")).to_be_visible()
    page.evaluate("window.sameDocument = true")

    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(page.locator("#import-progress")).to_contain_text("3,000")
    assert page.evaluate("window.sameDocument === true")
    assert page.locator("[data-follow-import]").count() == 0
