"""Tags as kwippy stores them, and the one way tag text is read: by forms, the API and the import.

A stored tag is lower case, at most TAG_MAX_LENGTH characters, with no whitespace and no comma;
a post carries at most MAX_TAGS. Tag text separates tags by whitespace or commas. Forms and the
API refuse what does not fit (`tags_clean`) so that nobody stores less than they typed without
being told; the import, reading files made elsewhere, cuts instead and counts what it cut.
"""

import re

TAG_MAX_LENGTH = 255
MAX_TAGS = 100
_SEPARATORS = re.compile(r"[\s,]+")


class TagTooLong(ValueError):
    """A tag in the text is longer than TAG_MAX_LENGTH."""


class TooManyTags(ValueError):
    """The text names more tags than allowed."""


def normalize_tag(raw: str) -> str:
    """Return a tag as stored: lower-case, inner spaces as "-", no commas, at most 255 chars."""
    tag = "-".join(raw.replace(",", " ").split()).lower()
    return tag[:TAG_MAX_LENGTH]


def parse_tags(text: str) -> list[str]:
    """Split space- or comma-separated tags into stored tags, in order, without duplicates."""
    seen: dict[str, None] = {}
    for word in _SEPARATORS.split(text):
        tag = normalize_tag(word)
        if tag:
            seen.setdefault(tag)
    return list(seen)


def tags_clean(text: str, *, limit: int | None = MAX_TAGS) -> list[str]:
    """Return the stored tags `text` names, like `parse_tags`, but refuse rather than cut.

    Raise TagTooLong for a tag over TAG_MAX_LENGTH, TooManyTags for more than `limit` tags.
    """
    words = [word for word in _SEPARATORS.split(text) if word]
    if any(len(word) > TAG_MAX_LENGTH for word in words):
        raise TagTooLong(text)
    tags = list(dict.fromkeys(normalize_tag(word) for word in words))
    if limit is not None and len(tags) > limit:
        raise TooManyTags(text)
    return tags
