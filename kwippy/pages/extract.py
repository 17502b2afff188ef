"""Read a fetched page: its character set, what it says of itself, and its readable main text.

Any bytes in, a PageContent out: broken markup, a lying or missing character set and junk give
empty or partial fields, never an exception. Every field is free of the characters XML cannot
carry (feeds and exports stay valid) and within its cap.

Nothing here opens a connection. lxml parses with `no_network` (no DTD or entity is loaded).
Of trafilatura only `extract` is used, on a tree already parsed and without metadata: it reads the
tree it is given and nothing else (downloading is `fetch_url`'s, never called here), and with
`with_metadata` off it never calls htmldate, the one helper that could be handed a URL.
"""

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import trafilatura
from charset_normalizer import from_bytes
from lxml import etree
from lxml.html import HtmlElement, HtmlElementClassLookup
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding, to_unicode
from w3lib.url import safe_url_string

from kwippy.core.characters import NOT_XML
from kwippy.posts.models import PAGE_TEXT_MAX_LENGTH, LinkPage
from kwippy.posts.normalize import URL_MAX_LENGTH, normalize_url, shorten

# A page's own title may be longer than a post's (posts.normalize.TITLE_MAX_LENGTH, 255): it is
# kept whole here, and cut to the post's cap by whoever fills a post's title with it.
TITLE_MAX_LENGTH = 2000
DESCRIPTION_MAX_LENGTH = 5000
LANGUAGE_MAX_LENGTH = LinkPage._meta.get_field("language").max_length

# Only the start of a page is read: its head and the first 2 MB hold the article of any page
# worth keeping (inline scripts and data included), and decoding 2 MB costs milliseconds.
READ_MAX_BYTES = 2 * 1024 * 1024
# What the main-text extraction costs grows with the elements parsed, not with the bytes: three
# bytes make an element (`<p>`), and trafilatura takes seconds for some tens of thousands of them.
# Parsing stops past this many, far more than pages have (Lighthouse calls a page of over 1,400
# elements excessive), so the worst page costs about as much as the largest real one.
READ_MAX_ELEMENTS = 20_000
# The parser is fed this much at a time, so it stops at most one chunk past the element cap.
PARSE_CHUNK_BYTES = 16 * 1024
# A declared character set is believed unless over this share of the bytes beyond ASCII cannot
# be read in it: a latin-1 page labelled UTF-8 is caught, a stray bad byte in an honest page is
# only replaced.
UNREADABLE_SHARE = 0.1
# The HTML standard's encoding for a page that declares none and that nothing recognises.
FALLBACK_ENCODING = "cp1252"

# libxml2 stops reading at `</html>` and puts what follows `</body>` outside the body; browsers
# read on as if neither tag were there, wherever they stand.
BODY_END_TAGS = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
ASCII = bytes(range(128))
ICON_RELS = ("icon", "apple-touch-icon", "apple-touch-icon-precomposed")


@dataclass(frozen=True)
class PageContent:
    """What a page says of itself and its readable text; "" for what it does not say."""

    title: str
    description: str
    site_name: str
    canonical_url: str
    language: str
    favicon_url: str
    text: str


def page_read(*, body: bytes, url: str, charset: str | None) -> PageContent:
    """Return what the page at `url` (its final address) says of itself and its main text.

    `charset` is the one the HTTP answer declared, if any. The favicon is only one the page
    names: /favicon.ico is not guessed, as only a fetch would tell whether it exists.
    """
    root = _parsed(_decoded(body[:READ_MAX_BYTES], charset))
    if root is None:
        return PageContent("", "", "", "", "", "", "")
    metas = _metas(root)
    base = _base_url(root, url)
    return PageContent(
        title=_field(
            _title(root) or metas.get("og:title") or metas.get("twitter:title"), TITLE_MAX_LENGTH
        ),
        description=_field(
            metas.get("description") or metas.get("og:description"), DESCRIPTION_MAX_LENGTH
        ),
        site_name=_field(metas.get("og:site_name"), TITLE_MAX_LENGTH),
        canonical_url=_absolute(_link_href(root, ("canonical",)) or metas.get("og:url"), base),
        language=_language(root.get("lang") or root.get("xml:lang"))
        or _language((metas.get("http-equiv:content-language") or "").split(",")[0]),
        favicon_url=_absolute(_link_href(root, ICON_RELS), base),
        text=_main_text(root),
    )


def _decoded(data: bytes, charset: str | None) -> str:
    """Return the page's text, in the encoding a browser would pick, undecodable bytes replaced.

    The order is the browsers': a byte order mark wins over everything; then the HTTP header's
    charset; then a `<meta charset>`, `http-equiv` or XML declaration in the first 4 KB; then
    detection (UTF-8 if the bytes are valid UTF-8, else charset-normalizer's guess, else
    windows-1252). A declaration the bytes plainly contradict is passed over.
    """
    encoding, bom = read_bom(data)
    if encoding is not None:
        return to_unicode(data[len(bom) :], encoding)
    for declared in (_header_encoding(charset), _document_encoding(data)):
        if declared is not None and (text := _readable(data, declared)) is not None:
            return text
    return to_unicode(data, _detected_encoding(data))


def _header_encoding(charset: str | None) -> str | None:
    if not charset:
        return None
    encoding = resolve_encoding(charset.strip().strip("\"'"))
    # The HTML standard reads a bare "utf-16" label as little-endian.
    return {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(encoding, encoding)


def _document_encoding(data: bytes) -> str | None:
    encoding = html_body_declared_encoding(data)
    # A declaration that could be read as ASCII is not in UTF-16 or UTF-32: the HTML standard
    # takes it to mean UTF-8.
    if encoding is not None and encoding.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return encoding


def _readable(data: bytes, encoding: str) -> str | None:
    """Return the bytes decoded in `encoding`, or None if they plainly are not in it."""
    try:
        text = to_unicode(data, encoding)
    # A codec Python knows that is no text encoding (rot13, base64) or refuses to replace (idna).
    except (LookupError, UnicodeError):
        return None
    beyond_ascii = len(data.translate(None, ASCII))
    if text.count("\ufffd") > beyond_ascii * UNREADABLE_SHARE:
        return None
    return text


def _detected_encoding(data: bytes) -> str:
    try:
        # Not final: a character cut by the fetch's size cap or by ours is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(data)
    except UnicodeDecodeError:
        guess = from_bytes(data).best()
        return guess.encoding if guess is not None else FALLBACK_ENCODING
    return "utf-8"


def _parsed(html: str) -> HtmlElement | None:
    """Return the document's root, parsed as far as READ_MAX_ELEMENTS, or None if it has none."""
    parser = etree.HTMLPullParser(
        events=("start",),
        encoding="utf-8",
        recover=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    parser.set_element_class_lookup(HtmlElementClassLookup())
    # The characters XML cannot carry go before parsing, so no field can hold one.
    data = BODY_END_TAGS.sub("", NOT_XML.sub("", html)).encode("utf-8")
    elements = 0
    try:
        for start in range(0, len(data), PARSE_CHUNK_BYTES):
            parser.feed(data[start : start + PARSE_CHUNK_BYTES])
            elements += sum(1 for _ in parser.read_events())
            if elements > READ_MAX_ELEMENTS:
                break
        return parser.close()
    except etree.LxmlError:  # nothing an element could be made of
        return None


def _metas(root: HtmlElement) -> dict[str, str]:
    """Return the page's `<meta>` contents by lower-cased property or name, the first of each."""
    metas = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for key in (meta.get("property"), meta.get("name")):
            if key:
                metas.setdefault(key.strip().lower(), content)
        if pragma := meta.get("http-equiv"):
            metas.setdefault(f"http-equiv:{pragma.strip().lower()}", content)
    return metas


def _title(root: HtmlElement) -> str:
    # An SVG icon's <title> names the icon, not the page.
    for title in root.iterfind(".//title"):
        if not any(ancestor.tag == "svg" for ancestor in title.iterancestors()):
            return title.text_content()
    return ""


def _link_href(root: HtmlElement, rels: tuple[str, ...]) -> str:
    """Return the href of the first `<link>` whose rel names the first of `rels` found."""
    hrefs = {}
    for link in root.iter("link"):
        href = link.get("href")
        if href:
            for rel in (link.get("rel") or "").lower().split():
                hrefs.setdefault(rel, href)
    return next((hrefs[rel] for rel in rels if rel in hrefs), "")


def _base_url(root: HtmlElement, url: str) -> str:
    """Return the address the page's relative URLs are read against: its `<base>`, else `url`."""
    base = root.find(".//base[@href]")
    # A base that is no http(s) address is ignored, as browsers do.
    return (_absolute(base.get("href"), url) if base is not None else "") or url


def _absolute(href: str | None, base: str) -> str:
    """Return `href` made absolute against `base` in kwippy's form, or "" if not an http(s) URL."""
    if not href:
        return ""
    try:
        url = normalize_url(safe_url_string(urljoin(base, href.strip())))
    except ValueError:  # not a URL kwippy could store; InvalidURL and IDNA errors alike
        return ""
    return url if len(url) <= URL_MAX_LENGTH else ""


def _language(value: str | None) -> str:
    """Return a BCP 47-looking language tag, cut at a subtag to fit its column, or ""."""
    parts = (value or "").strip().replace("_", "-").split("-")
    if not parts[0].isascii() or not parts[0].isalpha() or not 2 <= len(parts[0]) <= 8:
        return ""
    if not all(part.isascii() and part.isalnum() and len(part) <= 8 for part in parts):
        return ""
    while len("-".join(parts)) > LANGUAGE_MAX_LENGTH:
        parts.pop()
    return "-".join(parts)


def _main_text(root: HtmlElement) -> str:
    """Return the page's main text, paragraphs separated by blank lines, cut to its cap."""
    text = trafilatura.extract(
        root,
        # Without the fallback extractors (readability, jusText) trafilatura would compare its
        # result with: on articles they agree, and on a page of many small elements they cost
        # ten times more, seconds on a page of tens of thousands.
        fast=True,
        include_comments=False,
        with_metadata=False,
        output_format="txt",
        # A <template> is markup for scripts to use, never shown: trafilatura would read it.
        prune_xpath="//template",
    )
    paragraphs = (_line(line) for line in (text or "").splitlines())
    return shorten("\n\n".join(p for p in paragraphs if p), PAGE_TEXT_MAX_LENGTH)


def _field(value: str | None, cap: int) -> str:
    return shorten(_line(value), cap)


def _line(value: str | None) -> str:
    """Return `value` on one line: its whitespace collapsed, the characters XML refuses dropped."""
    return " ".join(NOT_XML.sub("", value or "").split())
