"""Read and write Netscape bookmark files, the format browsers and bookmarking sites export.

Pure functions and a parser, no database. The parser is the stdlib `HTMLParser` fed in chunks, so
a file of tens of megabytes is read in constant memory, one bookmark at a time. Some things are
ours rather than the stdlib's, each because the stdlib gets it wrong for these files:
- attribute values are decoded by the HTML rule for attributes, in which `&lang=en` inside an
  HREF is text, not the entity `&lang`; `HTMLParser` decodes it and would corrupt query strings;
- a malformed `<![...[` section, which makes `HTMLParser` raise, is read as a bogus comment;
- `<script>` and `<style>` are ordinary tags, so an unescaped one in a title loses nothing after it;
- markup that never ends (`<!--`, `</`, an open quote) is given up on after `MAX_PENDING`
  characters and read as text, where `HTMLParser` would scan the rest of the input again for
  every `<` in it (quadratic, CVE-2025-6069).
"""

import codecs
import html
import math
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.entities import html5 as HTML5_ENTITIES
from html.parser import HTMLParser

DOCTYPE = "NETSCAPE-Bookmark-file-1"
# Browsers' own top-level containers hold bookmarks but are not categories. Most are marked by an
# attribute; Chrome writes "Other bookmarks" unmarked, so top-level folders are also known by name.
BROWSER_ROOT_FOLDER_ATTRIBUTES = (
    "personal_toolbar_folder",
    "unfiled_bookmarks_folder",
    "mobile_bookmarks_folder",
)
BROWSER_ROOT_FOLDER_NAMES = frozenset(
    {
        "bookmarks bar",
        "bookmarks toolbar",
        "bookmarks menu",
        "other bookmarks",
        "mobile bookmarks",
        "unsorted bookmarks",
    }
)
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
# Past this many seconds (either side of 1970) the value is in milliseconds, past the next in
# microseconds: 10**11 s is the year 5138.
MILLISECONDS_FROM = 10**11
MICROSECONDS_FROM = 10**14
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EARLIEST_TIMESTAMP = -62135596800  # 0001-01-01T00:00:00Z, the first second a datetime can hold
LATEST_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z, the last second a datetime can hold
# Folders deeper than this add nothing: a post holds fewer tags (100), and a bound keeps the work
# per bookmark small whatever the nesting.
MAX_FOLDER_DEPTH = 128
# The encodings browsers read (the WHATWG Encoding Standard), by Python's name for a charset
# label. Most decode as themselves; some labels mean a superset, or (UTF-16 without a BOM, whose
# declaration was readable as ASCII) something else. Any other label, among them Python's codecs
# that are no text encodings (rot13, base64, zlib, idna, undefined, unicode_escape…), reads as
# UTF-8.
BROWSER_ENCODINGS = frozenset(
    {
        "utf-8",
        "cp866",
        *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
        "koi8-r",
        "koi8-u",
        "mac-roman",
        "mac-cyrillic",
        "cp874",
        *(f"cp{n}" for n in range(1250, 1259)),
        "gbk",
        "gb18030",
        "big5hkscs",
        "euc_jp",
        "iso2022_jp",
        "cp932",
        "cp949",
    }
)
BROWSER_ENCODING_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "gb2312": "gbk",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}
DEFAULT_ENCODING = "utf-8"

_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
_TAG_NAME = re.compile(r"<\s*[^\s/>]+")
_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class NetscapeBookmark:
    """One bookmark as a Netscape file states it; `None` where the file says nothing."""

    url: str
    title: str = ""
    description: str = ""
    # None: the file says nothing of tags (no TAGS attribute), which is not "no tags".
    tags: tuple[str, ...] | None = None
    add_date: datetime | None = None
    last_modified: datetime | None = None
    private: bool | None = None
    to_read: bool | None = None
    folders: tuple[str, ...] = ()


def unescape_attribute(value: str) -> str:
    """Return an attribute value with its character references decoded as browsers do."""
    if "&" not in value:
        return value

    def replace(match: re.Match) -> str:
        reference = match.group(1)
        if reference.startswith("#"):
            return html.unescape(match.group(0))
        # Without ";" only the legacy names decode, and not before "=": `?a=1&copy=2` is text.
        if reference in HTML5_ENTITIES and (
            reference.endswith(";") or value[match.end() : match.end() + 1] != "="
        ):
            return HTML5_ENTITIES[reference]
        return match.group(0)

    return _REFERENCE.sub(replace, value)


def parse_attributes(start_tag: str) -> dict[str, str | None]:
    """Return the attributes of a start tag's source text, names lower-cased, the first one kept."""
    name = _TAG_NAME.match(start_tag)
    body = start_tag[name.end() :] if name else ""
    body = body.removesuffix(">")
    # "/" before ">" closes the tag only after a quote or a space: in `href=x/` it is the URL's.
    if body.endswith("/") and (len(body) == 1 or body[-2] in "\"' \t\n\r\f"):
        body = body[:-1]
    attributes: dict[str, str | None] = {}
    for match in _ATTRIBUTE.finditer(body):
        name = match.group(1).lower()
        if name in attributes:
            continue
        raw = next((group for group in match.group(2, 3, 4) if group is not None), None)
        attributes[name] = None if raw is None else unescape_attribute(raw)
    return attributes


def parse_timestamp(value: str | None) -> datetime | None:
    """Return the moment an ADD_DATE-style value names (seconds, ms or µs from 1970), or None.

    Moments before 1970 are negative. 0 is what tools write for "no date", so it means none.
    """
    if not value:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number == 0 or math.isnan(number):
        return None
    if abs(number) >= MICROSECONDS_FROM:
        number /= 1_000_000
    elif abs(number) >= MILLISECONDS_FROM:
        number /= 1_000
    if not EARLIEST_TIMESTAMP <= number <= LATEST_TIMESTAMP:
        return None
    return EPOCH + timedelta(seconds=math.floor(number))


def format_timestamp(moment: datetime) -> str:
    """Return a moment as an ADD_DATE value: whole seconds from 1970, negative before it."""
    return str((moment - EPOCH) // timedelta(seconds=1))


def parse_flag(attributes: dict[str, str | None], name: str) -> bool | None:
    """Return a PRIVATE/TOREAD-style flag: True, False, or None when absent or unreadable."""
    if name not in attributes:
        return None
    value = attributes[name]
    if value is None:  # a bare attribute, as in HTML: present means on
        return True
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def split_tags(value: str | None) -> tuple[str, ...]:
    """Return the comma-separated tags of a TAGS attribute, trimmed, empty ones dropped."""
    if not value:
        return ()
    return tuple(tag.strip() for tag in value.split(",") if tag.strip())


class NetscapeParser(HTMLParser):
    """Turn the text of a Netscape bookmark file, fed in any chunks, into NetscapeBookmarks.

    A bookmark is an `<A HREF>` inside a `<DL>` list, right after a `<DT>`, or anywhere in a file
    that declares the Netscape doctype; its `<DD>` is its description (else a `DESCRIPTION`
    attribute, as Scuttle writes), and a link inside the `<DD>` is part of it; `<H3>` names the
    folder whose `<DL>` follows. Finished bookmarks wait in `bookmarks` until taken.
    """

    # HTMLParser rescans what it holds back (an unfinished construct and all after it) on every
    # feed. So new text waits until it is as long as that, or PIECE_SIZE, and is fed in pieces of
    # about PIECE_SIZE; a construct still unfinished after MAX_PENDING characters (far longer
    # than a favicon's data URI) is read as text. Scanning then stays proportional to the input.
    MAX_PENDING = 256 * 1024
    PIECE_SIZE = 64 * 1024

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bookmarks: deque[NetscapeBookmark] = deque()
        self.declares_doctype = False
        self.found = 0
        self._lists: list[str | None] = []  # one entry per open <DL>: its folder name, if any
        self._folders: list[str] = []  # the names among them, outermost first
        self._folder_name: list[str] | None = None
        self._folder_is_root = False
        self._next_list_folder: str | None = None
        self._after_dt = False
        self._anchor: dict[str, str | None] | None = None
        self._title: list[str] = []
        self._description: list[str] = []
        self._note_link: tuple[str, int] | None = None  # an <A> in the <DD>: its href, its start
        self._collecting: list[str] | None = None
        self._unfed: list[str] = []
        self._unfed_size = 0

    @property
    def is_bookmark_file(self) -> bool:
        """Return whether the text read so far is a bookmark file."""
        return self.declares_doctype or self.found > 0

    def read(self, chunks: Iterable[str]) -> Iterator[NetscapeBookmark]:
        """Feed every chunk and yield each bookmark as soon as it is complete."""
        for chunk in chunks:
            self.feed(chunk)
            while self.bookmarks:
                yield self.bookmarks.popleft()
        self.close()
        while self.bookmarks:
            yield self.bookmarks.popleft()

    def feed(self, data):
        self._unfed.append(data)
        self._unfed_size += len(data)
        if self._unfed_size >= min(len(self.rawdata), self.PIECE_SIZE):
            self._feed_unfed()

    def close(self):
        self._feed_unfed()
        # At the end HTMLParser would look for the end of every "<" left, each time to the end.
        given_up, self.rawdata = self.rawdata, ""
        if given_up:
            self.handle_data(html.unescape(given_up))
        super().close()
        self._finish_bookmark()

    def _feed_unfed(self):
        text = "".join(self._unfed)
        self._unfed, self._unfed_size = [], 0
        pieces = max(1, len(text) // self.PIECE_SIZE)
        size = max(1, -(-len(text) // pieces))
        for start in range(0, len(text), size):
            super().feed(text[start : start + size])
            # `rawdata` is what HTMLParser holds back: an unfinished construct and what follows.
            if len(self.rawdata) > self.MAX_PENDING:
                half = len(self.rawdata) // 2
                given_up, rest = self.rawdata[:half], self.rawdata[half:]
                self.rawdata = ""
                self.handle_data(html.unescape(given_up))
                super().feed(rest)

    def set_cdata_mode(self, *args, **kwargs):
        # A bookmark file holds no scripts or styles: a stray, unescaped "<script>" in a title
        # must not turn the rest of the file into script text.
        return

    def parse_marked_section(self, i, report=1):
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report=0)

    def handle_decl(self, decl):
        words = decl.lower().split()
        if words[:1] == ["doctype"] and DOCTYPE.lower() in words:
            self.declares_doctype = True

    def handle_starttag(self, tag, attrs):
        after_dt, self._after_dt = self._after_dt, tag == "dt"
        if tag == "a":
            if self._collecting is self._description:
                self._start_note_link()
            else:
                self._start_anchor(after_dt=after_dt)
        elif tag == "dd":
            self._end_folder_name()
            self._collecting = self._description if self._anchor is not None else None
        elif tag == "br":
            if self._collecting is self._description:
                self._description.append("\n")
        elif tag == "h3":
            self._finish_bookmark()
            attributes = parse_attributes(self.get_starttag_text() or "")
            self._folder_is_root = any(a in attributes for a in BROWSER_ROOT_FOLDER_ATTRIBUTES)
            self._folder_name = []
            self._collecting = self._folder_name
        elif tag == "dt":
            self._finish_bookmark()
            self._end_folder_name()
            self._next_list_folder = None
        elif tag == "dl":
            self._finish_bookmark()
            self._end_folder_name()
            self._lists.append(self._next_list_folder)
            if self._next_list_folder:
                self._folders.append(self._next_list_folder)
            self._next_list_folder = None

    def handle_endtag(self, tag):
        if tag == "a":
            if self._note_link is not None:
                self._end_note_link()
            elif self._collecting is self._title:
                self._collecting = None
        elif tag == "h3":
            self._end_folder_name()
        elif tag == "dl":
            self._finish_bookmark()
            self._end_folder_name()
            self._next_list_folder = None
            if self._lists and self._lists.pop():
                self._folders.pop()

    def handle_data(self, data):
        if self._collecting is not None:
            self._collecting.append(data)

    def _start_anchor(self, *, after_dt: bool):
        self._finish_bookmark()
        self._end_folder_name()
        attributes = parse_attributes(self.get_starttag_text() or "")
        if attributes.get("href") is None or not (self._lists or after_dt or self.declares_doctype):
            return
        self._anchor = attributes
        self._collecting = self._title

    def _start_note_link(self):
        self._end_note_link()
        href = (parse_attributes(self.get_starttag_text() or "").get("href") or "").strip()
        self._note_link = (href, len(self._description))

    def _end_note_link(self):
        """Keep a note's link where it was: its text, then its address unless that is the text."""
        if self._note_link is None:
            return
        href, start = self._note_link
        self._note_link = None
        text = "".join(self._description[start:]).strip()
        if href and not text:
            self._description.append(href)
        elif href and text != href:
            self._description.append(f" ({href})")

    def _end_folder_name(self):
        if self._folder_name is None:
            return
        name = " ".join("".join(self._folder_name).split())
        is_root = self._folder_is_root or (
            len(self._lists) <= 1 and name.lower() in BROWSER_ROOT_FOLDER_NAMES
        )
        self._next_list_folder = None if is_root or not name else name
        if self._collecting is self._folder_name:
            self._collecting = None
        self._folder_name = None

    def _finish_bookmark(self):
        attributes = self._anchor
        if attributes is not None:
            self._end_note_link()
            self.found += 1
            description = "".join(self._description).strip()
            self.bookmarks.append(
                NetscapeBookmark(
                    url=(attributes.get("href") or "").strip(),
                    title="".join(self._title).strip(),
                    description=description or (attributes.get("description") or "").strip(),
                    tags=split_tags(attributes["tags"]) if "tags" in attributes else None,
                    add_date=parse_timestamp(attributes.get("add_date")),
                    last_modified=parse_timestamp(attributes.get("last_modified")),
                    private=parse_flag(attributes, "private"),
                    to_read=parse_flag(attributes, "toread"),
                    folders=tuple(self._folders[:MAX_FOLDER_DEPTH]),
                )
            )
        self._anchor = None
        self._title = []
        self._description = []
        self._note_link = None
        self._collecting = None


def sniff_encoding(head: bytes) -> str:
    """Return the encoding of a file from its first bytes: a BOM, a META charset, else UTF-8."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return encoding
    match = _CHARSET.search(head[:4096])
    if not match:
        return DEFAULT_ENCODING
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return DEFAULT_ENCODING
    if name in BROWSER_ENCODINGS:
        return name
    return BROWSER_ENCODING_SUPERSETS.get(name, DEFAULT_ENCODING)


def decode(blocks: Iterable[bytes]) -> Iterator[str]:
    """Decode a file's bytes block by block, in its sniffed encoding, bad bytes replaced."""
    decoder = None
    for block in blocks:
        if decoder is None:
            decoder = codecs.getincrementaldecoder(sniff_encoding(block))(errors="replace")
        text = decoder.decode(block)
        if text:
            yield text
    if decoder is not None:
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail


def _attribute(name: str, value: str) -> str:
    return f' {name}="{html.escape(value, quote=True)}"'


def render_bookmark(bookmark: NetscapeBookmark, indent: str = "") -> str:
    """Return one bookmark as a `<DT><A>` line and its `<DD>`, every attribute escaped."""
    parts = [f"{indent}<DT><A", _attribute("HREF", bookmark.url)]
    if bookmark.add_date is not None:
        parts.append(_attribute("ADD_DATE", format_timestamp(bookmark.add_date)))
    if bookmark.last_modified is not None:
        parts.append(_attribute("LAST_MODIFIED", format_timestamp(bookmark.last_modified)))
    if bookmark.private is not None:
        parts.append(_attribute("PRIVATE", "1" if bookmark.private else "0"))
    if bookmark.to_read is not None:
        parts.append(_attribute("TOREAD", "1" if bookmark.to_read else "0"))
    if bookmark.tags:
        parts.append(_attribute("TAGS", ",".join(bookmark.tags)))
    parts.append(f">{html.escape(bookmark.title, quote=False)}</A>\n")
    if bookmark.description:
        parts.append(f"{indent}<DD>{html.escape(bookmark.description, quote=False)}\n")
    return "".join(parts)


def render(bookmarks: Iterable[NetscapeBookmark], *, title: str = "Bookmarks") -> Iterator[str]:
    """Yield a Netscape bookmark file, piece by piece, holding the bookmarks in their folders.

    Folders open and close as consecutive bookmarks' folder paths change, so the input can be a
    stream; bookmarks of one folder that are not next to each other give that folder twice.
    """
    heading = html.escape(title, quote=False)
    yield (
        f"<!DOCTYPE {DOCTYPE}>\n"
        "<!-- This is an automatically generated file.\n"
        "     It will be read and overwritten.\n"
        "     DO NOT EDIT! -->\n"
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n'
        f"<TITLE>{heading}</TITLE>\n"
        f"<H1>{heading}</H1>\n"
        "<DL><p>\n"
    )
    path: tuple[str, ...] = ()
    for bookmark in bookmarks:
        shared = 0
        while (
            shared < min(len(path), len(bookmark.folders))
            and path[shared] == bookmark.folders[shared]
        ):
            shared += 1
        pieces = []
        for depth in range(len(path), shared, -1):
            pieces.append(f"{'    ' * depth}</DL><p>\n")
        for depth in range(shared, len(bookmark.folders)):
            indent = "    " * (depth + 1)
            name = html.escape(bookmark.folders[depth], quote=False)
            pieces.append(f"{indent}<DT><H3>{name}</H3>\n{indent}<DL><p>\n")
        path = bookmark.folders
        pieces.append(render_bookmark(bookmark, "    " * (len(path) + 1)))
        yield "".join(pieces)
    if path:
        yield "".join(f"{'    ' * depth}</DL><p>\n" for depth in range(len(path), 0, -1))
    yield "</DL><p>\n"
