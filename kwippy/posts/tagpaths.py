"""Write and read the tag part of tag URLs: `/t/python/`, `/t/python+django/`.

A "+" in the path separates tags (`/t/a+b/` shows posts with both). Tags imported from elsewhere
may hold a "+", a "/" or a "%" themselves, so inside one tag those three characters are
percent-encoded *before* the URL is built, and the URL then percent-encodes that "%" once more:
the tag `c++` is reached at `/t/c%252B%252B/`. The server decodes the address once (giving
`c%2B%2B`), we split on "+" and decode each tag once more. Every other character, accents
included, is encoded once as usual. A bare `/t/c++/` therefore means the tag `c` (empty tags
between separators are dropped).
"""

from urllib.parse import unquote

from kwippy.posts.normalize import TAG_MAX_LENGTH

MAX_TAGS_IN_PATH = 10
_ESCAPES = {"%": "%25", "+": "%2B", "/": "%2F"}


def tag_segment(tags: list[str] | tuple[str, ...]) -> str:
    """Return the path segment (before URL quoting) that names `tags`."""
    return "+".join("".join(_ESCAPES.get(c, c) for c in tag) for tag in tags)


def parse_tag_segment(segment: str) -> list[str]:
    """Return the tags a decoded path segment names, in order, without duplicates or empties."""
    seen: dict[str, None] = {}
    for part in segment.split("+"):
        tag = unquote(part).strip().lower()
        if tag and len(tag) <= TAG_MAX_LENGTH:
            seen.setdefault(tag)
    return list(seen)[:MAX_TAGS_IN_PATH]
