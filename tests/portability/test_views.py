import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.portability import forms
from kwippy.portability.models import Import, ImportFile
from kwippy.posts import services as post_services
from kwippy.posts.models import Link, Post
from tests.portability.helpers import imports_run_queued, netscape_parse

FIXTURES = Path(__file__).parent / "fixtures"


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    if data is None:
        data = (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/html")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def import_page(client, data: dict) -> str:
    """Upload, run the queued import here, and return the import's page."""
    response = client.post("/import/", data)
    assert response.status_code == 302
    imports_run_queued()
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


class TestSignInRequired:
    @pytest.mark.parametrize("path", ["/import/", "/export/"])
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, db, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"

    def test_an_anonymous_upload_stores_nothing(self, client, db):
        response = client.post("/import/", {"file": upload("pinboard.html")})
        assert response.status_code == 302
        assert not Post.objects.exists()


class TestImportPage:
    def test_the_form_offers_folders_as_tags_switched_on(self, alice_client):
        response = alice_client.get("/import/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'enctype="multipart/form-data"' in html
        assert re.search(r'<input type="checkbox" name="folders_as_tags"[^>]* checked>', html)
        assert re.search(r'<input type="checkbox" name="unmarked_public"[^>]*id="[^"]*">', html)
        assert 'id="id_folders_as_tags_helptext"' in html
        assert 'href="/export/"' in html

    def test_an_upload_queues_an_import_and_redirects_to_its_page(self, alice_client, alice):
        response = alice_client.post("/import/", {"file": upload("delicious.html")})
        queued = Import.objects.get(owner=alice)
        assert response["Location"] == f"/import/{queued.pk}/"
        assert queued.state == Import.State.QUEUED
        assert bytes(queued.file.data) == (FIXTURES / "delicious.html").read_bytes()
        assert not Post.objects.exists()

    def test_an_upload_imports_and_shows_the_summary(self, alice_client, alice):
        html = import_page(
            alice_client, {"file": upload("delicious.html"), "folders_as_tags": "on"}
        )
        finished = Import.objects.get(owner=alice)
        result = finished.result
        assert (result["imported"], sum(result["skipped"].values()), result["duplicates"]) == (
            3,
            3,
            1,
        )
        assert "Import finished" in html
        assert "Only http and https links can be saved." in html
        assert "<code>ftp://ftp.example.com/pub/</code>" in html
        assert "more than once (the later copy was kept): 1" in html
        assert "Titles shortened to fit kwippy's limits: 1" in html
        assert Post.objects.filter(user=alice).count() == 3

    def test_an_unticked_folder_box_means_no_folder_tags(self, alice_client, alice):
        import_page(alice_client, {"file": upload("firefox.html")})
        pasta = Post.objects.get(user=alice, link__url__endswith="/pasta-e-ceci")
        assert pasta.tags == ["pasta"]

    def test_the_public_box_makes_unmarked_bookmarks_public(self, alice_client, alice):
        import_page(alice_client, {"file": upload("chrome.html"), "unmarked_public": "on"})
        assert not Post.objects.filter(user=alice, is_private=True).exists()

    @pytest.mark.parametrize("data", [b"just text", b"\x00\x01\x02\xff\xfe"])
    def test_a_junk_upload_fails_its_import_and_stores_no_post(self, alice_client, alice, data):
        html = import_page(alice_client, {"file": upload("junk.html", data)})
        assert "Import failed" in html
        assert "not a Netscape bookmark file" in html
        assert Import.objects.get(owner=alice).state == Import.State.FAILED
        assert not Link.objects.exists()

    def test_an_empty_upload_gets_a_form_error_and_stores_nothing(self, alice_client):
        response = alice_client.post("/import/", {"file": upload("junk.html", b"")})
        assert response.status_code == 422
        assert "The submitted file is empty." in response.content.decode()
        assert not Import.objects.exists()

    def test_a_file_over_the_limit_gets_a_form_error_and_stores_nothing(
        self, alice_client, monkeypatch
    ):
        monkeypatch.setattr(forms, "UPLOAD_MAX_BYTES", 1024)
        data = (FIXTURES / "delicious.html").read_bytes()
        assert len(data) > 1024
        response = alice_client.post("/import/", {"file": upload("big.html", data)})
        assert response.status_code == 422
        assert "That file is larger than" in response.content.decode()
        assert not Import.objects.exists()
        assert not ImportFile.objects.exists()

    def test_a_post_without_a_file_gets_a_form_error(self, alice_client):
        response = alice_client.post("/import/", {})
        assert response.status_code == 422
        assert "This field is required." in response.content.decode()

    @given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    def test_no_upload_gives_a_server_error(self, alice_client, data):
        response = alice_client.post("/import/", {"file": upload("fuzz.html", data)})
        assert response.status_code in (302, 422)
        imports_run_queued()
        assert not Import.objects.filter(state=Import.State.FAILED, error__contains="our side")


class TestWorldUploads:
    @pytest.mark.parametrize("charset", ["rot13", "hex", "base64", "idna", "undefined", "zlib"])
    def test_a_file_naming_a_charset_that_is_no_text_encoding_imports(
        self, alice_client, alice, charset
    ):
        data = (
            f'<!DOCTYPE NETSCAPE-Bookmark-file-1><META HTTP-EQUIV="Content-Type" '
            f'CONTENT="text/html; charset={charset}"><DL><DT><A HREF="https://a.example/">Café</A>'
            "</DL>"
        ).encode()
        import_page(alice_client, {"file": upload("charset.html", data)})
        assert Post.objects.get(user=alice).title == "Café"

    @given(
        charset=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=16)
        | st.sampled_from(["rot_13", "uu", "quopri", "bz2", "punycode", "unicode_escape"])
    )
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    def test_no_declared_charset_gives_a_server_error(self, alice_client, charset):
        data = f'<meta charset="{charset}"><DL><DT><A HREF="https://a.example/">x</A></DL>'.encode()
        import_page(alice_client, {"file": upload("fuzz.html", data)})
        assert not Import.objects.filter(state=Import.State.FAILED).exists()

    def test_the_summary_lists_trimmed_tag_lists_and_future_dates(self, alice_client):
        data = (
            '<DL><DT><A HREF="https://a.example/" ADD_DATE="99999999999" TAGS="'
            + ",".join(f"t{i}" for i in range(101))
            + '">A</A></DL>'
        ).encode()
        html = import_page(alice_client, {"file": upload("many.html", data)})
        assert "Tag lists (over 100 tags) shortened to fit kwippy's limits: 1" in html
        assert "Dates in the future, set to the time of the import: 1" in html


class TestExportDownload:
    def test_it_downloads_the_persons_bookmarks_as_an_attachment(self, alice_client, alice, bob):
        post_services.post_create(
            user=alice, url="https://a.example/", title="Mine", tags="t", is_private=True
        )
        post_services.post_create(user=bob, url="https://b.example/", title="Bob's")
        response = alice_client.get("/export/")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="kwippy-alice-')
        assert "no-cache" in response["Cache-Control"]
        text = b"".join(response.streaming_content).decode()
        (bookmark,) = netscape_parse(text)
        assert (bookmark.url, bookmark.title, bookmark.private) == (
            "https://a.example/",
            "Mine",
            True,
        )

    def test_the_export_form_accepts_only_get(self, alice_client):
        assert alice_client.post("/export/").status_code == 405


class TestImportProgressPage:
    @pytest.fixture
    def queued(self, alice_client, alice):
        alice_client.post("/import/", {"file": upload("delicious.html")})
        return Import.objects.get(owner=alice)

    def test_the_owner_sees_a_queued_import_that_updates_itself(self, alice_client, queued):
        response = alice_client.get(f"/import/{queued.pk}/")
        html = response.content.decode()
        assert "Waiting to start" in html
        assert "Refresh" in response
        assert "data-follow-import" in html
        assert f'href="/import/{queued.pk}/?updates=off">Stop updating</a>' in html
        assert "http-equiv" not in html

    def test_the_person_can_stop_the_updates_and_start_them_again(self, alice_client, queued):
        response = alice_client.get(f"/import/{queued.pk}/?updates=off")
        html = response.content.decode()
        assert "Waiting to start" in html
        assert "Refresh" not in response
        assert "data-follow-import" not in html
        assert f'href="/import/{queued.pk}/?updates=off">Check again</a>' in html
        assert f'href="/import/{queued.pk}/">update automatically</a>' in html

    def test_a_finished_import_shows_its_summary_and_stops_updating(self, alice_client, queued):
        imports_run_queued()
        response = alice_client.get(f"/import/{queued.pk}/")
        html = response.content.decode()
        assert "Import finished" in html
        assert "Refresh" not in response
        assert "data-follow-import" not in html
        assert "import-updates" not in html

    def test_someone_else_gets_not_found(self, client, queued, bob):
        client.force_login(bob)
        assert client.get(f"/import/{queued.pk}/").status_code == 404

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, queued):
        client.logout()
        response = client.get(f"/import/{queued.pk}/")
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next=/import/{queued.pk}/"

    def test_the_settings_page_lists_the_persons_recent_imports(self, alice_client, queued):
        html = alice_client.get("/settings/").content.decode()
        assert f'href="/import/{queued.pk}/"' in html
        assert "waiting to start" in html

    def test_the_file_is_deleted_when_the_import_has_finished(self, queued):
        imports_run_queued()
        assert not ImportFile.objects.exists()
