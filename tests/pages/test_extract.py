"""Reading fetched pages: character sets, metadata, main text, and any bytes at all."""

import random
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwippy.core.characters import NOT_XML
from kwippy.pages.extract import (
    DESCRIPTION_MAX_LENGTH,
    LANGUAGE_MAX_LENGTH,
    READ_MAX_BYTES,
    READ_MAX_ELEMENTS,
    TITLE_MAX_LENGTH,
    PageContent,
    page_read,
)
from kwippy.posts.models import PAGE_TEXT_MAX_LENGTH
from kwippy.posts.normalize import URL_MAX_LENGTH

PAGES = Path(__file__).parent / "pages"
URL = "https://site.example/docs/start/page.html"


def read(name: str, *, charset: str | None = None, url: str = URL) -> PageContent:
    return page_read(body=(PAGES / name).read_bytes(), url=url, charset=charset)


def read_html(html: str, *, charset: str | None = None) -> PageContent:
    return page_read(body=html.encode(charset or "utf-8"), url=URL, charset=charset)


def assert_storable(content: PageContent) -> None:
    """Every field within its cap, its URLs http(s), nothing a feed or PostgreSQL would refuse."""
    caps = {
        "title": TITLE_MAX_LENGTH,
        "description": DESCRIPTION_MAX_LENGTH,
        "site_name": TITLE_MAX_LENGTH,
        "canonical_url": URL_MAX_LENGTH,
        "language": LANGUAGE_MAX_LENGTH,
        "favicon_url": URL_MAX_LENGTH,
        "text": PAGE_TEXT_MAX_LENGTH,
    }
    for field, cap in caps.items():
        value = getattr(content, field)
        assert isinstance(value, str)
        assert len(value) <= cap, field
        assert not NOT_XML.search(value), field
    for url in (content.canonical_url, content.favicon_url):
        assert url == "" or url.startswith(("http://", "https://"))


class TestMetadata:
    def test_an_open_graph_article_gives_what_it_says_of_itself(self):
        page = read("og-article.html")
        # The page's <title> wins over og:title, its meta description over og:description.
        assert page.title == "How Tide Tables Are Made | The Harbour Gazette"
        assert page.description.startswith("Harmonic analysis, a century of gauges")
        assert page.site_name == "The Harbour Gazette"
        assert page.canonical_url == "https://gazette.example/science/tide-tables"
        assert page.language == "en-GB"
        assert page.favicon_url == "https://gazette.example/static/icon-32.png"

    def test_a_page_without_a_title_is_named_by_og_title_whitespace_collapsed(self):
        page = read("og-title-only.html")
        assert page.title == "The Lighthouse Keeper's Year"
        assert page.description == "Twelve months on a rock, told in letters home."

    def test_a_page_with_neither_title_nor_og_title_is_named_by_twitter_title(self):
        page = read_html('<meta name="twitter:title" content="Only this"><p>text</p>')
        assert page.title == "Only this"

    def test_an_svg_icons_title_does_not_name_the_page(self):
        page = read_html(
            '<body><svg><title>Search</title></svg><meta property="og:title" content="Page">'
        )
        assert page.title == "Page"

    def test_a_page_that_says_nothing_of_itself_gives_empty_fields(self):
        page = read_html("<p>just text</p>")
        assert page.title == page.description == page.site_name == ""
        assert page.canonical_url == page.language == page.favicon_url == ""

    def test_relative_canonical_and_icon_addresses_are_made_absolute(self):
        page = read("relative-urls.html")
        assert page.canonical_url == (
            "https://site.example/docs/guide/d%C3%A9marrage?version=2#installer"
        )
        # A plain icon wins over the touch icon; a mask icon is no favicon.
        assert page.favicon_url == "https://site.example/docs/static/favicon.png"

    def test_a_touch_icon_serves_when_the_page_names_no_other(self):
        page = read_html('<link rel="apple-touch-icon" href="/touch.png"><p>x</p>')
        assert page.favicon_url == "https://site.example/touch.png"

    def test_relative_addresses_are_read_against_the_pages_base(self):
        page = read_html(
            '<base href="https://cdn.example/assets/"><link rel="icon" href="i.png">'
            '<link rel="canonical" href="//other.example/a">'
        )
        assert page.favicon_url == "https://cdn.example/assets/i.png"
        assert page.canonical_url == "https://other.example/a"

    def test_a_base_that_is_no_http_address_is_ignored(self):
        page = read_html('<base href="javascript:void(0)"><link rel="icon" href="i.png">')
        assert page.favicon_url == "https://site.example/docs/start/i.png"

    def test_og_url_serves_as_canonical_when_there_is_no_link(self):
        page = read_html('<meta property="og:url" content="/story/1">')
        assert page.canonical_url == "https://site.example/story/1"

    @pytest.mark.parametrize(
        "href",
        ["javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://files.example/x", "http://"],
    )
    def test_addresses_that_are_not_http_are_left_out(self, href):
        page = read_html(f'<link rel="canonical" href="{href}"><link rel="icon" href="{href}">')
        assert (page.canonical_url, page.favicon_url) == ("", "")

    def test_an_address_too_long_to_store_is_left_out(self):
        page = read_html(f'<link rel="canonical" href="/{"a" * URL_MAX_LENGTH}">')
        assert page.canonical_url == ""

    @pytest.mark.parametrize(
        ("html", "language"),
        [
            ('<html lang="en_US">', "en-US"),
            ('<html lang=" zh-Hant-TW ">', "zh-Hant-TW"),
            ('<html lang="not a language">', ""),
            ('<html lang="">', ""),
            ('<html><meta http-equiv="Content-Language" content="de, en">', "de"),
            # Cut at a subtag boundary to fit the column, as BCP 47 allows.
            (
                '<html lang="en-aaaaaaa-bbbbbbb-ccccccc-ddddddd-eeeeeee">',
                "en-aaaaaaa-bbbbbbb-ccccccc-ddddddd",
            ),
        ],
    )
    def test_the_language_is_a_tag_or_nothing(self, html, language):
        assert read_html(html + "<p>text</p>").language == language

    def test_long_titles_and_descriptions_are_cut_to_their_caps(self):
        page = read_html(
            f"<title>{'t' * 3 * TITLE_MAX_LENGTH}</title>"
            f'<meta name="description" content="{"d" * 3 * DESCRIPTION_MAX_LENGTH}">'
        )
        assert len(page.title) == TITLE_MAX_LENGTH
        assert len(page.description) == DESCRIPTION_MAX_LENGTH
        assert page.title.endswith("…")


class TestCharacterSets:
    def test_a_page_in_windows_1251_declared_only_in_a_meta_tag(self):
        page = read("windows-1251-meta.html")
        assert page.title == "Как заваривать чай в самоваре"
        assert "пьёт чай той крепости" in page.text

    def test_a_page_in_shift_jis_declared_only_in_the_http_header(self):
        page = read("shift-jis-header.html", charset="Shift_JIS")
        assert page.title == "東京の古い喫茶店めぐり"
        assert "神保町の路地には" in page.text

    def test_a_byte_order_mark_wins_over_the_header_and_the_meta_tag(self):
        # UTF-16 with a BOM, served as windows-1252 and declaring iso-8859-1 inside.
        page = read("utf-16-bom.html", charset="windows-1252")
        assert page.title == "Größe und Maß: Übungen für Anfänger"
        assert page.language == "de"

    def test_the_http_header_wins_over_the_meta_tag(self):
        html = '<meta charset="windows-1251"><title>Привет, мир</title>'
        assert read_html(html, charset="koi8-r").title == "Привет, мир"

    def test_a_utf8_label_on_latin1_bytes_is_passed_over(self):
        # Header and meta both say UTF-8; the bytes are latin-1.
        page = read("lying-charset.html", charset="utf-8")
        assert page.title == "Crème brûlée à la lavande"
        assert "saupoudrez de cassonade" in page.text

    def test_a_stray_bad_byte_in_an_honest_utf8_page_is_only_replaced(self):
        body = "<title>お茶と砂糖</title><p>砂糖は".encode() + b"\xff" + "お好みで</p>".encode()
        page = page_read(body=body, url=URL, charset="utf-8")
        assert page.title == "お茶と砂糖"

    def test_xhtml_served_as_xml_takes_its_xml_declarations_encoding(self):
        page = read("xhtml.xhtml")
        assert page.title == "Señales marítimas del puerto"
        assert page.language == "es"
        assert page.favicon_url == "https://site.example/se%C3%B1ales/icono.png"
        assert "Una bandera roja en el mástil" in page.text

    def test_a_meta_tag_claiming_utf16_on_readable_bytes_means_utf8(self):
        body = '<meta charset="utf-16"><title>Größe!</title>'.encode()
        assert len(body) % 2 == 0  # so that UTF-16 would read it without an error
        assert page_read(body=body, url=URL, charset=None).title == "Größe!"

    def test_undeclared_utf8_is_recognised(self):
        assert read_html("<title>Naïve café</title>").title == "Naïve café"

    def test_undeclared_legacy_bytes_are_detected(self):
        page = page_read(
            body=(PAGES / "windows-1251-meta.html")
            .read_bytes()
            .replace(b"; charset=windows-1251", b""),
            url=URL,
            charset=None,
        )
        assert page.title == "Как заваривать чай в самоваре"

    @pytest.mark.parametrize("charset", ["no-such-charset", "rot13", "idna", "base64", '"utf-8"'])
    def test_a_header_charset_that_is_no_text_encoding_is_passed_over(self, charset):
        body = "<title>Naïve café</title>".encode()
        assert page_read(body=body, url=URL, charset=charset).title == "Naïve café"


class TestMainText:
    def test_the_article_is_kept_and_the_pages_furniture_left_out(self):
        text = read("og-article.html").text
        assert text.startswith("How tide tables are made\n\nEvery morning the harbour master")
        assert "tide-predicting machines" in text
        assert "\n\nThe gauge on the harbour wall still matters." in text
        for furniture in ("Subscribe", "Lifeboat crew honoured", "All rights reserved"):
            assert furniture not in text

    def test_scripts_and_styles_never_reach_any_field(self):
        page = read("script-style.html")
        assert "The clove hitch is quick to tie" in page.text
        for field in page.__dict__.values():
            assert "LEAK-MARKER" not in field

    def test_broken_markup_is_read_through_to_the_end(self):
        page = read("broken.html")
        assert page.title == "Broken but readable"
        assert "whose markup" in page.description
        # A stray </html> in the middle ends nothing, as in a browser.
        assert "still belongs to the page's text" in page.text
        assert "has NUL bytes inside it" in page.text
        assert_storable(page)

    def test_the_text_is_cut_to_its_cap(self):
        paragraphs = "".join(
            f"<p>Paragraph {n} of a very long page, {n * 7} words.</p>" for n in range(5000)
        )
        text = read_html(f"<article>{paragraphs}</article>").text
        assert len(text) == PAGE_TEXT_MAX_LENGTH
        assert text.endswith("…")


class TestBoundedCost:
    def test_five_megabytes_of_junk_give_a_page_content(self):
        junk = random.Random(15).randbytes(5 * 1024 * 1024)
        assert_storable(page_read(body=junk, url=URL, charset=None))

    def test_five_megabytes_of_tiny_elements_give_a_page_content(self):
        body = b"<title>Many</title>" + b"<div><p>w</p></div>" * (5 * 1024 * 1024 // 19)
        page = page_read(body=body, url=URL, charset="utf-8")
        assert page.title == "Many"
        assert_storable(page)

    def test_elements_past_the_cap_are_not_read(self):
        empty = "<span></span>" * 2 * READ_MAX_ELEMENTS
        page = read_html(f"<title>Long</title>{empty}<p>The end of a very long page.</p>")
        assert page.title == "Long"
        assert "The end of a very long page" not in page.text

    def test_bytes_past_the_cap_are_not_read(self):
        script = "<script>" + "x" * READ_MAX_BYTES + "</script>"
        page = read_html(f"<title>Heavy</title>{script}<p>The article after the bundle.</p>")
        assert page.title == "Heavy"
        assert "The article after the bundle" not in page.text


class TestNoConnection:
    def test_reading_a_page_opens_no_connection(self, monkeypatch):
        attempts = []

        def refuse(*args, **kwargs):
            attempts.append(args)
            raise OSError("page_read must not reach the network")

        monkeypatch.setattr(socket, "getaddrinfo", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)
        monkeypatch.setattr(socket.socket, "connect", refuse)
        for name in ("og-article.html", "relative-urls.html", "xhtml.xhtml"):
            read(name)
        assert attempts == []


# Pieces of pages as they come: markup that names the fields, declarations, references to
# characters XML refuses, broken and stray tags, and whatever text between them.
html_pieces = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<html lang='",
                "<title>",
                "</title>",
                "<meta property='og:title' content='",
                "<meta name='description' content='",
                "<meta http-equiv='Content-Language' content='",
                "<meta charset='utf-16'>",
                "<meta charset='shift_jis'>",
                "<?xml version='1.0' encoding='utf-32'?>",
                "<link rel='icon canonical' href='",
                "<base href='",
                "'>",
                "<svg><title>",
                "<p>",
                "<div>",
                "</html>",
                "</body>",
                "<script>",
                "<!--",
                "-->",
                "&#0;",
                "&#x1;",
                "&#xD800;",
                "&#xFFFF;",
                "&#1114112;",
                "\x00",
                "\ufeff",
                "//[::1",
                "http://[",
                "https://xn--/",
            ]
        ),
        st.text(max_size=40),
    ),
    max_size=40,
).map("".join)
charsets = st.one_of(
    st.none(),
    st.sampled_from(["utf-8", "utf-16", "utf-32", "shift_jis", "cp1251", "latin-1", "rot13"]),
    st.text(max_size=20),
)
READER = settings(max_examples=300)


@READER
@given(body=st.binary(max_size=2000), charset=charsets, url=st.text(max_size=40))
def test_any_bytes_give_a_storable_page_content(body, charset, url):
    assert_storable(page_read(body=body, url=url, charset=charset))


@READER
@given(
    html=html_pieces,
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-be", "utf-32", "shift_jis", "cp1251"]),
    charset=charsets,
)
def test_any_html_like_text_gives_a_storable_page_content(html, encoding, charset):
    body = html.encode(encoding, errors="replace")
    assert_storable(page_read(body=body, url=URL, charset=charset))
