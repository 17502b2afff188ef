import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kwippy.portability.models import Import
from kwippy.posts.models import Link, Post
from tests.portability.helpers import netscape_parse

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TestImportBookmarksCommand:
    def test_it_imports_and_ends_with_a_summary(self, alice):
        out, _ = run("import_bookmarks", str(FIXTURES / "firefox.html"), "--user", "Alice")
        assert "read 10 bookmarks: 7 imported, 0 updated, 0 unchanged, 3 skipped" in out
        assert "skipped 3: Only http and https links can be saved." in out
        assert Post.objects.filter(user=alice).count() == 7

    def test_options_turn_off_folder_tags_and_make_unmarked_bookmarks_public(self, alice):
        run(
            "import_bookmarks",
            str(FIXTURES / "firefox.html"),
            "--user=alice",
            "--no-folder-tags",
            "--unmarked-public",
            "--batch-size=2",
        )
        pasta = Post.objects.get(link__url__endswith="/pasta-e-ceci")
        assert (pasta.tags, pasta.is_private) == (["pasta"], False)

    def test_it_reports_shortened_fields_and_duplicates(self, alice):
        out, _ = run("import_bookmarks", str(FIXTURES / "delicious.html"), "--user", "alice")
        assert "bookmarks in the file more than once (the later copy was kept): 1" in out
        assert "titles shortened to fit our limits: 1" in out
        assert "tags shortened to fit our limits: 1" in out

    def test_queue_stores_the_file_and_queues_its_import_without_importing(self, alice):
        out, _ = run(
            "import_bookmarks", str(FIXTURES / "pinboard.html"), "--user", "alice", "--queue"
        )
        queued = Import.objects.get(owner=alice)
        assert f"queued import {queued.pk} " in out
        assert f"/import/{queued.pk}/" in out
        assert bytes(queued.file.data) == (FIXTURES / "pinboard.html").read_bytes()
        assert (queued.state, queued.folders_as_tags, queued.unmarked_private) == (
            Import.State.QUEUED,
            True,
            True,
        )
        assert not Post.objects.exists()

    def test_an_unknown_user_is_an_error(self, alice):
        with pytest.raises(CommandError, match="no user named 'nobody'"):
            run("import_bookmarks", str(FIXTURES / "firefox.html"), "--user", "nobody")

    def test_a_missing_file_is_an_error(self, alice, tmp_path):
        with pytest.raises(CommandError, match="cannot read"):
            run("import_bookmarks", str(tmp_path / "missing.html"), "--user", "alice")

    def test_a_file_that_is_not_a_bookmark_file_stores_nothing(self, alice, tmp_path):
        path = tmp_path / "notes.txt"
        path.write_text("milk, eggs, https://example.com/\n")
        with pytest.raises(CommandError, match="not a Netscape bookmark file"):
            run("import_bookmarks", str(path), "--user", "alice")
        assert not Link.objects.exists()


class TestExportBookmarksCommand:
    def test_it_writes_the_file_that_imports_back(self, alice, bob, tmp_path):
        run("import_bookmarks", str(FIXTURES / "pinboard.html"), "--user", "alice")
        target = tmp_path / "alice.html"
        _, err = run("export_bookmarks", "--user", "alice", "-o", str(target))
        assert "wrote 4 bookmarks of alice" in err
        bookmarks = netscape_parse(target.read_text(encoding="utf-8"))
        assert {b.url for b in bookmarks} == set(
            Post.objects.filter(user=alice).values_list("link__url", flat=True)
        )
        out, _ = run("import_bookmarks", str(target), "--user", "bob")
        assert "4 imported" in out

    def test_without_an_output_file_it_writes_to_stdout(self, alice):
        run("import_bookmarks", str(FIXTURES / "pinboard.html"), "--user", "alice")
        out, _ = run("export_bookmarks", "--user", "alice")
        assert out.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>")
        assert len(netscape_parse(out)) == 4

    def test_an_unwritable_output_is_an_error(self, alice, tmp_path):
        with pytest.raises(CommandError, match="cannot write"):
            run("export_bookmarks", "--user", "alice", "-o", str(tmp_path / "no" / "dir.html"))
