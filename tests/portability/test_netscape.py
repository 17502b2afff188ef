import codecs
import encodings.aliases
import itertools
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwippy.portability import netscape
from kwippy.portability.netscape import NetscapeBookmark, NetscapeParser
from tests.portability.helpers import netscape_parse

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def by_url(bookmarks):
    return {bookmark.url: bookmark for bookmark in bookmarks}


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class TestFirefoxExport:
    def test_reads_every_bookmark_in_nested_folders(self):
        bookmarks = netscape_parse(fixture_text("firefox.html"))
        assert len(bookmarks) == 10
        folders = {b.title: b.folders for b in bookmarks}
        assert folders["Get Help"] == ("Mozilla Firefox",)
        assert folders["Pasta e Ceci"] == ("Recipes", "Weeknight Dinners")
        assert folders["Carbonara"] == ("Recipes",)

    def test_leaves_the_browsers_own_root_folders_out_of_the_folder_path(self):
        bookmarks = by_url(netscape_parse(fixture_text("firefox.html")))
        assert bookmarks["https://www.seriouseats.com/the-food-lab"].folders == ()
        assert bookmarks["https://lwn.net/"].folders == ()

    def test_decodes_entities_in_titles_descriptions_and_hrefs(self):
        bookmarks = netscape_parse(fixture_text("firefox.html"))
        docs = next(b for b in bookmarks if b.tags == ("python", "docs", "html"))
        assert (
            docs.url
            == "https://docs.python.org/3/library/html.parser.html?highlight=parser&lang=en"
        )
        assert docs.title == "html.parser — Simple HTML and XHTML parser — Python 3 docs"
        assert docs.description == (
            'The stdlib parser: <tags> & "entities".\nSecond line of the note.'
        )

    def test_reads_dates_and_leaves_unstated_privacy_unknown(self):
        docs = by_url(netscape_parse(fixture_text("firefox.html")))
        bookmark = docs[
            "https://docs.python.org/3/library/html.parser.html?highlight=parser&lang=en"
        ]
        assert bookmark.add_date == at(1690000000)
        assert bookmark.last_modified == at(1690000500)
        assert bookmark.private is None
        assert bookmark.to_read is None

    def test_folder_descriptions_do_not_land_on_bookmarks(self):
        bookmarks = netscape_parse(fixture_text("firefox.html"))
        assert not any("Bookmarks Toolbar" in b.description for b in bookmarks)


class TestChromeExport:
    def test_keeps_ampersands_of_unescaped_query_strings(self):
        bookmarks = netscape_parse(fixture_text("chrome.html"))
        urls = [b.url for b in bookmarks]
        assert "https://github.com/django/django/pulls?q=is%3Aopen&lang=en&region=eu" in urls

    def test_reads_bookmarks_outside_and_inside_the_bookmarks_bar(self):
        bookmarks = by_url(netscape_parse(fixture_text("chrome.html")))
        assert bookmarks["https://docs.djangoproject.com/en/5.2/"].folders == ("Work",)
        assert bookmarks["https://news.ycombinator.com/"].last_modified is None
        tokyo = bookmarks["https://ja.wikipedia.org/wiki/%E6%9D%B1%E4%BA%AC"]
        assert tokyo.title == "東京 - Wikipedia"
        assert tokyo.folders == ("Reading",)

    def test_the_other_and_mobile_folders_are_containers_not_categories(self):
        bookmarks = by_url(netscape_parse(fixture_text("chrome.html")))
        assert bookmarks["https://news.ycombinator.com/"].folders == ()
        assert bookmarks["https://m.example.org/weather"].folders == ()

    def test_a_nested_folder_named_like_a_browser_root_is_a_category(self):
        text = (
            "<DL><DT><H3>Projects</H3><DL><DT><H3>Other bookmarks</H3>"
            '<DL><DT><A HREF="https://a.example/">A</A></DL></DL></DL>'
        )
        assert netscape_parse(text)[0].folders == ("Projects", "Other bookmarks")


class TestPinboardExport:
    def test_reads_privacy_to_read_tags_and_descriptions(self):
        bookmarks = by_url(netscape_parse(fixture_text("pinboard.html")))
        assert len(bookmarks) == 4
        jvns = bookmarks["https://jvns.ca/blog/2023/08/03/behind--hello-world/"]
        assert (jvns.private, jvns.to_read, jvns.tags) == (True, True, ("linux", "toread"))
        assert jvns.title == 'Behind "Hello World" on Linux'
        postgres = bookmarks["https://www.postgresql.org/docs/current/sql-insert.html"]
        assert (postgres.private, postgres.to_read) == (False, False)
        assert postgres.description == "ON CONFLICT DO UPDATE & friends."
        assert bookmarks["https://example.org/diary"].tags == ()
        assert bookmarks["http://www.paulgraham.com/avg.html"].description == "'Blub' paradox."


class TestDeliciousExport:
    def test_reads_lower_case_markup_and_keeps_tags_with_spaces_whole(self):
        bookmarks = netscape_parse(fixture_text("delicious.html"))
        assert len(bookmarks) == 7
        first = bookmarks[0]
        assert first.url == "http://www.alistapart.com/articles/taminglists/"
        assert first.tags == ("web design", "css", "Lists")
        assert first.description == "old but good"
        assert first.private is False

    def test_reports_both_copies_of_a_repeated_url_in_file_order(self):
        bookmarks = netscape_parse(fixture_text("delicious.html"))
        copies = [b for b in bookmarks if b.url.endswith("/taminglists/")]
        assert [c.title for c in copies] == ["A List Apart: Taming Lists", "Taming Lists (updated)"]


class TestShaarliExport:
    def test_a_link_inside_a_note_is_part_of_the_note(self):
        bookmarks = by_url(netscape_parse(fixture_text("shaarli.html")))
        sed = bookmarks["https://www.gnu.org/software/sed/manual/sed.html"]
        assert sed.description == (
            "See Bruce Barnett's tutorial (https://www.grymoire.com/Unix/Sed.html) for examples; "
            "the manual is the reference."
        )
        assert "https://www.grymoire.com/Unix/Sed.html" not in bookmarks
        assert len(bookmarks) == 4


class TestScuttleExport:
    def test_a_description_attribute_is_the_note(self):
        bookmarks = by_url(netscape_parse(fixture_text("scuttle.html")))
        assert len(bookmarks) == 3
        xml = bookmarks["https://www.w3.org/TR/xml/"]
        assert xml.description == 'The spec: <elements> & "attributes".'
        assert (xml.title, xml.tags, xml.add_date) == (
            "Extensible Markup Language (XML) 1.0",
            ("xml", "specs"),
            at(1199145600),
        )
        assert bookmarks["https://sqlite.org/lang.html"].description == ""

    def test_a_dd_wins_over_a_description_attribute(self):
        text = '<DL><DT><A HREF="https://a.example/" description="attribute">A</A><DD>list</DL>'
        assert netscape_parse(text)[0].description == "list"


class TestNextcloudExport:
    def test_a_bookmark_after_the_last_list_is_read(self):
        bookmarks = netscape_parse(fixture_text("nextcloud.html"))
        assert [b.title for b in bookmarks] == [
            "Pride and Prejudice",
            "LWN articles",
            "jq manual",
            "My files",
        ]
        assert bookmarks[0].description == "Free e-book."
        assert bookmarks[-1].folders == ()
        assert bookmarks[-1].tags == ("cloud",)

    def test_a_file_of_bookmarks_in_no_list_at_all_is_a_bookmark_file(self):
        parser = NetscapeParser()
        text = '<DT><A HREF="https://a.example/">A</A>\n<DT><A HREF="https://b.example/">B</A>'
        assert [b.url for b in parser.read([text])] == ["https://a.example/", "https://b.example/"]
        assert parser.is_bookmark_file


class TestLinkdingExport:
    def test_reads_lines_ending_in_newline_and_carriage_return(self):
        bookmarks = by_url(netscape_parse(fixture_text("linkding.html")))
        assert len(bookmarks) == 3
        queries = bookmarks["https://docs.djangoproject.com/en/5.2/topics/db/queries/"]
        assert (queries.private, queries.to_read) == (False, True)
        assert queries.description == "QuerySets, lookups & F() expressions."
        assert bookmarks["https://example.com/untitled"].title == ""


class TestNotes:
    @pytest.mark.parametrize(
        ("note", "description"),
        [
            ('one <A HREF="https://x.example/">x</A> two', "one x (https://x.example/) two"),
            ('<a href="https://x.example/">https://x.example/</a> two', "https://x.example/ two"),
            ('one <a href="https://x.example/"></a>', "one https://x.example/"),
            ("one <a name=top>top</a> two", "one top two"),
        ],
    )
    def test_a_link_in_a_note_stays_in_the_note(self, note, description):
        text = (
            f'<DL><DT><A HREF="https://a.example/">A</A><DD>{note}'
            '<DT><A HREF="https://b.example/">B</A></DL>'
        )
        bookmarks = netscape_parse(text)
        assert [b.url for b in bookmarks] == ["https://a.example/", "https://b.example/"]
        assert bookmarks[0].description == description
        assert bookmarks[1].description == ""


class TestRecognition:
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "just some words",
            "<html><body><p>Hello <a href='https://example.com/'>link</a></p></body></html>",
            '{"bookmarks": [{"url": "https://example.com/"}]}',
            "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        ],
    )
    def test_a_file_that_is_not_a_bookmark_file_is_recognised_and_yields_nothing(self, text):
        parser = NetscapeParser()
        assert list(parser.read([text])) == []
        assert not parser.is_bookmark_file

    def test_an_empty_export_is_a_bookmark_file_with_no_bookmarks(self):
        parser = NetscapeParser()
        text = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<DL><p>\n</DL><p>\n"
        assert list(parser.read([text])) == []
        assert parser.is_bookmark_file

    def test_a_list_without_the_doctype_still_counts(self):
        parser = NetscapeParser()
        text = '<DL><DT><A HREF="https://example.com/">Example</A></DL>'
        assert [b.url for b in parser.read([text])] == ["https://example.com/"]
        assert parser.is_bookmark_file

    def test_any_capitalisation_of_tags_and_attributes_is_read(self):
        text = (
            '<!doctype netscape-bookmark-file-1><dL><Dt><a HrEf="https://example.com/" '
            'Add_Date="1700000000" pRiVaTe="1" tOrEaD="yes" TaGs="a,b">Hi</A><dD>note</dl>'
        )
        (bookmark,) = netscape_parse(text)
        assert bookmark == NetscapeBookmark(
            url="https://example.com/",
            title="Hi",
            description="note",
            tags=("a", "b"),
            add_date=at(1700000000),
            private=True,
            to_read=True,
        )

    def test_a_malformed_marked_section_does_not_stop_the_parser(self):
        text = '<DL><![foo[ x ]]><DT><A HREF="https://example.com/">Example</A></DL>'
        assert [b.url for b in netscape_parse(text)] == ["https://example.com/"]

    def test_an_unescaped_script_tag_in_a_title_does_not_swallow_the_rest(self):
        text = (
            '<DL><DT><A HREF="https://a.example/">Why <script> tags block</A>'
            '<DT><A HREF="https://b.example/">B</A><DT><A HREF="https://c.example/">C</A></DL>'
        )
        assert [b.url for b in netscape_parse(text)] == [
            "https://a.example/",
            "https://b.example/",
            "https://c.example/",
        ]

    @pytest.mark.parametrize("name", ["firefox.html", "chrome.html", "pinboard.html"])
    def test_a_real_export_cut_in_two_anywhere_parses_the_same(self, name):
        text = fixture_text(name)
        whole = netscape_parse(text)
        for cut in range(len(text) + 1):
            assert list(NetscapeParser().read([text[:cut], text[cut:]])) == whole, cut

    def test_a_description_keeps_line_breaks_written_as_br(self):
        text = '<DL><DT><A HREF="https://example.com/">E</A><DD>one<br>two<BR/>three</DL>'
        assert netscape_parse(text)[0].description == "one\ntwo\nthree"


class TestAttribute:
    @pytest.mark.parametrize(
        ("raw", "decoded"),
        [
            ("a=1&amp;b=2", "a=1&b=2"),
            ("?x=1&lang=en", "?x=1&lang=en"),
            ("?x=1&copy=2", "?x=1&copy=2"),
            ("?x=1&region=eu", "?x=1&region=eu"),
            ("&copy 2024", "© 2024"),
            ("caf&#233;&#xE9;", "caféé"),
            ("&quot;q&quot; &lt;t&gt;", '"q" <t>'),
            ("&nosuchthing;", "&nosuchthing;"),
        ],
    )
    def test_attribute_values_decode_as_browsers_decode_them(self, raw, decoded):
        assert netscape.unescape_attribute(raw) == decoded

    def test_unquoted_and_bare_attributes_are_read(self):
        attributes = netscape.parse_attributes("<A HREF=https://example.com/a/ PRIVATE>")
        assert attributes == {"href": "https://example.com/a/", "private": None}
        assert netscape.parse_flag(attributes, "private") is True

    @pytest.mark.parametrize(
        ("value", "seconds"),
        [
            ("1700000000", 1700000000),
            ("1700000000123", 1700000000),
            ("1700000000123456", 1700000000),
            (" 1700000000.9 ", 1700000000),
        ],
    )
    def test_timestamps_in_seconds_milliseconds_and_microseconds_are_read(self, value, seconds):
        assert netscape.parse_timestamp(value) == at(seconds)

    @pytest.mark.parametrize(
        "value", [None, "", "0", "soon", "nan", "inf", "-inf", "1e300", "-1e17"]
    )
    def test_unreadable_timestamps_are_unknown(self, value):
        assert netscape.parse_timestamp(value) is None

    @pytest.mark.parametrize(
        ("value", "moment"),
        [
            ("-5", datetime(1969, 12, 31, 23, 59, 55, tzinfo=UTC)),
            ("-0.5", datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)),
            ("-2177452800", datetime(1901, 1, 1, tzinfo=UTC)),
            ("-2177452800000", datetime(1901, 1, 1, tzinfo=UTC)),
            ("-62135596800", datetime(1, 1, 1, tzinfo=UTC)),
        ],
    )
    def test_timestamps_before_1970_are_read(self, value, moment):
        assert netscape.parse_timestamp(value) == moment

    def test_a_bookmark_before_1970_is_written_and_read_back(self):
        bookmarks = [
            NetscapeBookmark(
                url="https://a.example/", add_date=datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC)
            ),
            NetscapeBookmark(url="https://b.example/", add_date=datetime(1901, 1, 1, tzinfo=UTC)),
        ]
        text = "".join(netscape.render(bookmarks))
        assert 'ADD_DATE="-14182940"' in text
        assert netscape_parse(text) == bookmarks


class TestEncoding:
    def test_a_latin_1_file_that_says_so_is_decoded(self):
        data = (
            '<!DOCTYPE NETSCAPE-Bookmark-file-1><META HTTP-EQUIV="Content-Type" '
            'CONTENT="text/html; charset=ISO-8859-1"><DL><DT><A HREF="https://example.com/">'
            "Caf\xe9</A></DL>"
        ).encode("latin-1")
        text = "".join(netscape.decode([data]))
        assert netscape_parse(text)[0].title == "Café"

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
    def test_a_file_with_a_byte_order_mark_is_decoded(self, encoding):
        data = '<DL><DT><A HREF="https://example.com/">Café ☕</A></DL>'.encode(encoding)
        blocks = [data[i : i + 7] for i in range(0, len(data), 7)]
        assert netscape_parse("".join(netscape.decode(blocks)))[0].title == "Café ☕"

    def test_invalid_utf_8_is_replaced_not_fatal(self):
        data = b'<DL><DT><A HREF="https://example.com/">bad \xff byte</A></DL>'
        assert netscape_parse("".join(netscape.decode([data])))[0].title == "bad \ufffd byte"

    def test_a_utf_8_character_cut_between_blocks_is_whole(self):
        data = "<DL><DT><A HREF='https://example.com/'>ü</A></DL>".encode()
        cut = data.index("ü".encode()) + 1
        assert netscape_parse("".join(netscape.decode([data[:cut], data[cut:]])))[0].title == "ü"

    def test_the_sniffed_encoding_names_a_real_codec(self):
        assert codecs.lookup(netscape.sniff_encoding(b"<meta charset=latin-1>")).name == "cp1252"
        assert netscape.sniff_encoding(b"<meta charset=nonsense-42>") == "utf-8"

    @pytest.mark.parametrize(
        "charset",
        [
            "rot13",
            "rot_13",
            "hex",
            "base64",
            "idna",
            "undefined",
            "zlib",
            "bz2",
            "quopri",
            "uu",
            "punycode",
            "unicode_escape",
            "raw_unicode_escape",
            "utf-7",
            "utf-32",
        ],
    )
    def test_a_charset_that_is_no_text_encoding_is_read_as_utf_8(self, charset):
        data = (
            f'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset={charset}">'
            '<DL><DT><A HREF="https://example.com/">Café</A></DL>'
        ).encode()
        assert netscape.sniff_encoding(data) == "utf-8"
        assert netscape_parse("".join(netscape.decode([data])))[0].title == "Café"

    @pytest.mark.parametrize(
        ("charset", "codec"),
        [
            ("windows-1251", "cp1251"),
            ("KOI8-R", "koi8-r"),
            ("Shift_JIS", "cp932"),
            ("euc-kr", "cp949"),
            ("gb2312", "gbk"),
            ("us-ascii", "cp1252"),
            ("utf-16", "utf-8"),
            ("UTF8", "utf-8"),
        ],
    )
    def test_a_charset_is_read_as_browsers_read_it(self, charset, codec):
        sniffed = netscape.sniff_encoding(f"<meta charset={charset}>".encode())
        assert codecs.lookup(sniffed).name == codecs.lookup(codec).name

    @given(
        charset=st.sampled_from(
            sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()))
        )
        | st.text(alphabet=string.ascii_letters + string.digits + "._:-", min_size=1, max_size=20),
        body=st.binary(max_size=60),
    )
    @settings(max_examples=300)
    def test_decoding_a_file_naming_any_charset_never_crashes(self, charset, body):
        data = f"<meta charset={charset}><DL><DT><A HREF='https://e.example/'>".encode() + body
        assert isinstance("".join(netscape.decode([data[:30], data[30:]])), str)


class TestRender:
    def test_every_attribute_is_escaped_including_the_href(self):
        bookmark = NetscapeBookmark(
            url='https://example.com/?q="><script>&x=1',
            title="<b>bold</b> & more",
            description="a < b",
            tags=('quo"te', "<tag>"),
            private=True,
            to_read=False,
        )
        text = "".join(netscape.render([bookmark]))
        assert 'HREF="https://example.com/?q=&quot;&gt;&lt;script&gt;&amp;x=1"' in text
        assert 'TAGS="quo&quot;te,&lt;tag&gt;"' in text
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in text
        assert "<script>" not in text
        assert 'PRIVATE="1" TOREAD="0"' in text
        assert netscape_parse(text) == [bookmark]

    def test_folders_nest_and_close(self):
        bookmarks = [
            NetscapeBookmark(url="https://a.example/", folders=("One", "Two")),
            NetscapeBookmark(url="https://b.example/", folders=("One",)),
            NetscapeBookmark(url="https://c.example/"),
        ]
        text = "".join(netscape.render(bookmarks))
        assert text.count("<DL><p>") == text.count("</DL><p>") == 3
        assert netscape_parse(text) == bookmarks


# Text as a stored field holds it: no surrogates (not encodable), no outer whitespace.
field_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(str.strip)
# Names of the browsers' own root folders are dropped by design: they are no categories.
folder_name = (
    field_text.map(lambda name: " ".join(name.split()))
    .filter(bool)
    .filter(lambda name: name.lower() not in netscape.BROWSER_ROOT_FOLDER_NAMES)
)
tag_text = field_text.map(lambda tag: tag.replace(",", "").strip()).filter(bool)
moments = (
    st.integers(min_value=netscape.EARLIEST_TIMESTAMP, max_value=netscape.MILLISECONDS_FROM - 1)
    .filter(bool)
    .map(at)
)
bookmarks = st.builds(
    NetscapeBookmark,
    url=field_text.filter(bool),
    title=field_text,
    description=field_text,
    # No tags are written as no TAGS attribute, which reads back as silence (None).
    tags=st.lists(tag_text, max_size=4).map(lambda tags: tuple(tags) or None),
    add_date=st.none() | moments,
    last_modified=st.none() | moments,
    private=st.none() | st.booleans(),
    to_read=st.none() | st.booleans(),
    folders=st.lists(folder_name, max_size=3).map(tuple),
)
FRAGMENTS = [
    "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
    "<DL><p>",
    "</DL><p>",
    "<DT>",
    "<DD>",
    "<H3>",
    "</H3>",
    '<A HREF="https://example.com/',
    "<a href=",
    '">',
    "</A>",
    "&amp;",
    "&lang",
    "&#",
    "<![",
    "]]>",
    "<!--",
    "-->",
    "<script>",
    "<br>",
    " TAGS=",
    " PRIVATE",
    ' ADD_DATE="',
    "'",
    '"',
    "<",
    ">",
    "\x00",
]
bookmarkish = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=40).map("".join)


def split(text: str, cuts: list[int]) -> list[str]:
    points = sorted({0, len(text), *(cut % (len(text) + 1) for cut in cuts)})
    return [text[a:b] for a, b in itertools.pairwise(points)]


class TestParserProperty:
    @given(text=st.text() | bookmarkish, cuts=st.lists(st.integers(min_value=0), max_size=6))
    @settings(max_examples=300)
    def test_the_parser_never_crashes(self, text, cuts):
        parser = NetscapeParser()
        for bookmark in parser.read(split(text, cuts)):
            assert isinstance(bookmark, NetscapeBookmark)

    @given(items=st.lists(bookmarks, max_size=6))
    @settings(max_examples=200)
    def test_rendered_bookmarks_parse_back_the_same(self, items):
        assert netscape_parse("".join(netscape.render(items))) == items

    @given(
        items=st.lists(bookmarks, max_size=4),
        cuts=st.lists(st.integers(min_value=0), min_size=1, max_size=8),
    )
    @settings(max_examples=200)
    def test_how_the_file_is_cut_into_chunks_does_not_matter(self, items, cuts):
        text = "".join(netscape.render(items))
        assert list(NetscapeParser().read(split(text, cuts))) == items

    @given(data=st.binary(max_size=200), cuts=st.lists(st.integers(min_value=0), max_size=4))
    def test_decoding_never_crashes(self, data, cuts):
        points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
        blocks = [data[a:b] for a, b in itertools.pairwise(points)]
        assert isinstance("".join(netscape.decode(blocks)), str)


def measured(name: str):
    """Return a parser method that adds how far the tokenizer looked ahead to `scanned`.

    A construct costs the characters up to its end or, when it has none yet, all the characters
    after its start: the work that goes quadratic when it is repeated.
    """

    def method(self, i, *args, **kwargs):
        end = getattr(NetscapeParser, name)(self, i, *args, **kwargs)
        self.scanned += (end if end >= 0 else len(self.rawdata)) - i
        return end

    return method


class MeasuredParser(NetscapeParser):
    scanned = 0
    parse_starttag = measured("parse_starttag")
    parse_endtag = measured("parse_endtag")
    parse_comment = measured("parse_comment")
    parse_pi = measured("parse_pi")
    parse_html_declaration = measured("parse_html_declaration")
    parse_bogus_comment = measured("parse_bogus_comment")


class SmallMeasuredParser(MeasuredParser):
    """The same bounds, small enough for generated examples to cross them."""

    MAX_PENDING = 2000
    PIECE_SIZE = 500


UNFINISHED = [
    "</",
    "<!--",
    "<!",
    "<?",
    "<![CDATA[",
    "<a ",
    '<a b="',
    "<a b='",
    "<a b=",
    "<!DOCTYPE",
    "<DD>&#",
    "&",
]


def listed(urls) -> str:
    return "".join(f'<DT><A HREF="{url}">t</A>' for url in urls)


class TestPathologicalInput:
    @pytest.mark.parametrize("construct", UNFINISHED)
    def test_unfinished_markup_repeated_costs_work_in_proportion_to_its_length(self, construct):
        # CVE-2025-6069: 400 KB of "</" held a worker for 30 s in Python 3.11.7's html.parser.
        text = "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL>" + listed(["https://a.example/"])
        text += construct * (100_000 // len(construct))
        parser = MeasuredParser()
        bookmarks = list(parser.read([text]))
        assert [b.url for b in bookmarks] == ["https://a.example/"]
        assert parser.scanned <= 8 * len(text)

    def test_the_same_in_small_blocks(self):
        text = "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL>" + "</" * 200_000
        parser = MeasuredParser()
        assert list(parser.read(text[i : i + 4096] for i in range(0, len(text), 4096))) == []
        assert parser.scanned <= 8 * len(text)

    def test_bookmarks_after_a_long_unfinished_construct_are_still_read(self):
        urls = [f"https://a.example/{i}" for i in range(3)]
        text = "<DL>" + listed(urls[:1]) + "<!--" + "x" * 3000 + listed(urls[1:]) + "</DL>"
        parser = SmallMeasuredParser()
        assert [b.url for b in parser.read([text])] == urls

    @given(
        before=st.integers(min_value=0, max_value=3),
        construct=st.sampled_from(UNFINISHED) | st.text(alphabet="<!-/?[]'\"=a &#>", max_size=6),
        times=st.integers(min_value=1, max_value=3000),
        after=st.integers(min_value=0, max_value=3),
        cuts=st.lists(st.integers(min_value=0), max_size=4),
    )
    @settings(max_examples=100, deadline=None)
    def test_no_input_makes_the_work_grow_faster_than_the_input(
        self, before, construct, times, after, cuts
    ):
        first = [f"https://a.example/{i}" for i in range(before)]
        text = (
            "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL>"
            + listed(first)
            + construct * times
            + listed(f"https://b.example/{i}" for i in range(after))
        )
        parser = SmallMeasuredParser()
        bookmarks = list(parser.read(split(text, cuts)))
        assert [b.url for b in bookmarks][: len(first)] == first
        # Linear: each piece fed re-reads the held-back text (MAX_PENDING + PIECE_SIZE at most,
        # five pieces' worth) once more, and giving half of it up re-reads the rest: about nine
        # times the input at most (`<<<<!` repeated reaches 9.3), where quadratic work would be
        # thousands of times at these lengths.
        assert parser.scanned <= 12 * len(text) + 1000
