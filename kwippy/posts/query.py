"""Search queries as people type them: words, "quoted phrases", -word, OR, tag:name, site:host.

PostgreSQL's web-search syntax already reads words, phrases and -word; `tag:` and `site:` are
ours, so the query is split here into alternatives (the parts between the ORs), each holding the
words for PostgreSQL and the tags and sites it filters by. `python tag:web OR site:lwn.net`
finds posts with the word and the tag, and posts of lwn.net (and its subdomains). This module is
pure: it reads text, it never touches the database.
"""

import re
from dataclasses import dataclass

from kwippy.posts.tags import normalize_tag

# A query names at most this many alternatives, filters and words, so what one search asks of the
# database is bounded whatever is typed.
MAX_ALTERNATIVES = 10
MAX_FILTERS = 10
# An unterminated quote runs to the end, as PostgreSQL reads it.
_TOKEN = re.compile(r'-?"[^"]*"?|[^\s"]+')
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


@dataclass(frozen=True)
class Alternative:
    """One part of a query between ORs: every word, tag and site in it must match."""

    words: str = ""
    tags: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()


def normalize_site(raw: str) -> str:
    """Return the host a `site:` filter names: `https://Example.org/x` gives `example.org`."""
    host = _SCHEME.sub("", raw.strip().lower())
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    return host.rpartition("@")[2].strip(".")


def _alternative(tokens: list[str]) -> Alternative | None:
    words, tags, sites = [], [], []
    for token in tokens:
        name, colon, value = token.partition(":")
        # A filter with nothing after its colon (`tag:`) filters nothing and is dropped.
        if colon and name.lower() == "tag":
            tags += [normalize_tag(value)] if normalize_tag(value) else []
        elif colon and name.lower() == "site":
            sites += [normalize_site(value)] if normalize_site(value) else []
        else:
            words.append(token)
    if not (words or tags or sites):
        return None
    return Alternative(
        words=" ".join(words),
        tags=tuple(dict.fromkeys(tags))[:MAX_FILTERS],
        sites=tuple(dict.fromkeys(sites))[:MAX_FILTERS],
    )


def names_a_word(words: str) -> bool:
    """Return whether `words` name a word to find, not only words to leave out (`-word`)."""
    return any(not token.startswith("-") for token in _TOKEN.findall(words))


def parse_query(text: str) -> list[Alternative]:
    """Return the alternatives a query asks for (any may match); none for an empty query."""
    groups: list[list[str]] = [[]]
    for token in _TOKEN.findall(text.replace("\x00", "")):
        if token.lower() == "or":
            groups.append([])
        else:
            groups[-1].append(token)
    parsed = [_alternative(tokens) for tokens in groups]
    return [alternative for alternative in parsed if alternative][:MAX_ALTERNATIVES]
