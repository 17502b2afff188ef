"""Tag paths: every tag, whatever its characters, has an address that leads back to it."""

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwippy.posts.tagpaths import parse_tag_segment, tag_segment
from kwippy.posts.templatetags.kwippy import tag_path

tags = (
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zs"], blacklist_characters=","),
        min_size=1,
        max_size=30,
    )
    .map(str.lower)
    .filter(lambda t: t.strip() == t and t)
)


@given(st.lists(tags, min_size=1, max_size=4, unique=True))
def test_tag_paths_round_trip_through_one_server_decoding(tag_list):
    path = tag_path(tag_list)
    segment = path.removeprefix("/t/").removesuffix("/")
    # What the server hands Django after decoding the address once.
    decoded = unquote(segment)
    assert "/" not in decoded
    assert parse_tag_segment(decoded) == list(dict.fromkeys(tag_list))


def test_plus_in_a_decoded_segment_separates_tags():
    assert parse_tag_segment("python+django") == ["python", "django"]
    assert parse_tag_segment(tag_segment(["c++"])) == ["c++"]
    assert parse_tag_segment("c++") == ["c"]
    assert parse_tag_segment("") == []


def _is_dot_segment(segment: str) -> bool:
    # The URL standard treats ".", "..", and their "%2e" spellings (one level of encoding) as
    # "this directory" and "the parent": browsers rewrite /t/./ to /t/ before sending it.
    return segment.lower().replace("%2e", ".") in (".", "..")


@pytest.mark.parametrize("tags", [["."], [".."], ["..."], [".", ".."]])
def test_dot_only_tags_get_paths_browsers_send_unchanged(tags):
    for path in (tag_path(tags), tag_path(tags, "alice"), tag_path(tags, prefix="/feeds")):
        assert not any(_is_dot_segment(segment) for segment in path.split("/"))
        segment = path.rstrip("/").rpartition("/")[2]
        assert parse_tag_segment(unquote(segment)) == tags


@pytest.mark.parametrize("segment", ["%00", "%2500", "a+%00", "%2500+a", "%%00", "%250"])
def test_a_decoded_segment_is_never_decoded_into_a_nul(segment):
    assert not any("\x00" in tag for tag in parse_tag_segment(segment))
