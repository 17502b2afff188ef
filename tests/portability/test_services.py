import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kwippy.accounts.models import ChangeStamp
from kwippy.portability import services
from kwippy.portability.netscape import NetscapeBookmark, render
from kwippy.posts import services as post_services
from kwippy.posts.models import Link, Post, UserTag

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NAMES = [
    "firefox.html",
    "chrome.html",
    "pinboard.html",
    "delicious.html",
    "shaarli.html",
    "linkding.html",
    "nextcloud.html",
    "scuttle.html",
]


def import_file(user, name: str, **options) -> services.ImportResult:
    with (FIXTURES / name).open("rb") as stream:
        return services.bookmarks_import(user=user, stream=stream, **options)


def import_text(user, text: str, **options) -> services.ImportResult:
    return services.bookmarks_import(user=user, stream=io.BytesIO(text.encode()), **options)


def file_of(*bookmarks: NetscapeBookmark) -> str:
    return "".join(render(bookmarks))


def snapshot(user) -> set[tuple]:
    """Return a person's posts as comparable tuples, dates to the second."""
    return {
        (
            post.link.url,
            post.title,
            post.description,
            tuple(post.tags),
            post.is_private,
            post.to_read,
            int(post.created.timestamp()),
            int(post.updated.timestamp()),
        )
        for post in Post.objects.filter(user=user).select_related("link")
    }


def assert_counts_match_posts():
    tags: dict[tuple[int, str], list[int]] = {}
    public_saves: Counter = Counter()
    for post in Post.objects.all():
        for tag in post.tags:
            counts = tags.setdefault((post.user_id, tag), [0, 0])
            counts[0] += 1
            counts[1] += 0 if post.is_private else 1
        if not post.is_private:
            public_saves[post.link_id] += 1
    stored = {
        (row.user_id, row.name): [row.count, row.public_count] for row in UserTag.objects.all()
    }
    assert stored == tags
    assert {link.pk: link.public_saves for link in Link.objects.filter(public_saves__gt=0)} == dict(
        public_saves
    )


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class TestImportFixtures:
    def test_a_firefox_export_imports_its_web_links_and_skips_the_rest(self, alice):
        result = import_file(alice, "firefox.html")
        assert (result.read, result.imported, result.skipped_total) == (10, 7, 3)
        assert result.skipped == {"Only http and https links can be saved.": 3}
        examples = result.skipped_examples["Only http and https links can be saved."]
        assert examples[0].startswith("javascript:")
        pasta = Post.objects.get(user=alice, link__url="https://www.seriouseats.com/pasta-e-ceci")
        assert pasta.tags == ["pasta", "recipes", "weeknight-dinners"]
        assert pasta.created == at(1691000220)
        assert pasta.updated == at(1691000230)
        assert_counts_match_posts()

    def test_browser_bookmarks_without_a_privacy_mark_are_private_unless_asked(self, alice, bob):
        import_file(alice, "chrome.html")
        import_file(bob, "chrome.html", unmarked_private=False)
        assert set(Post.objects.filter(user=alice).values_list("is_private", flat=True)) == {True}
        assert set(Post.objects.filter(user=bob).values_list("is_private", flat=True)) == {False}
        assert_counts_match_posts()

    def test_two_spellings_of_one_url_in_a_file_make_one_post_with_the_later_data(self, alice):
        result = import_file(alice, "chrome.html")
        assert result.duplicates == 1
        post = Post.objects.get(user=alice, link__url="https://www.example.com/")
        assert post.title == "Example Domain (again)"
        assert (result.imported, result.skipped_total) == (7, 1)

    def test_a_pinboard_export_keeps_privacy_to_read_and_descriptions(self, alice):
        result = import_file(alice, "pinboard.html")
        assert result.imported == 4
        diary = Post.objects.get(user=alice, link__url="https://example.org/diary")
        assert (diary.is_private, diary.to_read, diary.tags) == (True, False, [])
        assert diary.description == "Nobody else should see this."
        assert diary.title == "My diary \u2013 private"
        jvns = Post.objects.get(user=alice, link__url__contains="jvns.ca")
        assert (jvns.is_private, jvns.to_read) == (True, True)
        assert_counts_match_posts()

    def test_a_delicious_export_fixes_what_breaks_other_importers(self, alice):
        result = import_file(alice, "delicious.html")
        lists = Post.objects.get(user=alice, link__url__endswith="/taminglists/")
        # The later copy wins; "web design" would have been one tag with a space.
        assert (lists.title, lists.is_private, lists.tags) == (
            "Taming Lists (updated)",
            True,
            ["css", "lists"],
        )
        assert result.duplicates == 1
        long = Post.objects.get(user=alice, link__url="http://example.com/long")
        assert len(long.title) == 255
        assert long.title.endswith("…")
        assert long.tags == ["x" * 255, "short"]
        assert result.shortened == {"titles": 1, "tags": 1}
        assert result.skipped_total == 3
        assert result.imported == 3
        assert_counts_match_posts()

    def test_a_tag_with_spaces_is_one_tag_with_dashes(self, alice):
        text = file_of(NetscapeBookmark(url="https://a.example/", tags=("Web  Design", "css")))
        import_text(alice, text)
        assert Post.objects.get(user=alice).tags == ["web-design", "css"]

    def test_folders_become_tags_only_when_asked(self, alice, bob):
        text = file_of(NetscapeBookmark(url="https://a.example/", folders=("Work", "Big Project")))
        import_text(alice, text)
        import_text(bob, text, folders_as_tags=False)
        assert Post.objects.get(user=alice).tags == ["work", "big-project"]
        assert Post.objects.get(user=bob).tags == []

    @pytest.mark.parametrize(
        ("folder", "tag"),
        [
            ("Web / Frontend", "web-frontend"),
            ("Lisboa (Portugal)", "lisboa-portugal"),
            ("Pasta & Noodles", "pasta-noodles"),
            ("Work - 2024 — Q1", "work-2024-q1"),
            ("C++ / Node.js", "c++-node.js"),
            ("Café, Bars", "café-bars"),
        ],
    )
    def test_folder_names_become_tags_that_read_well(self, alice, folder, tag):
        import_text(alice, file_of(NetscapeBookmark(url="https://a.example/", folders=(folder,))))
        assert Post.objects.get(user=alice).tags == [tag]

    def test_a_folder_named_only_with_separators_gives_no_tag(self, alice):
        import_text(alice, file_of(NetscapeBookmark(url="https://a.example/", folders=("/", "A"))))
        assert Post.objects.get(user=alice).tags == ["a"]

    def test_an_untitled_bookmark_is_titled_with_its_url(self, alice):
        import_text(alice, file_of(NetscapeBookmark(url="https://a.example/page")))
        assert Post.objects.get(user=alice).title == "https://a.example/page"

    def test_nul_characters_are_dropped_not_fatal(self, alice):
        text = file_of(NetscapeBookmark(url="https://a.example/", title="a\x00b", tags=("c\x00",)))
        import_text(alice, text)
        post = Post.objects.get(user=alice)
        assert (post.title, post.tags) == ("ab", ["c"])


class TestOtherToolsFiles:
    def test_a_shaarli_export_keeps_the_link_in_a_note_and_skips_self_links(self, alice):
        result = import_file(alice, "shaarli.html", unmarked_private=False)
        assert (result.read, result.imported, result.skipped_total) == (4, 3, 1)
        sed = Post.objects.get(user=alice, link__url__contains="gnu.org")
        assert "Bruce Barnett's tutorial (https://www.grymoire.com/Unix/Sed.html)" in (
            sed.description
        )
        assert sed.tags == ["sed", "unix", "@cli"]
        assert not Link.objects.filter(url__contains="grymoire").exists()

    def test_a_linkding_export_keeps_to_read_and_titles_the_untitled(self, alice):
        result = import_file(alice, "linkding.html")
        assert result.imported == 3
        queries = Post.objects.get(user=alice, link__url__contains="topics/db/queries")
        assert (queries.is_private, queries.to_read) == (False, True)
        untitled = Post.objects.get(user=alice, link__url="https://example.com/untitled")
        assert untitled.title == "https://example.com/untitled"

    def test_a_nextcloud_file_imports_the_bookmark_outside_every_list(self, alice):
        result = import_file(alice, "nextcloud.html")
        assert (result.read, result.imported, result.skipped_total) == (4, 4, 0)
        files = Post.objects.get(user=alice, link__url="https://nextcloud.example/apps/files/")
        assert (files.title, files.tags) == ("My files", ["cloud"])
        book = Post.objects.get(user=alice, link__url__contains="gutenberg")
        assert (book.description, book.tags) == ("Free e-book.", ["books", "classics", "reading"])

    def test_a_scuttle_export_keeps_its_descriptions(self, alice):
        result = import_file(alice, "scuttle.html")
        assert result.imported == 3
        xml = Post.objects.get(user=alice, link__url="https://www.w3.org/TR/xml/")
        assert xml.description == 'The spec: <elements> & "attributes".'
        assert xml.created == at(1199145600)


class TestLimits:
    def test_a_bookmark_keeps_at_most_100_tags_and_the_summary_says_so(self, alice):
        many = tuple(f"t{i}" for i in range(150))
        text = file_of(
            NetscapeBookmark(url="https://a.example/", tags=many),
            NetscapeBookmark(url="https://b.example/", tags=many[:100]),
        )
        result = import_text(alice, text)
        assert Post.objects.get(user=alice, link__url="https://a.example/").tags == list(many[:100])
        assert len(Post.objects.get(user=alice, link__url="https://b.example/").tags) == 100
        assert result.shortened == {services.SHORTENED_TAG_LIST: 1}
        assert any("over 100 tags" in line for line in result.summary_lines())
        assert_counts_match_posts()

    def test_deeply_nested_folders_give_at_most_100_tags(self, alice):
        depth = 1000
        text = (
            "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL>"
            + "".join(f"<DT><H3>f{i}</H3><DL>" for i in range(depth))
            + "".join(f'<DT><A HREF="https://a.example/{i}">{i}</A>' for i in range(50))
            + "</DL>" * (depth + 1)
        )
        result = import_text(alice, text)
        assert result.imported == 50
        assert {len(tags) for tags in Post.objects.values_list("tags", flat=True)} == {100}
        assert result.shortened == {services.SHORTENED_TAG_LIST: 50}
        assert_counts_match_posts()

    def test_the_files_own_tags_come_before_its_folders(self, alice):
        text = file_of(
            NetscapeBookmark(
                url="https://a.example/",
                tags=tuple(f"own{i}" for i in range(99)),
                folders=("Outer", "Inner"),
            )
        )
        import_text(alice, text)
        assert Post.objects.get(user=alice).tags[-2:] == ["own98", "outer"]

    def test_a_date_in_the_future_becomes_the_import_time(self, alice):
        now = timezone.now()
        future = NetscapeBookmark(
            url="https://a.example/",
            add_date=datetime(5138, 1, 1, tzinfo=UTC),
            last_modified=datetime(5138, 1, 2, tzinfo=UTC),
        )
        soon = NetscapeBookmark(url="https://b.example/", add_date=now + timedelta(minutes=5))
        result = import_text(alice, file_of(future, soon))
        post = Post.objects.get(user=alice, link__url="https://a.example/")
        assert post.created <= timezone.now()
        assert post.updated <= timezone.now()
        assert post.created.year == now.year
        assert Post.objects.get(user=alice, link__url="https://b.example/").created.second == (
            (now + timedelta(minutes=5)).second
        )
        assert result.future_dates == 1
        assert any("in the future" in line for line in result.summary_lines())

    def test_a_future_date_does_not_move_a_saved_post(self, alice):
        post_services.post_create(user=alice, url="https://a.example/", title="A")
        created = Post.objects.get(user=alice).created
        text = file_of(
            NetscapeBookmark(
                url="https://a.example/", title="A", add_date=datetime(3000, 1, 1, tzinfo=UTC)
            )
        )
        result = import_text(alice, text)
        assert Post.objects.get(user=alice).created == created
        assert result.future_dates == 1


class TestSilence:
    def test_a_reimport_without_titles_or_notes_keeps_the_stored_ones(self, alice):
        post_services.post_create(
            user=alice,
            url="https://a.example/",
            title="My title",
            description="My note",
            tags="kept",
        )
        browser_export = (
            '<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><p><DT><A HREF="https://a.example/" '
            'ADD_DATE="1700000000"></A></DL><p>'
        )
        import_text(alice, browser_export)
        post = Post.objects.get(user=alice)
        assert (post.title, post.description) == ("My title", "My note")
        assert_counts_match_posts()

    def test_a_file_that_states_a_title_or_note_replaces_the_stored_one(self, alice):
        post_services.post_create(
            user=alice, url="https://a.example/", title="Old", description="Old note"
        )
        import_text(
            alice,
            file_of(NetscapeBookmark(url="https://a.example/", title="New", description="New")),
        )
        post = Post.objects.get(user=alice)
        assert (post.title, post.description) == ("New", "New")

    def test_a_reimport_silent_on_tags_keeps_the_stored_ones(self, alice):
        post_services.post_create(user=alice, url="https://a.example/", title="A", tags="kept mine")
        browser_export = (
            '<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><p><DT><A HREF="https://a.example/" '
            'ADD_DATE="1700000000">A</A></DL><p>'
        )
        import_text(alice, browser_export)
        assert Post.objects.get(user=alice).tags == ["kept", "mine"]
        assert_counts_match_posts()

    @pytest.mark.parametrize(
        ("file", "tags"),
        [
            # An empty TAGS says "no tags"; a folder says its name.
            ('<DL><p><DT><A HREF="https://a.example/" TAGS="">A</A></DL><p>', []),
            (
                '<DL><p><DT><H3>Reading</H3><DL><p><DT><A HREF="https://a.example/">A</A></DL><p>'
                "</DL><p>",
                ["reading"],
            ),
        ],
        ids=["empty TAGS", "folder"],
    )
    def test_a_reimport_that_states_tags_replaces_the_stored_ones(self, alice, file, tags):
        post_services.post_create(user=alice, url="https://a.example/", title="A", tags="old")
        import_text(alice, "<!DOCTYPE NETSCAPE-Bookmark-file-1>" + file)
        assert Post.objects.get(user=alice).tags == tags
        assert_counts_match_posts()


class TestImportIdempotence:
    @pytest.mark.parametrize("name", FIXTURE_NAMES)
    def test_importing_the_same_file_twice_changes_nothing(self, alice, name):
        first = import_file(alice, name)
        before = snapshot(alice)
        links = set(Link.objects.values_list("id", "public_saves"))
        tags = set(UserTag.objects.values_list("name", "count", "public_count"))
        second = import_file(alice, name)
        assert (second.imported, second.updated) == (0, 0)
        assert second.unchanged == first.imported
        assert snapshot(alice) == before
        assert set(Link.objects.values_list("id", "public_saves")) == links
        assert set(UserTag.objects.values_list("name", "count", "public_count")) == tags

    def test_an_import_moves_the_change_stamps_that_feeds_read_and_a_repeat_does_not(
        self, alice, django_capture_on_commit_callbacks
    ):
        text = file_of(
            NetscapeBookmark(url="https://a.example/", title="A", private=False),
            NetscapeBookmark(url="https://b.example/", title="B", private=True),
        )
        with django_capture_on_commit_callbacks(execute=True):
            import_text(alice, text)
        stamp = ChangeStamp.objects.get(user=alice)
        assert stamp.posts is not None
        assert stamp.public_posts is not None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            import_text(alice, text)
        assert callbacks == []

    def test_a_private_only_import_leaves_the_public_stamp_alone(
        self, alice, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            import_text(alice, file_of(NetscapeBookmark(url="https://p.example/", private=True)))
        stamp = ChangeStamp.objects.get(user=alice)
        assert stamp.posts is not None
        assert stamp.public_posts is None

    def test_an_import_updates_posts_already_saved_and_keeps_counts_right(self, alice):
        post_services.post_create(
            user=alice, url="https://a.example/", title="Old", tags="old shared", to_read=True
        )
        post_services.post_create(user=alice, url="https://b.example/", title="B", tags="shared")
        text = file_of(
            NetscapeBookmark(url="https://a.example/", title="New", tags=("new", "shared"))
        )
        result = import_text(alice, text)
        assert (result.imported, result.updated) == (0, 1)
        post = Post.objects.get(user=alice, link__url="https://a.example/")
        # The file says nothing about privacy or reading: the post keeps its own.
        assert (post.title, post.tags, post.is_private, post.to_read) == (
            "New",
            ["new", "shared"],
            False,
            True,
        )
        assert dict(UserTag.objects.filter(user=alice).values_list("name", "count")) == {
            "new": 1,
            "shared": 2,
        }
        assert_counts_match_posts()

    def test_making_a_post_private_by_import_takes_it_out_of_public_counts(self, alice, bob):
        post_services.post_create(user=bob, url="https://a.example/", title="A", tags="x")
        post_services.post_create(user=alice, url="https://a.example/", title="A", tags="x")
        text = file_of(NetscapeBookmark(url="https://a.example/", title="A", private=True))
        import_text(alice, text)
        assert Link.objects.get().public_saves == 1
        # The file is silent on tags, so the post keeps "x", now counted as private only.
        assert UserTag.objects.filter(user=alice).values_list("name", "count", "public_count")[
            ::1
        ] == [("x", 1, 0)]
        assert_counts_match_posts()


class TestBadInput:
    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"hello, world\n",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
            b"<html><body><a href='https://example.com/'>a link</a></body></html>",
            b'{"url": "https://example.com/"}',
        ],
    )
    def test_a_file_that_is_not_a_bookmark_file_stores_nothing_and_says_so(self, alice, data):
        with pytest.raises(services.NotABookmarkFile, match="not a Netscape bookmark file"):
            services.bookmarks_import(user=alice, stream=io.BytesIO(data))
        assert not Post.objects.exists()
        assert not Link.objects.exists()
        assert not UserTag.objects.exists()

    def test_a_file_of_only_unsafe_urls_stores_nothing_and_reports_each(self, alice):
        text = file_of(
            NetscapeBookmark(url="javascript:alert(1)"),
            NetscapeBookmark(url="data:text/html,<script>alert(1)</script>"),
            NetscapeBookmark(url="http://exa mple.com/"),
            NetscapeBookmark(url="https://" + "a" * 2100 + ".example/"),
            NetscapeBookmark(url="vbscript:msgbox"),
        )
        result = import_text(alice, text)
        assert (result.read, result.imported, result.skipped_total) == (5, 0, 5)
        assert set(result.skipped) == {
            "Only http and https links can be saved.",
            "A URL cannot contain spaces or control characters.",
            "URLs can be at most 2000 characters.",
        }
        assert not Link.objects.exists()
        assert not Post.objects.exists()

    def test_an_empty_bookmark_file_stores_nothing(self, alice):
        result = import_text(alice, file_of())
        assert (result.read, result.imported) == (0, 0)
        assert not Link.objects.exists()


class TestBatches:
    def test_a_batch_is_a_handful_of_queries_whatever_its_size(
        self, alice, django_assert_max_num_queries
    ):
        text = file_of(
            *(
                NetscapeBookmark(url=f"https://a.example/{i}", tags=(f"t{i % 7}", "all"))
                for i in range(300)
            )
        )
        # Twelve of the import's and the posts' own, and three of the pages app's, which makes the
        # new links due for a fetch (posts.signals.links_saved).
        with django_assert_max_num_queries(15):
            result = import_text(alice, text)
        assert result.imported == 300
        assert_counts_match_posts()

    def test_duplicates_across_batches_count_once_and_the_later_copy_wins(self, alice):
        text = file_of(
            NetscapeBookmark(url="https://a.example/", title="first", tags=("one",)),
            *(NetscapeBookmark(url=f"https://b.example/{i}") for i in range(5)),
            NetscapeBookmark(url="https://a.example/", title="second", tags=("two",)),
        )
        result = import_text(alice, text, batch_size=2)
        assert (result.imported, result.updated, result.duplicates) == (6, 0, 1)
        post = Post.objects.get(user=alice, link__url="https://a.example/")
        assert (post.title, post.tags) == ("second", ["two"])
        assert_counts_match_posts()
        before = snapshot(alice)
        again = import_text(alice, text, batch_size=2)
        assert (again.imported, again.updated, again.unchanged) == (0, 0, 6)
        assert snapshot(alice) == before

    def test_a_later_copy_in_a_later_batch_replaces_a_new_posts_earlier_copy(self, alice):
        text = file_of(
            NetscapeBookmark(
                url="https://a.example/",
                title="first",
                description="first note",
                tags=("one",),
                add_date=at(1_000_000_000),
                private=False,
                to_read=True,
            ),
            *(NetscapeBookmark(url=f"https://b.example/{i}") for i in range(3)),
            NetscapeBookmark(url="https://a.example/"),
        )
        result = import_text(alice, text, batch_size=2)
        assert (result.imported, result.updated, result.duplicates) == (4, 0, 1)
        post = Post.objects.get(user=alice, link__url="https://a.example/")
        # As if the first copy had never been there: the file's defaults, not its data.
        assert (post.title, post.description, post.tags, post.is_private, post.to_read) == (
            "https://a.example/",
            "",
            [],
            True,
            False,
        )
        assert post.created != at(1_000_000_000)
        assert post.updated == post.created
        assert_counts_match_posts()

    def test_a_later_copy_in_a_later_batch_applies_to_the_post_saved_before_the_import(self, alice):
        post_services.post_create(
            user=alice,
            url="https://a.example/",
            title="Saved",
            description="saved note",
            tags="kept",
            created=at(1_000_000_000),
        )
        before = snapshot(alice)
        text = file_of(
            NetscapeBookmark(
                url="https://a.example/",
                title="first",
                description="first note",
                add_date=at(1_100_000_000),
                private=True,
            ),
            *(NetscapeBookmark(url=f"https://b.example/{i}", private=True) for i in range(3)),
            NetscapeBookmark(url="https://a.example/", tags=("kept",)),
        )
        result = import_text(alice, text, batch_size=2)
        # The file's last word on the post it had changes nothing: the post is as it was.
        assert (result.imported, result.updated, result.unchanged) == (3, 0, 1)
        assert {row for row in snapshot(alice) if row[0] == "https://a.example/"} == before
        assert_counts_match_posts()

    def test_the_file_is_read_once_front_to_back(self, alice):
        text = file_of(*(NetscapeBookmark(url=f"https://a.example/{i}") for i in range(20)))
        data = text.encode()

        class OneWay(io.BytesIO):
            """A stream that can only be read forward, as from a pipe."""

            def seekable(self):
                return False

            def seek(self, *args):
                raise io.UnsupportedOperation("seek")

            def tell(self):
                raise io.UnsupportedOperation("tell")

        read = []
        result = services.bookmarks_import(
            user=alice, stream=OneWay(data), batch_size=7, progress=read.append
        )
        assert result.imported == 20
        assert sum(read) == len(data)

    @pytest.mark.django_db(transaction=True)
    def test_each_batch_commits_on_its_own(self, django_user_model):
        user = django_user_model.objects.create_user("dora", password="x")
        text = file_of(*(NetscapeBookmark(url=f"https://a.example/{i}") for i in range(10)))
        data = text.encode()

        class Broken(io.BytesIO):
            """A stream that fails two thirds of the way through."""

            def read(self, size=-1):
                if self.tell() > len(data) * 2 // 3:
                    raise OSError("connection reset")
                return super().read(100)

        with pytest.raises(OSError, match="connection reset"):
            services.bookmarks_import(user=user, stream=Broken(data), batch_size=2)
        saved = Post.objects.filter(user=user).count()
        assert 2 <= saved < 10
        assert_counts_match_posts()


class TestExport:
    def test_the_export_holds_every_post_with_privacy_marked(self, alice, bob):
        post_services.post_create(
            user=alice,
            url="https://a.example/?a=1&b=2",
            title='Quotes " and <angles>',
            description="line one\nline two",
            tags="x y",
            is_private=True,
            to_read=True,
        )
        post_services.post_create(user=alice, url="https://b.example/", title="Public")
        post_services.post_create(user=bob, url="https://c.example/", title="Bob's")
        text = "".join(services.bookmarks_export(user=alice))
        assert text.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>")
        assert '<A HREF="https://a.example/?a=1&amp;b=2" ADD_DATE="' in text
        assert 'PRIVATE="1" TOREAD="1" TAGS="x,y">Quotes " and &lt;angles&gt;</A>' in text
        assert "<DD>line one\nline two" in text
        assert 'PRIVATE="0" TOREAD="0">Public</A>' in text
        assert "c.example" not in text

    @pytest.mark.parametrize("name", FIXTURE_NAMES)
    def test_export_and_reimport_into_another_account_gives_the_same_bookmarks(
        self, alice, bob, name
    ):
        import_file(alice, name)
        exported = "".join(services.bookmarks_export(user=alice)).encode()
        result = services.bookmarks_import(user=bob, stream=io.BytesIO(exported))
        assert result.imported == Post.objects.filter(user=alice).count()
        assert result.skipped_total == result.duplicates == 0
        assert snapshot(bob) == snapshot(alice)
        assert_counts_match_posts()

    def test_bookmarks_before_1970_export_and_import_back(self, alice, bob):
        for url, moment in [
            ("https://moon.example/", datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC)),
            ("https://century.example/", datetime(1901, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
        ]:
            post_services.post_create(user=alice, url=url, title=url, created=moment)
        exported = "".join(services.bookmarks_export(user=alice))
        assert 'ADD_DATE="-14182940"' in exported
        assert 'ADD_DATE="-2177452800"' in exported
        result = services.bookmarks_import(user=bob, stream=io.BytesIO(exported.encode()))
        assert (result.imported, result.skipped_total) == (2, 0)
        moon = Post.objects.get(user=bob, link__url="https://moon.example/")
        assert moon.created == datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC)
        again = services.bookmarks_import(user=alice, stream=io.BytesIO(exported.encode()))
        assert (again.updated, again.unchanged) == (0, 2)

    def test_export_reads_posts_in_a_few_queries(self, alice, django_assert_max_num_queries):
        for i in range(30):
            post_services.post_create(user=alice, url=f"https://a.example/{i}", title=str(i))
        with django_assert_max_num_queries(3):
            text = "".join(services.bookmarks_export(user=alice))
        assert text.count("<DT><A ") == 30
