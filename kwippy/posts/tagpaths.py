"""The `tags` path converter: the tag part of tag URLs, `/t/python/`, `/t/python+django/`.

Every tag URL is built by `reverse()` or `{% url %}` from a list of tags (or one tag), and its
view receives the list: `path("t/<tags:tags>/", …)`. posts registers the converter when the apps
are ready, before any URLconf is read.

A "+" in the path separates tags (`/t/a+b/` shows posts with both). Tags imported from elsewhere
may hold a "+", a "/" or a "%" themselves, so inside one tag those three characters are
percent-encoded *before* the URL is built, and the URL then percent-encodes that "%" once more:
the tag `c++` is reached at `/t/c%252B%252B/`. A tag made only of dots is escaped the same way
(`.` is reached at `/t/%252E/`): browsers rewrite the segments `.` and `..`, and their `%2E`
spellings, out of an address before sending it. Every other character, accents included, is
encoded once as usual (`reverse()` quotes what `to_url` returns). A bare `/t/c++/` therefore
means the tag `c` (empty tags between separators are dropped).

The server decodes the address once (giving `c%2B%2B`); we split on "+" and undo exactly our own
escapes, nothing else. A general second decoding would turn `/t/%2500/` into a NUL after every
check for one had passed.
"""

import re

from kwippy.posts.tags import TAG_MAX_LENGTH

# A longer path names only its first ten tags, so what one address asks of the database is bounded.
MAX_TAGS_IN_PATH = 10
_ESCAPES = {"%": "%25", "+": "%2B", "/": "%2F", ".": "%2E"}
_ESCAPED = re.compile("|".join(_ESCAPES.values()), re.IGNORECASE)
_UNESCAPES = {escape: char for char, escape in _ESCAPES.items()}


def _escape(tag: str) -> str:
    dots_only = tag.strip(".") == ""
    return "".join(_ESCAPES[c] if c in "%+/" or dots_only else c for c in tag)


def _unescape(part: str) -> str:
    return _ESCAPED.sub(lambda match: _UNESCAPES[match.group().upper()], part)


class TagsConverter:
    """`<tags:…>`: a path segment read as a list of tags, written from a list or a single tag."""

    regex = "[^/]+"

    def to_python(self, value: str) -> list[str]:
        """Return the tags a decoded path segment names, in order, without duplicates or empties."""
        seen: dict[str, None] = {}
        for part in value.split("+"):
            tag = _unescape(part).strip().lower()
            if tag and len(tag) <= TAG_MAX_LENGTH:
                seen.setdefault(tag)
        return list(seen)[:MAX_TAGS_IN_PATH]

    def to_url(self, value: str | list[str] | tuple[str, ...]) -> str:
        """Return the path segment, before URL quoting, that names the tags in `value`."""
        tags = [value] if isinstance(value, str) else value
        return "+".join(_escape(tag) for tag in tags)
